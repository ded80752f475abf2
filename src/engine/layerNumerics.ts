/**
 * The integer parameters one layer needs at run time, derived from the graph's quantization and the
 * hardware's requantization mode exactly as each library's Prepare step derives them: per-channel
 * multiplier and shift (QuantizeMultiplier), onnxruntime's float32 effective scale, or the
 * power-of-two shift of dynamic fixed point; and the activation range in output integers.
 */
import type { HardwareConfig } from '../formats/hardwareSchema.js';
import type { Quantization, Tensor } from '../graph/model.js';
import { typeRange } from '../graph/model.js';
import { realScaleOf } from '../graph/quantization.js';
import { layerMultiplier, multiplierBuild, ortLayerScale, type RequantParams, powerOfTwoShift, quantizeMultiplier, roundFloat } from '../numeric/index.js';

export class LayerNumericsError extends Error {}

function affine(tensor: Tensor, role: string): Extract<Quantization, { kind: 'affine' }> {
  const quant = tensor.quant;
  if (quant?.kind !== 'affine') throw new LayerNumericsError(`${role} "${tensor.name}" needs scale quantization for this requantization mode`);
  return quant;
}

function fractionalBits(tensor: Tensor): number | undefined {
  return tensor.quant?.kind === 'dfp' ? tensor.quant.fractionalBits + tensor.quant.shiftBias : undefined;
}

/** Zero point of a per-tensor quantized tensor (0 for dynamic fixed point). */
export function zeroPointOf(tensor: Tensor): number {
  if (tensor.quant?.kind !== 'affine') return 0;
  const zeroPoint = tensor.quant.zeroPoints[0] ?? 0;
  if (tensor.quant.zeroPoints.some((z) => z !== zeroPoint)) throw new LayerNumericsError(`tensor "${tensor.name}" has per-channel zero points, which npusim does not support for activations`);
  return zeroPoint;
}

/**
 * Requantization parameters for each output channel of a layer with accumulator scale
 * s_in * s_w[c] and output scale s_out.
 */
export function channelRequantParams(
  config: HardwareConfig,
  input: Tensor,
  weights: Tensor,
  output: Tensor,
  channels: number,
  perTensorFullyConnected: boolean,
): RequantParams[] {
  const { mode, rounding, shiftBias = 0 } = config.requant;
  const params: RequantParams[] = [];
  if (mode === 'shift-only') {
    const inputBits = fractionalBits(input);
    const weightBits = fractionalBits(weights);
    const outputBits = fractionalBits(output);
    for (let channel = 0; channel < channels; channel += 1) {
      let shift: number;
      if (inputBits !== undefined && weightBits !== undefined && outputBits !== undefined) {
        shift = inputBits + weightBits - outputBits;
      } else {
        const scales = affine(weights, 'weights').scales;
        const real = (affine(input, 'input').scales[0] ?? 1) * (scales[scales.length === 1 ? 0 : channel] ?? 1) / (affine(output, 'output').scales[0] ?? 1);
        shift = powerOfTwoShift(real);
      }
      params.push({ mode, shift: shift + shiftBias, rounding: rounding ?? 'half-up' });
    }
    return params;
  }
  const inputScale = affine(input, 'input').scales[0] ?? 1;
  const outputScale = affine(output, 'output').scales[0] ?? 1;
  const weightScales = affine(weights, 'weights').scales;
  for (let channel = 0; channel < channels; channel += 1) {
    const weightScale = weightScales[weightScales.length === 1 ? 0 : channel] ?? 1;
    if (mode === 'ort-float') {
      params.push({ mode, scale: ortLayerScale(inputScale, weightScale, outputScale) });
      continue;
    }
    // TFLM's per-tensor fully connected multiplies the two scales in float32 first.
    const real = layerMultiplier(inputScale, weightScale, outputScale, perTensorFullyConnected);
    const { multiplier, shift } = quantizeMultiplier(real, multiplierBuild(mode));
    if (mode === 'hvx') params.push({ mode, multiplier, shift, rounding: rounding ?? 'half-up' });
    else params.push({ mode, multiplier, shift });
  }
  return params;
}

export type FusedActivation = 'none' | 'relu' | 'relu6' | { readonly min: number; readonly max: number };

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
