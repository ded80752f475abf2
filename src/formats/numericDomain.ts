/**
 * Whether the engine can compute a graph's numerics exactly under a requantization mode, checked
 * before any run: every multiplier, float32 scale and shift a layer derives lies in the mode's
 * domain (src/numeric/requantDomain.ts), quantization has the form the mode and the kernels take,
 * and fused activation bounds are finite in float32. Each failure names the tensor (and channel)
 * or the op responsible. Validation, run, schedule, golden and sweep all pass here.
 */
import { InputError } from '../errors.js';
import type { Graph, GraphOp, Tensor } from '../graph/model.js';
import { fixedPointExponent, realScaleOf } from '../graph/quantization.js';
import {
  hvxAddOutsideDomain,
  layerMultiplier,
  MAX_STOCHASTIC_DIVISOR,
  multiplierBuild,
  multiplierOutsideDomain,
  ortAddOutsideDomain,
  ortGlobalAveragePoolScale,
  ortLayerScale,
  ortScaleOutsideDomain,
  powerOfTwoShift,
  type RequantMode,
  type RoundingMode,
  shiftOutsideDomain,
  tfliteAddOutsideDomain,
} from '../numeric/index.js';
import type { HardwareConfig } from './hardwareSchema.js';
import { formatJsonPath } from './jsonPath.js';

/** What of a hardware config the numerics depend on (a zoo network is checked against a mode alone). */
export interface RequantSetting {
  readonly mode: RequantMode;
  readonly rounding: RoundingMode | undefined;
  readonly shiftBias: number;
  readonly accumulatorBits: number;
}

export function requantSettingOf(config: HardwareConfig): RequantSetting {
  return { mode: config.requant.mode, rounding: config.requant.rounding, shiftBias: config.requant.shiftBias ?? 0, accumulatorBits: config.accumulator.bits };
}

/** A number as a message shows it: six significant digits, exponent form when very large or small. */
export function formatReal(value: number): string {
  const rounded = Number(value.toPrecision(6));
  const magnitude = Math.abs(rounded);
  if (magnitude !== 0 && (magnitude >= 1e6 || magnitude < 1e-4)) return rounded.toExponential().replace('e+', 'e');
  return String(rounded);
}

const FLOAT32_MAX = 3.4028234663852886e38;

type Activation = 'none' | 'relu' | 'relu6' | { readonly min: number; readonly max: number };

class NumericsChecker {
  constructor(
    private readonly graph: Graph,
    private readonly setting: RequantSetting,
  ) {}

  private fail(message: string, path: readonly PropertyKey[]): never {
    throw new InputError(message, this.graph.file, formatJsonPath(path));
  }

  private tensor(name: string): Tensor | undefined {
    return this.graph.tensors.get(name);
  }

  /** The JSON path of a tensor's scale (channel `channel` of a per-channel one), or of its fractional bits. */
  private scalePath(tensor: Tensor, channel?: number): PropertyKey[] {
    const base = ['tensors', tensor.name, 'quant'];
    if (tensor.quant === undefined) return ['tensors', tensor.name];
    if (tensor.quant.kind === 'dfp') return [...base, 'fractionalBits'];
    return tensor.quant.scales.length > 1 && channel !== undefined ? [...base, 'scale', channel] : [...base, 'scale'];
  }

  private get modeName(): string {
    return this.setting.mode;
  }

  check(): void {
    this.graph.ops.forEach((op, index) => {
      this.perTensorActivations(op);
      if (op.op === 'conv2d' || op.op === 'depthwise_conv2d' || op.op === 'fully_connected') this.arrayLayer(op);
      if (op.op === 'concat') this.concat(op);
      if (op.op === 'add') this.add(op);
      if (op.op === 'avg_pool' || op.op === 'global_avg_pool') this.averagePool(op, index);
      if ('activation' in op) this.activationBounds(op, op.activation, index);
    });
  }

  /**
   * The engine quantizes activations per tensor: one scale and one zero point. A per-channel
   * activation would be read as its first channel's, silently.
   */
  private perTensorActivations(op: GraphOp): void {
    const names = op.op === 'add' || op.op === 'concat' ? [...op.inputs, op.output] : [op.input, op.output];
    for (const name of names) {
      const tensor = this.tensor(name);
      if (tensor?.quant?.kind !== 'affine') continue;
      const { scales, zeroPoints } = tensor.quant;
      if (scales.length > 1 || zeroPoints.some((zeroPoint) => zeroPoint !== zeroPoints[0])) {
        this.fail(
          `${op.op} "${op.name}" reads or writes "${name}" as an activation, and npusim quantizes activations per tensor (one scale, one zero point); give it {scale, zeroPoint}`,
          ['tensors', name, 'quant'],
        );
      }
    }
  }

