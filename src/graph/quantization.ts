/**
 * What a tensor's quantization means in numbers, read the same way by validation and the engine:
 * the real value of one integer step, and the power-of-two exponent of shift-only arithmetic.
 */
import { powerOfTwoShift } from '../numeric/scale.js';
import type { Tensor } from './model.js';

/** The real value of one step: the (first) scale, 2^-(fractionalBits + shiftBias), or 1 unquantized. */
export function realScaleOf(tensor: Tensor): number {
  if (tensor.quant?.kind === 'affine') return tensor.quant.scales[0] ?? 1;
  if (tensor.quant?.kind === 'dfp') return 2 ** -(tensor.quant.fractionalBits + tensor.quant.shiftBias);
  return 1;
}

/** A tensor's power-of-two exponent for shift-only arithmetic: value = (x - zp) * 2^exponent. */
export function fixedPointExponent(tensor: Tensor): number {
  if (tensor.quant?.kind === 'dfp') return -(tensor.quant.fractionalBits + tensor.quant.shiftBias);
  return -powerOfTwoShift(tensor.quant?.scales[0] ?? 1);
}
