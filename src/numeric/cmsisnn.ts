/**
 * CMSIS-NN requantization (Include/arm_nnsupportfunctions.h, generic C paths): arm_nn_requantize in
 * the default and CMSIS_NN_USE_SINGLE_ROUNDING builds, the doubling high multiplies, the
 * power-of-two divide and the 64-bit requantize of the int16 kernels.
 */
import { rdbpot, srdhm } from './gemmlowp.js';
import { mulShiftRightHalfUp, mulWide, shiftRightFloorWide } from './int64.js';
import { INT32, wrap } from './integers.js';

export type CmsisBuild = 'double' | 'single';

/** arm_nn_doubling_high_mult: identical to gemmlowp's saturating SRDHM. */
export function doublingHighMult(a: number, b: number): number {
  return srdhm(a, b, 32);
}

/**
 * arm_nn_doubling_high_mult_no_sat: adds 2^30 and shifts right by 31 (half up), no saturation;
 * at a = b = -2^31 the result 2^31 wraps to -2^31 in the int32 conversion.
 */
export function doublingHighMultNoSat(a: number, b: number): number {
  return wrap(shiftRightFloorWide(mulWide(a, b), 31, true), INT32);
}

/** arm_nn_divide_by_power_of_two: identical to RoundingDivideByPOT. */
export function divideByPowerOfTwo(dividend: number, exponent: number): number {
  return rdbpot(dividend, exponent, 32);
}

/** arm_nn_requantize; the multiplier may be negative, shift in -31..30. */
export function cmsisRequantize(value: number, multiplier: number, shift: number, build: CmsisBuild): number {
  if (!Number.isInteger(shift) || shift < -31 || shift > 30) {
    throw new RangeError(`CMSIS-NN requantize shift must be in -31..30, got ${shift}`);
  }
  if (build === 'single') {
    // ((p >> (t-1)) + 1) >> 1 with p = value*m and t = 31 - shift: half up at 2^-t.
    return wrap(mulShiftRightHalfUp(value, multiplier, 31 - shift), INT32);
  }
  const leftShift = Math.max(shift, 0);
  const rightShift = Math.max(-shift, 0);
  return divideByPowerOfTwo(doublingHighMultNoSat(wrap(value * 2 ** leftShift, INT32), multiplier), rightShift);
}

/**
 * arm_nn_requantize_s64, written as the source computes it: t1 = (value*rm) >> (14 - shift),
 * truncated to int32, then (t1 + 1) >> 1. value in [-2^47, 2^47), |rm| <= 32767, shift in -31..7.
 */
export function requantizeS64(value: number, reducedMultiplier: number, shift: number): number {
  if (!Number.isInteger(shift) || shift < -31 || shift > 7) {
    throw new RangeError(`arm_nn_requantize_s64 shift must be in -31..7, got ${shift}`);
  }
  const truncated = wrap(shiftRightFloorWide(mulWide(value, reducedMultiplier), 14 - shift, false), INT32);
  return Math.floor((truncated + 1) / 2);
}
