// gemmlowp fixedpoint.h: SaturatingRoundingDoublingHighMul (SRDHM), RoundingDivideByPOT (RDBPOT) and
// SaturatingRoundingMultiplyByPOT (SRMBPOT), for int16 and int32, modelled on exact integers.

import { checkInt, pow2 } from './bigmath.js';
import { refCheckRange, refClampBits } from './integers.js';
import { roundHalfAwayPow2, roundHalfUpPow2 } from './rounding.js';

/** round_half_up(a*b / 2^(bits-1)), saturated (only a = b = min saturates, to max). */
export function refSrdhm(a: bigint, b: bigint, bits: 16 | 32): bigint {
  refCheckRange('a', a, bits, true);
  refCheckRange('b', b, bits, true);
  return refClampBits(roundHalfUpPow2(a * b, bits - 1), bits, true);
}

/** Round half away from zero of x / 2^exponent, exponent in [0, bits-1]. */
export function refRdbpot(x: bigint, exponent: number, bits: 16 | 32): bigint {
  refCheckRange('x', x, bits, true);
  checkInt('exponent', exponent, 0, bits - 1);
  return roundHalfAwayPow2(x, exponent);
}

/** exponent > 0: clamp(x * 2^exponent); 0: x; < 0: RDBPOT(x, -exponent). */
export function refSrmbpot(x: bigint, exponent: number, bits: 16 | 32): bigint {
  refCheckRange('x', x, bits, true);
  checkInt('exponent', exponent, -(bits - 1), bits - 1);
  if (exponent > 0) return refClampBits(x * pow2(exponent), bits, true);
  if (exponent === 0) return x;
  return refRdbpot(x, -exponent, bits);
}
