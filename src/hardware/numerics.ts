/**
 * Whether the engine can compute a graph's numerics exactly under a requantization setting, checked
 * before any run: every rescaling step a layer or a concat derives, every Add and every average
 * pool lies in the mode's domain (its spec says how: src/requant/), quantization has the form the
 * mode and the kernels take, and fused activation bounds are finite in float32. Each failure names
 * the tensor (and channel) or the op responsible.
 */
import { InputError } from '../errors.js';
import type { Graph, Tensor } from '../graph/model.js';
import type { AddOp, ArrayOp, AvgPoolOp, ConcatOp, FusedActivation, GlobalAvgPoolOp, GraphOp } from '../graph/ops.js';
import { fixedPointExponent, realScaleOf } from '../graph/quantization.js';
import { formatJsonPath } from '../messages/jsonPath.js';
import {
  formatReal,
  type RequantModeSpec,
  type RequantSetting,
  requantSpec,
  type ScaleStepRequest,
  type VectorOperand,
} from '../requant/index.js';

const FLOAT32_MAX = 3.4028234663852886e38;

/** A tensor as a vector op's operand, for a spec's domain check (no values needed). */
export function operandOf(tensor: Tensor, data: Int32Array = new Int32Array(0)): VectorOperand {
  const zeroPoint = tensor.quant?.kind === 'affine' ? (tensor.quant.zeroPoints[0] ?? 0) : 0;
  return {
    name: tensor.name,
    data,
    type: tensor.type,
    scale: realScaleOf(tensor),
    zeroPoint,
    exponent: tensor.quant?.kind === 'dfp' ? fixedPointExponent(tensor) : undefined,
  };
}

class NumericsChecker {
  private readonly spec: RequantModeSpec;

  constructor(
    private readonly graph: Graph,
    private readonly setting: RequantSetting,
  ) {
    this.spec = requantSpec(setting.mode);
  }

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

  /** The form of quantization a requantizing step needs under the mode: all scales, or (fixed point modes) all fractional bits or all scales. */
  private requireForms(what: string, tensors: readonly Tensor[]): 'affine' | 'dfp' {
    const missing = tensors.find((tensor) => tensor.quant === undefined);
    if (missing !== undefined)
      this.fail(`${what} requantizes "${missing.name}", which has no quantization; give it "quant"`, ['tensors', missing.name]);
    const kinds = new Set(tensors.map((tensor) => tensor.quant?.kind));
    if (this.spec.takesFixedPoint) {
      if (kinds.size === 1) return kinds.has('dfp') ? 'dfp' : 'affine';
      const odd = tensors.find((tensor) => tensor.quant?.kind !== tensors[0]?.quant?.kind) ?? tensors[0];
      this.fail(
        `${what}: the ${this.setting.mode} mode takes ${tensors.map((tensor) => `"${tensor.name}"`).join(', ')} all in dynamic fixed point (fractionalBits) or all with scales; "${odd?.name ?? ''}" differs`,
        ['tensors', odd?.name ?? '', 'quant'],
      );
    }
    const fixedPoint = tensors.find((tensor) => tensor.quant?.kind === 'dfp');
    if (fixedPoint !== undefined) {
      this.fail(
        `${what}: the ${this.setting.mode} mode needs scales ({scale, zeroPoint}); "${fixedPoint.name}" is in dynamic fixed point, which only shift-only takes`,
        ['tensors', fixedPoint.name, 'quant'],
      );
    }
    return 'affine';
  }

  private step(what: string, request: ScaleStepRequest, path: readonly PropertyKey[]): void {
    const refusal = this.spec.step.refusal(request, this.setting);
    if (refusal !== undefined) this.fail(`${what}: ${refusal}`, path);
  }

  /** The fractional bits of a fixed-point step and its terms as a message shows them. */
  private fixedPointRequest(input: Tensor, weights: Tensor | undefined, output: Tensor): ScaleStepRequest {
    const bits = (tensor: Tensor): number => -fixedPointExponent(tensor);
    const weightBits = weights === undefined ? 0 : bits(weights);
    const bias = this.setting.shiftBias;
    const how = `input ${bits(input)}${weights === undefined ? '' : ` + weights ${weightBits}`} - output ${bits(output)} fractional bits${bias === 0 ? '' : ` + shiftBias ${bias}`}`;
    return {
      inputScale: 1,
      weightScale: 1,
      outputScale: 1,
      float32Product: false,
      fractionalBits: { input: bits(input), weights: weightBits, output: bits(output) },
      how,
    };
  }

