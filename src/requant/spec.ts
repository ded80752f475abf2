/**
 * What a requantization mode is, in one place per mode: the rounding it fixes (or takes), the
 * parameters and domain of its rescaling step (a layer's channel, a concat input), how the vector
 * ops it defines compute (Add, average pooling), which quantization and output types it takes, and
 * the words the docs table shows. Validation, lowering, the engine and docs/numerics.md's table all
 * read these specs (src/requant/index.ts), so adding a mode is its spec file plus its tests.
 */
import type { PoolGeometry } from '../graph/geometry.js';
import type { TensorType } from '../graph/model.js';
import type { ConcatRescale } from '../kernels/ort/concat.js';
import type { ClampRange, ClipCounter } from '../kernels/vector.js';
import type { RequantMode, RequantParams, RoundingMode, StochasticSite } from '../numeric/index.js';

/** What of a machine a mode's numerics depend on (a zoo network is checked against a mode alone). */
export interface RequantSetting {
  readonly mode: RequantMode;
  /** The configured rounding: defined exactly when the mode takes one (hvx, shift-only). */
  readonly rounding: RoundingMode | undefined;
  /** S-DFP's exponent bias, added to every shift-only shift; 0 otherwise. */
  readonly shiftBias: number;
  readonly accumulatorBits: number;
}

/** One rescaling by s_in * s_w / s_out: a layer's output channel, or a concat input (s_w = 1). */
export interface ScaleStepRequest {
  readonly inputScale: number;
  readonly weightScale: number;
  readonly outputScale: number;
  /** TFLM's per-tensor fully connected multiplies the input and weight scales in float32 first. */
  readonly float32Product: boolean;
  /** With every operand in dynamic fixed point (shift-only): their fractional bits. */
  readonly fractionalBits?: { readonly input: number; readonly weights: number; readonly output: number };
  /** The step's scales as a message shows them, e.g. "input 0.05 x weight 0.01 / output 0.1". */
  readonly how: string;
}

/** How a mode rescales one step: whether it can (its domain), and with which integer parameters. */
export interface StepSpec {
  /** Why the mode cannot apply the step exactly (the message after "what: "), or undefined. */
  refusal(request: ScaleStepRequest, setting: RequantSetting): string | undefined;
  /** The step's parameters; the request must be inside the domain (refusal gave undefined). */
  params(request: ScaleStepRequest, setting: RequantSetting): RequantParams;
}

/** Why a mode cannot compute an op exactly: the message after "what: ", and the tensor at fault (else the op). */
export interface Refusal {
  readonly message: string;
  readonly tensor?: string;
}

/** A vector op's operand: its values and its quantization in both forms. */
export interface VectorOperand {
  readonly name: string;
  readonly data: Int32Array;
  readonly type: TensorType;
  /** s in value = s * (x - zp); 2^exponent for dynamic fixed point. */
  readonly scale: number;
  readonly zeroPoint: number;
  /** The power of two of a dynamic fixed point operand (scale = 2^exponent); undefined for scales. */
  readonly exponent: number | undefined;
}

/** What a vector op computes with besides its operands. */
export interface VectorContext {
  /** The final clamp: the output type's range met with the fused activation. */
  readonly range: ClampRange;
  readonly counter: ClipCounter;
  readonly setting: RequantSetting;
  /** The stochastic rounding site of one rounding point of the op, when rounding is stochastic. */
  readonly site: (label: string) => StochasticSite | undefined;
}

export interface AddSpec {
  /** Widest input the mode's Add takes (its library's 8-bit kernels), or undefined for any. */
  readonly maxInputBits: number | undefined;
  /** The docs table's cell. */
  readonly describe: string;
  /** Why the mode cannot add these operands exactly, or undefined. */
  refusal(a: VectorOperand, b: VectorOperand, output: VectorOperand, setting: RequantSetting): Refusal | undefined;
  run(a: VectorOperand, b: VectorOperand, output: VectorOperand, context: VectorContext): Int32Array;
}

export interface AveragePoolSpec {
  /**
   * Which windows the mode defines: any window (averaged in the input's quantization), or only a
   * window of the whole unpadded image (onnxruntime's QLinearGlobalAveragePool).
   */
  readonly windows: 'any' | 'whole-image';
  /** Whether the output keeps the input's quantization (else it requantizes to the output's). */
  readonly keepsQuantization: boolean;
  readonly describe: string;
  /** Why the mode cannot average a window of `taps` taps exactly, or undefined. */
  refusal(input: VectorOperand, output: VectorOperand, taps: number, setting: RequantSetting): Refusal | undefined;
  run(geometry: PoolGeometry, input: VectorOperand, output: VectorOperand, context: VectorContext): Int32Array;
}

/** A mode whose library concatenates with its own rescaling instead of the mode's step (onnxruntime's QLinearConcat). */
export interface ConcatSpec {
  readonly describe: string;
  /** The rescaling of an input into the output's quantization, or undefined when the input is copied. */
  rescale(
    input: { readonly scale: number; readonly zeroPoint: number },
    output: { readonly scale: number; readonly zeroPoint: number; readonly min: number; readonly max: number },
  ): ConcatRescale | undefined;
}

export interface RequantModeSpec {
  readonly name: RequantMode;
  /** One line for the docs table: what the mode reproduces. */
  readonly summary: string;
  /** The docs table's formula of one rescaling (before the final clamp). */
  readonly formula: string;
  /** The docs table's range of shifts the mode applies. */
  readonly shifts: string;
  /**
   * The library and build the mode reproduces (a library's builds share its name), e.g. TFLite's
   * default build: a model quantized for one build runs as its library intends under the other.
   */
  readonly library: { readonly name: string; readonly build: string };
  /** The rounding a library mode fixes, in words; undefined when the mode takes the configured one. */
  readonly fixedRounding: string | undefined;
  /** Whether layers may be in dynamic fixed point (fractionalBits) instead of scales. */
  readonly takesFixedPoint: boolean;
  /** Whether accumulators are saturated to int32 before the step (the libraries' int32 paths). */
  readonly int32RequantInput: boolean;
  /**
   * Whether a layer with int16 activations and int8 weights accumulates in int64 and requantizes
   * through the int64 MultiplyByQuantizedMultiplier (TFLite's 16x8 mode; CMSIS-NN's
   * arm_nn_requantize_s64), instead of the mode's one int32 step.
   */
  readonly wideAccumulator16x8: boolean;
  /** The output types the mode produces, when it does not produce every type. */
  readonly outputTypes?: { readonly accepts: (type: TensorType) => boolean; readonly describe: string };
  /** A rescaling step (a layer's channel, a concat input). */
  readonly step: StepSpec;
  readonly add: AddSpec;
  readonly averagePool: AveragePoolSpec;
  /** Concatenation's rescaling, when the library's differs from a 1 x 1 identity layer of the mode's step. */
  readonly concat?: ConcatSpec;
}
