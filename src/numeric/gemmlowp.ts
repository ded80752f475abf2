/**
 * gemmlowp fixed-point primitives (fixedpoint/fixedpoint.h): SaturatingRoundingDoublingHighMul,
 * RoundingDivideByPOT and SaturatingRoundingMultiplyByPOT, for int32 and int16 lanes.
 */
import { mulShiftRightHalfUp } from './int64.js';
import { clamp } from './integers.js';
import { roundShiftRight } from './rounding.js';

export type FixedPointBits = 16 | 32;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function lanes(bits: FixedPointBits): { min: number; max: number } {
  return bits === 32 ? { min: -(2 ** 31), max: 2 ** 31 - 1 } : { min: -32768, max: 32767 };
}

/**
 * SRDHM: the product a*b doubled and its high half taken, i.e. a*b / 2^(bits-1), rounded half up
 * (the source's sign-dependent nudge with truncating division is exactly half-up for both signs).
 * The one product that does not fit, min*min, saturates to max.
 */
export function srdhm(a: number, b: number, bits: FixedPointBits = 32): number {
  if (bits === 16) {
    if (a === -32768 && b === -32768) return 32767;
    return Math.floor((a * b + 16384) / 32768); // |a*b| <= 2^30: exact
  }
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  return mulShiftRightHalfUp(a, b, 31);
}

/** RoundingDivideByPOT: x / 2^exponent rounded half away from zero, exponent in 0..bits-1. */
export function rdbpot(x: number, exponent: number, bits: FixedPointBits = 32): number {
  // The source's mask-and-threshold form in int32 bitwise arithmetic, which is exact there.
  if ((x | 0) === x && exponent >= 0 && exponent <= 30 && Number.isInteger(exponent) && exponent <= bits - 1) {
    const mask = (1 << exponent) - 1;
    const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + ((x & mask) > threshold ? 1 : 0);
  }
  if (!Number.isInteger(exponent) || exponent < 0 || exponent > bits - 1) {
    throw new RangeError(`RoundingDivideByPOT exponent must be in 0..${bits - 1}, got ${exponent}`);
  }
  return roundShiftRight(x, exponent, 'half-away');
}

/**
 * SaturatingRoundingMultiplyByPOT<exponent>: a saturating left shift for exponent > 0,
 * RoundingDivideByPOT for exponent < 0.
 */
export function srmbpot(x: number, exponent: number, bits: FixedPointBits = 32): number {
  if (exponent < 0) return rdbpot(x, -exponent, bits);
  const { min, max } = lanes(bits);
  return clamp(x * 2 ** exponent, min, max);
}
