/**
 * TensorFlow Lite's integer requantization (kernels/internal/common.{h,cc}, quantization_util.cc):
 * MultiplyByQuantizedMultiplier in the default double-rounding build and in the
 * TFLITE_SINGLE_ROUNDING build, its int64 overload, and QuantizeMultiplier.
 */
import { srdhm, rdbpot } from './gemmlowp.js';
import { mulShiftRightHalfUp, mulWide, shiftRightFloorWide } from './int64.js';
import { INT32, wrap } from './integers.js';
import { frexp } from './scale.js';

export type TfliteBuild = 'double' | 'single';

const INT32_MAX = 2 ** 31 - 1;

function checkShift(shift: number, low: number, high: number): void {
  if (!Number.isInteger(shift) || shift < low || shift > high) {
    throw new RangeError(`requantization shift must be in ${low}..${high}, got ${shift}`);
  }
}

/**
 * Default build: RDBPOT(SRDHM(x * 2^max(shift,0), m), max(-shift,0)). The left shift happens in
 * int32; a product that leaves int32 is outside TFLite's contract and is wrapped here, as the
 * -fwrapv build of the source would.
 */
export function mbqmDouble(x: number, multiplier: number, shift: number): number {
  checkShift(shift, -31, 30);
  const leftShift = Math.max(shift, 0);
  const rightShift = Math.max(-shift, 0);
  // For an int32 x, << is exactly the wrapping int32 left shift.
  const shifted = (x | 0) === x ? x << leftShift : wrap(x * 2 ** leftShift, INT32);
  return rdbpot(srdhm(shifted, multiplier), rightShift);
}

/** Single-rounding build: x*m / 2^(31-shift), rounded half up once on the exact 64-bit product. */
export function mbqmSingle(x: number, multiplier: number, shift: number): number {
  checkShift(shift, -31, 30);
  return mulShiftRightHalfUp(x, multiplier, 31 - shift);
}

export function mbqm(x: number, multiplier: number, shift: number, build: TfliteBuild): number {
  return build === 'double' ? mbqmDouble(x, multiplier, shift) : mbqmSingle(x, multiplier, shift);
}

/** MultiplyByQuantizedMultiplierSmallerThanOneExp (double build): leftShift <= 0. */
export function mbqmSmallerThanOneExp(x: number, multiplier: number, leftShift: number): number {
  checkShift(leftShift, -31, 0);
  return rdbpot(srdhm(x, multiplier), -leftShift);
}

/**
 * MultiplyByQuantizedMultiplierGreaterThanOne (double build): leftShift >= 0. A shift of 31 is
 * TFLite's: softmax's input multiplier capped at 2^31 - 1 quantizes to shift 31, and then its
 * diff_min is 0, so only a difference of 0 is scaled (x * 2^31 wraps in int32 like the C source).
 */
export function mbqmGreaterThanOne(x: number, multiplier: number, leftShift: number): number {
  checkShift(leftShift, 0, 31);
  return srdhm(wrap(x * 2 ** leftShift, INT32), multiplier);
}

/**
 * The int64 overload used by 16-bit activation kernels (both builds): the multiplier is first
 * reduced to 16 bits, then x*rm / 2^(15-shift) is rounded half up. x in [-2^47, 2^47).
 */
export function mbqm64(x: number, multiplier: number, shift: number): number {
  checkShift(shift, -31, 7);
  return shiftRightFloorWide(mulWide(x, reduceMultiplier(multiplier)), 15 - shift, true);
}

/** The Q0.31 multiplier rounded to Q0.15 (TFLite's int64 overload, CMSIS-NN's REDUCE_MULTIPLIER). */
export function reduceMultiplier(multiplier: number): number {
  return multiplier < 0x7fff0000 ? Math.floor((multiplier + 32768) / 65536) : 0x7fff;
}

export interface QuantizedMultiplier {
  /** Q0.31 value in [2^30, 2^31-1], or 0 (negative for a negative real multiplier). */
  readonly multiplier: number;
  /** Power-of-two exponent: real ~= multiplier / 2^31 * 2^shift; positive shifts left. */
  readonly shift: number;
}

/**
 * QuantizeMultiplier(double): frexp, then round(q * 2^31) half away from zero (std::round), with
 * the carry into the exponent, flushing to zero below 2^-31, and, in the single-rounding build only,
 * saturating shifts above 30 to (2^31-1, 30).
 */
export function quantizeMultiplier(real: number, build: TfliteBuild): QuantizedMultiplier {
  if (Number.isNaN(real) || !Number.isFinite(real)) {
    throw new RangeError(`cannot quantize the multiplier ${real}`);
  }
  if (real === 0) return { multiplier: 0, shift: 0 };
  const { fraction, exponent } = frexp(real);
  const scaled = fraction * 2 ** 31; // exact; a multiple of 2^-22 below 2^31, so +0.5 is exact too
  let multiplier = Math.sign(scaled) * Math.floor(Math.abs(scaled) + 0.5);
  let shift = exponent;
  if (multiplier === 2 ** 31) {
    // Only the positive carry is renormalised; -2^31 stays (it is INT32_MIN, as in the source).
    multiplier /= 2;
    shift += 1;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  if (build === 'single' && shift > 30) return { multiplier: INT32_MAX, shift: 30 };
  return { multiplier, shift };
}