  private arrayLayer(op: ArrayOp): void {
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
      this.step(what, this.fixedPointRequest(input, weights, output), this.scalePath(weights));
      return;
    }
    const inputScale = realScaleOf(input);
    const outputScale = realScaleOf(output);
    const scales = weights.quant?.kind === 'affine' ? weights.quant.scales : [1];
    const float32Product = op.op === 'fully_connected' && scales.length === 1;
    const channels = scales.length === 1 ? 1 : outChannels;
    for (let channel = 0; channel < channels; channel += 1) {
      const weightScale = scales[channel] ?? 1;
      // Worded only when refused: a checked graph has thousands of channels.
      const request = {
        inputScale,
        weightScale,
        outputScale,
        float32Product,
        get how(): string {
          return `input ${formatReal(inputScale)} x weight ${formatReal(weightScale)} / output ${formatReal(outputScale)}`;
        },
      };
      const refusal = this.spec.step.refusal(request, this.setting);
      if (refusal !== undefined) this.fail(`${what}: ${refusal}`, this.scalePath(weights, channel));
    }
  }

  /** Concat rescales an input whose quantization differs from the output's like a 1x1 identity layer. */
  private concat(op: ConcatOp): void {
    const output = this.tensor(op.output);
    if (output === undefined) return;
    for (const name of op.inputs) {
      const input = this.tensor(name);
      if (input === undefined || JSON.stringify(input.quant) === JSON.stringify(output.quant)) continue;
      const what = `concat "${op.name}" rescaling "${name}" to its output`;
      const form = this.requireForms(what, [input, output]);
      if (form === 'dfp') {
        this.step(what, this.fixedPointRequest(input, undefined, output), this.scalePath(input));
        continue;
      }
      const inputScale = realScaleOf(input);
      const outputScale = realScaleOf(output);
      this.step(
        what,
        {
          inputScale,
          weightScale: 1,
          outputScale,
          float32Product: false,
          how: `input ${formatReal(inputScale)} / output ${formatReal(outputScale)}`,
        },
        this.scalePath(input),
      );
    }
  }

  private add(op: AddOp): void {
    const [a, b] = op.inputs.map((name) => this.tensor(name));
    const output = this.tensor(op.output);
    if (a === undefined || b === undefined || output === undefined) return;
    const refusal = this.spec.add.refusal(operandOf(a), operandOf(b), operandOf(output), this.setting);
    if (refusal === undefined) return;
    const blamed = this.tensor(refusal.tensor ?? output.name) ?? output;
    this.fail(`add "${op.name}": ${refusal.message}`, this.scalePath(blamed));
  }

  private averagePool(op: AvgPoolOp | GlobalAvgPoolOp, index: number): void {
    const input = this.tensor(op.input);
    const output = this.tensor(op.output);
    if (input === undefined || output === undefined) return;
    const [, height = 1, width = 1] = input.shape;
    const taps =
      op.op === 'global_avg_pool'
        ? height * width
        : this.spec.averagePool.windows === 'whole-image'
          ? height * width
          : Math.min(op.filter[0], height) * Math.min(op.filter[1], width);
    const refusal = this.spec.averagePool.refusal(operandOf(input), operandOf(output), taps, this.setting);
    if (refusal === undefined) return;
    const blamed = refusal.tensor === undefined ? undefined : this.tensor(refusal.tensor);
    this.fail(
      `${op.op} "${op.name}": ${refusal.message}`,
      blamed === undefined ? ['ops', index, ...(op.op === 'avg_pool' ? ['filter'] : [])] : this.scalePath(blamed),
    );
  }

  /**
   * TFLite quantizes a relu6 or clamp bound as zp + round(fl32(real) / fl32(scale)) in float32: the
   * quotient must be finite.
   */
  private activationBounds(op: GraphOp, activation: FusedActivation, index: number): void {
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