  /** The form of quantization a requantizing step needs under the mode: all scales, or (shift-only) all fractional bits or all scales. */
  private requireForms(what: string, tensors: readonly Tensor[]): 'affine' | 'dfp' {
    const missing = tensors.find((tensor) => tensor.quant === undefined);
    if (missing !== undefined) this.fail(`${what} requantizes "${missing.name}", which has no quantization; give it "quant"`, ['tensors', missing.name]);
    const kinds = new Set(tensors.map((tensor) => tensor.quant?.kind));
    if (this.setting.mode === 'shift-only') {
      if (kinds.size === 1) return kinds.has('dfp') ? 'dfp' : 'affine';
      const odd = tensors.find((tensor) => tensor.quant?.kind !== tensors[0]?.quant?.kind) ?? tensors[0];
      this.fail(
        `${what}: the shift-only mode takes ${tensors.map((tensor) => `"${tensor.name}"`).join(', ')} all in dynamic fixed point (fractionalBits) or all with scales; "${odd?.name ?? ''}" differs`,
        ['tensors', odd?.name ?? '', 'quant'],
      );
    }
    const fixedPoint = tensors.find((tensor) => tensor.quant?.kind === 'dfp');
    if (fixedPoint !== undefined) {
      this.fail(`${what}: the ${this.modeName} mode needs scales ({scale, zeroPoint}); "${fixedPoint.name}" is in dynamic fixed point, which only shift-only takes`, ['tensors', fixedPoint.name, 'quant']);
    }
    return 'affine';
  }

  private arrayLayer(op: Extract<GraphOp, { weights: string }>): void {
    const input = this.tensor(op.input);
    const weights = this.tensor(op.weights);
    const output = this.tensor(op.output);
    if (input === undefined || weights === undefined || output === undefined) return;
    const what = `${op.op} "${op.name}"`;
    const form = this.requireForms(what, [input, weights, output]);
    const outChannels = op.op === 'depthwise_conv2d' ? (weights.shape[3] ?? 1) : (weights.shape[0] ?? 1);
    if (weights.quant?.kind === 'affine') {
      const { scales, zeroPoints, axis } = weights.quant;
      const channelAxis = op.op === 'depthwise_conv2d' ? 3 : 0;
      if (scales.length > 1 && axis !== channelAxis) {
        this.fail(
          `${what}: per-channel weight scales run along the output channels, axis ${channelAxis} (${op.op === 'depthwise_conv2d' ? '[1,KH,KW,C*M]' : op.op === 'fully_connected' ? '[O,K]' : 'OHWI'}), got axis ${axis ?? ''}`,
          ['tensors', weights.name, 'quant', 'axis'],
        );
      }
      const nonZero = zeroPoints.findIndex((zeroPoint) => zeroPoint !== 0);
      if (nonZero >= 0) {
        this.fail(
          `${what}: weights are symmetric (zero point 0), as in TFLite's and CMSIS-NN's integer kernels: the array subtracts no weight zero point; got ${zeroPoints[nonZero]}`,
          ['tensors', weights.name, 'quant', 'zeroPoint', ...(zeroPoints.length > 1 && new Set(zeroPoints).size > 1 ? [nonZero] : [])],
        );
      }
    }
    if (form === 'dfp') {
      this.fixedPointShift(what, input, weights, output);
      return;
    }
    const inputScale = realScaleOf(input);
    const outputScale = realScaleOf(output);
    const scales = weights.quant?.kind === 'affine' ? weights.quant.scales : [1];
    const perTensorFullyConnected = op.op === 'fully_connected' && scales.length === 1;
    const channels = scales.length === 1 ? 1 : outChannels;
    for (let channel = 0; channel < channels; channel += 1) {
      const weightScale = scales[channel] ?? 1;
      this.scaleStep(what, inputScale, weightScale, outputScale, perTensorFullyConnected, this.scalePath(weights, channel), `input ${formatReal(inputScale)} x weight ${formatReal(weightScale)} / output ${formatReal(outputScale)}`);
    }
  }

