/**
 * The integer parameters one layer needs at run time, derived from the graph's quantization and the
 * hardware's requantization mode exactly as each library's Prepare step derives them: per-channel
 * multiplier and shift (QuantizeMultiplier), onnxruntime's float32 effective scale, or the
 * power-of-two shift of dynamic fixed point; and the activation range in output integers.
 */
import type { Quantization, Tensor } from '../graph/model.js';
import { typeRange } from '../graph/model.js';
import type { FusedActivation } from '../graph/ops.js';
import { realScaleOf } from '../graph/quantization.js';
import { type RequantParams, roundFloat } from '../numeric/index.js';
import { type RequantSetting, requantSpec } from '../requant/index.js';

export class LayerNumericsError extends Error {}

function affine(tensor: Tensor, role: string): Extract<Quantization, { kind: 'affine' }> {
  const quant = tensor.quant;
  if (quant?.kind !== 'affine')
    throw new LayerNumericsError(`${role} "${tensor.name}" needs scale quantization for this requantization mode`);
  return quant;
}

function fractionalBits(tensor: Tensor): number | undefined {
  return tensor.quant?.kind === 'dfp' ? tensor.quant.fractionalBits + tensor.quant.shiftBias : undefined;
}

/** Zero point of a per-tensor quantized tensor (0 for dynamic fixed point). */
export function zeroPointOf(tensor: Tensor): number {
  if (tensor.quant?.kind !== 'affine') return 0;
  const zeroPoint = tensor.quant.zeroPoints[0] ?? 0;
  if (tensor.quant.zeroPoints.some((z) => z !== zeroPoint))
    throw new LayerNumericsError(`tensor "${tensor.name}" has per-channel zero points, which npusim does not support for activations`);
  return zeroPoint;
}

/**
 * Requantization parameters for each output channel of a layer with accumulator scale
 * s_in * s_w[c] and output scale s_out, as the mode's spec derives them (src/requant/).
 */
export function channelRequantParams(
  setting: RequantSetting,
  input: Tensor,
  weights: Tensor,
  output: Tensor,
  channels: number,
  perTensorFullyConnected: boolean,
): RequantParams[] {
  const spec = requantSpec(setting.mode);
  const inputBits = fractionalBits(input);
  const weightBits = fractionalBits(weights);
  const outputBits = fractionalBits(output);
  const fixedPoint = spec.takesFixedPoint && inputBits !== undefined && weightBits !== undefined && outputBits !== undefined;
  const inputScale = fixedPoint ? 1 : (affine(input, 'input').scales[0] ?? 1);
  const outputScale = fixedPoint ? 1 : (affine(output, 'output').scales[0] ?? 1);
  const weightScales = fixedPoint ? [1] : affine(weights, 'weights').scales;
  const params: RequantParams[] = [];
  for (let channel = 0; channel < channels; channel += 1) {
    const request = {
      inputScale,
      weightScale: weightScales[weightScales.length === 1 ? 0 : channel] ?? 1,
      outputScale,
      float32Product: perTensorFullyConnected,
      ...(fixedPoint ? { fractionalBits: { input: inputBits, weights: weightBits, output: outputBits } } : {}),
      how: `channel ${channel}`,
    };
    const refusal = spec.step.refusal(request, setting);
    if (refusal !== undefined) throw new LayerNumericsError(refusal);
    const step = spec.step.params(request, setting);
    // hvx has no wide step (its spec says so); the test narrows the parameters' type.
    if (!takesWideAccumulator(setting, input, weights) || !('multiplier' in step) || step.mode === 'hvx') {
      params.push(step);
      continue;
    }
    if (step.shift > 7)
      throw new LayerNumericsError(
        `effective scale of ${request.how} needs a left shift of ${step.shift}; TFLite's 16x8 requantization (int64 MultiplyByQuantizedMultiplier) takes shifts up to 7`,
      );
    params.push({ ...step, wide: true });
  }
  return params;
}

/** TFLite's 16x8 mode in the modes that have it (the spec says): int16 activations, int8 weights. */
export function takesWideAccumulator(setting: RequantSetting, input: Tensor, weights: Tensor): boolean {
  return (
    requantSpec(setting.mode).wideAccumulator16x8 &&
    input.type.bits === 16 &&
    input.type.signed &&
    weights.type.bits === 8 &&
    weights.type.signed
  );
}

export type { FusedActivation };

/**
 * The fused activation's bounds in output integers, as TFLite computes them: relu's lower bound is
 * the zero point; relu6's upper bound is zp + round(6.0f / scale) in float32 with round half away
 * from zero; a clamp {min, max} maps both reals the same way. Not yet intersected with the type
 * range (infinite where the activation has no bound). Dynamic fixed point uses 2^-fractionalBits.
 */
export function activationBounds(output: Tensor, activation: FusedActivation): { low: number; high: number } {
  if (activation === 'none') return { low: -Infinity, high: Infinity };
  const zeroPoint = zeroPointOf(output);
  const scale = realScaleOf(output);
  const quantize = (real: number): number => zeroPoint + roundFloat(Math.fround(Math.fround(real) / Math.fround(scale)), 'half-away');
  if (activation === 'relu') return { low: zeroPoint, high: Infinity };
  if (activation === 'relu6') return { low: zeroPoint, high: quantize(6) };
  return { low: quantize(activation.min), high: quantize(activation.max) };
}

/** The activation range intersected with the output type's range: the final clamp. */
export function activationRange(output: Tensor, activation: FusedActivation): { min: number; max: number } {
  const range = typeRange(output.type);
  const { low, high } = activationBounds(output, activation);
  return { min: Math.max(range.min, low), max: Math.min(range.max, high) };
}