  /** One requantization by s_in * s_w / s_out in a scale-based mode (shift-only: its nearest power of two). */
  private scaleStep(what: string, inputScale: number, weightScale: number, outputScale: number, float32Product: boolean, path: readonly PropertyKey[], how: string): void {
    const { mode, accumulatorBits, shiftBias } = this.setting;
    if (mode === 'ort-float') {
      const scale = ortLayerScale(inputScale, weightScale, outputScale);
      const outside = ortScaleOutsideDomain(scale, accumulatorBits);
      if (outside !== undefined) this.fail(`${what}: float32 scale ${formatReal(scale)} (${how}) is outside what ort-float can represent (${outside})`, path);
      return;
    }
    const real = layerMultiplier(inputScale, weightScale, outputScale, float32Product);
    if (mode === 'shift-only') {
      const shift = powerOfTwoShift(real) + shiftBias;
      const outside = shiftOutsideDomain(shift);
      if (outside !== undefined) {
        this.fail(`${what}: effective scale ${formatReal(real)} (${how}) needs a shift of ${shift}${shiftBias === 0 ? '' : ` (shiftBias ${shiftBias} included)`}, outside what shift-only can apply (${outside})`, path);
      }
      return;
    }
    const outside = multiplierOutsideDomain(mode, real);
    if (outside !== undefined) this.fail(`${what}: effective scale ${formatReal(real)} (${how}) is outside what ${mode} can represent (${outside})`, path);
  }

  /** Shift-only on dynamic fixed point: shift = fl_in + fl_w - fl_out (+ the S-DFP bias). */
  private fixedPointShift(what: string, input: Tensor, weights: Tensor | undefined, output: Tensor): void {
    const bits = (tensor: Tensor): number => -fixedPointExponent(tensor);
    const weightBits = weights === undefined ? 0 : bits(weights);
    const shift = bits(input) + weightBits - bits(output) + this.setting.shiftBias;
    const outside = shiftOutsideDomain(shift);
    if (outside === undefined) return;
    const terms = `input ${bits(input)}${weights === undefined ? '' : ` + weights ${weightBits}`} - output ${bits(output)} fractional bits${this.setting.shiftBias === 0 ? '' : ` + shiftBias ${this.setting.shiftBias}`}`;
    this.fail(`${what}: shift ${shift} (${terms}) is outside what shift-only can apply (${outside})`, this.scalePath(weights ?? output));
  }

  /** Concat rescales an input whose quantization differs from the output's like a 1x1 identity layer. */
  private concat(op: Extract<GraphOp, { op: 'concat' }>): void {
    const output = this.tensor(op.output);
    if (output === undefined) return;
    for (const name of op.inputs) {
      const input = this.tensor(name);
      if (input === undefined || JSON.stringify(input.quant) === JSON.stringify(output.quant)) continue;
      const what = `concat "${op.name}" rescaling "${name}" to its output`;
      const form = this.requireForms(what, [input, output]);
      if (form === 'dfp') {
        this.fixedPointShift(what, input, undefined, output);
        continue;
      }
      const inputScale = realScaleOf(input);
      const outputScale = realScaleOf(output);
      this.scaleStep(what, inputScale, 1, outputScale, false, this.scalePath(input), `input ${formatReal(inputScale)} / output ${formatReal(outputScale)}`);
    }
  }

  private add(op: Extract<GraphOp, { op: 'add' }>): void {
    const [a, b] = op.inputs.map((name) => this.tensor(name));
    const output = this.tensor(op.output);
    if (a === undefined || b === undefined || output === undefined) return;
    const what = `add "${op.name}"`;
    const { mode } = this.setting;
    const [scaleA, scaleB, outputScale] = [realScaleOf(a), realScaleOf(b), realScaleOf(output)];
    const scales = `inputs ${formatReal(scaleA)} and ${formatReal(scaleB)}, output ${formatReal(outputScale)}`;
    if (mode === 'ort-float') {
      const ratioA = Math.fround(scaleA / outputScale);
      const ratioB = Math.fround(scaleB / outputScale);
      const outside = ortAddOutsideDomain(ratioA, ratioB);
      if (outside !== undefined) this.fail(`${what}: scale ratios ${formatReal(ratioA)} and ${formatReal(ratioB)} (${scales}) are outside what ort-float can represent (${outside})`, this.scalePath(output));
      return;
    }
    if (mode === 'shift-only') {
      this.shiftOnlyAdd(what, a, b, output);
      return;
    }
    const multiplier = (2 * Math.max(scaleA, scaleB)) / (2 ** 20 * outputScale);
    const outside = mode === 'hvx' ? hvxAddOutsideDomain(multiplier) : tfliteAddOutsideDomain(multiplier, multiplierBuild(mode));
    if (outside !== undefined) this.fail(`${what}: output multiplier ${formatReal(multiplier)} (${scales}) is outside what ${mode} can represent (${outside})`, this.scalePath(output));
  }

  /**
   * npusim's shift-only Add aligns both inputs to the finer exponent with exact left shifts and
   * sums them exactly: the aligned sum must stay a safe integer; then one shift to the output.
   */
  private shiftOnlyAdd(what: string, a: Tensor, b: Tensor, output: Tensor): void {
    const [ea, eb, eo] = [fixedPointExponent(a), fixedPointExponent(b), fixedPointExponent(output)];
    const finer = Math.min(ea, eb);
    const largest = (2 ** a.type.bits - 1) * 2 ** (ea - finer) + (2 ** b.type.bits - 1) * 2 ** (eb - finer);
    if (largest > Number.MAX_SAFE_INTEGER) {
      const coarser = ea > eb ? a : b;
      this.fail(
        `${what}: aligning the inputs' exponents 2^${ea} and 2^${eb} shifts "${coarser.name}" left by ${Math.abs(ea - eb)} bits, and the sum of ${a.type.bits}- and ${b.type.bits}-bit values then passes 2^53, beyond exact arithmetic; bring the two inputs' scales within ${53 - 1 - Math.max(a.type.bits, b.type.bits)} powers of two`,
        this.scalePath(coarser),
      );
    }
    const shift = eo - finer + this.setting.shiftBias;
    const outside = shiftOutsideDomain(shift);
    // A negative shift is an exact left shift of any size; only the right shift is bounded.
    if (outside !== undefined && shift > 0) {
      this.fail(`${what}: the output exponent 2^${eo} is ${shift} powers of two above the inputs' 2^${finer}${this.setting.shiftBias === 0 ? '' : ` (shiftBias included)`}, outside what shift-only can apply (${outside})`, this.scalePath(output));
    }
  }

  private averagePool(op: Extract<GraphOp, { op: 'avg_pool' | 'global_avg_pool' }>, index: number): void {
    const input = this.tensor(op.input);
    const output = this.tensor(op.output);
    if (input === undefined || output === undefined) return;
    const [, height = 1, width = 1] = input.shape;
    const { mode, rounding } = this.setting;
    if (mode === 'ort-float') {
      const scale = ortGlobalAveragePoolScale(realScaleOf(input), realScaleOf(output), height * width);
      if (!Number.isFinite(scale)) {
        this.fail(`${op.op} "${op.name}": float32 scale s_in / (s_out x ${height * width} taps) is not finite, outside what ort-float can represent`, this.scalePath(output));
      }
      return;
    }
    if ((mode === 'hvx' || mode === 'shift-only') && rounding === 'stochastic') {
      const taps = op.op === 'global_avg_pool' ? height * width : Math.min(op.filter[0], height) * Math.min(op.filter[1], width);
      if (taps > MAX_STOCHASTIC_DIVISOR) {
        this.fail(
          `${op.op} "${op.name}": stochastic rounding divides by at most ${MAX_STOCHASTIC_DIVISOR} taps, and this window averages up to ${taps}`,
          ['ops', index, ...(op.op === 'avg_pool' ? ['filter'] : [])],
        );
      }
    }
  }

  /**
   * TFLite quantizes a relu6 or clamp bound as zp + round(fl32(real) / fl32(scale)) in float32: the
   * quotient must be finite.
   */
  private activationBounds(op: GraphOp, activation: Activation, index: number): void {
    if (activation === 'none' || activation === 'relu') return;
    const output = this.tensor(op.output);
    if (output === undefined) return;
    const scale = Math.fround(realScaleOf(output));
    const bounds = activation === 'relu6' ? [6] : [activation.min, activation.max];
    for (const real of bounds) {
      const quotient = Math.fround(Math.fround(real) / scale);
      if (!Number.isFinite(quotient) || Math.abs(quotient) > FLOAT32_MAX) {
        this.fail(
          `${op.op} "${op.name}": the ${activation === 'relu6' ? 'relu6' : 'clamp'} bound ${formatReal(real)} over the output scale ${formatReal(scale)} is beyond float32 (TFLite quantizes the bound as round(bound / scale) in float32); use a smaller bound or a larger output scale`,
          ['ops', index, 'activation'],
        );
      }
    }
  }
}

/** Throws InputError (file and JSON path) when the engine could not compute the graph exactly under `setting`. */
export function checkGraphNumerics(graph: Graph, setting: RequantSetting): void {
  new NumericsChecker(graph, setting).check();
}
