// CMSIS-NN arm_nnsupportfunctions.h (generic C paths): arm_nn_requantize (default and CMSIS_NN_USE_SINGLE_ROUNDING),
// arm_nn_doubling_high_mult, arm_nn_doubling_high_mult_no_sat, arm_nn_divide_by_power_of_two, arm_nn_requantize_s64.

import { checkInt, pow2 } from './bigmath.js';
import { refCheckRange, refWrap } from './integers.js';
import { refRdbpot, refSrdhm } from './gemmlowp.js';
import { roundHalfUpPow2 } from './rounding.js';

/** arm_nn_doubling_high_mult: saturating, = gemmlowp SRDHM int32. */
export function refDoublingHighMult(a: bigint, b: bigint): bigint {
  return refSrdhm(a, b, 32);
}

/** arm_nn_doubling_high_mult_no_sat: round_half_up(a*b / 2^31) wrapped to int32. */
export function refDoublingHighMultNoSat(a: bigint, b: bigint): bigint {
  refCheckRange('a', a, 32, true);
  refCheckRange('b', b, 32, true);
  return refWrap(roundHalfUpPow2(a * b, 31), 32, true);
}

/** arm_nn_divide_by_power_of_two: round half away from zero of x / 2^e, e in 0..31. */
export function refDivideByPowerOfTwo(x: bigint, e: number): bigint {
  return refRdbpot(x, e, 32);
}

/** arm_nn_requantize. Double: RDBPOT(no_sat_SRDHM(val * 2^ls, m), rs). Single: floor(val*m / 2^(31-shift) + 1/2). */
export function refCmsisRequantize(val: bigint, multiplier: bigint, shift: number, build: 'double' | 'single'): bigint {
  checkInt('shift', shift, -31, 30);
  refCheckRange('val', val, 32, true);
  refCheckRange('multiplier', multiplier, 32, true);
  if (build === 'single') return roundHalfUpPow2(val * multiplier, 31 - shift);
  const ls = Math.max(shift, 0);
  const rs = Math.max(-shift, 0);
  const shifted = val * pow2(ls);
  refCheckRange('val * 2^left_shift (contract)', shifted, 32, true);
  return refRdbpot(refDoublingHighMultNoSat(shifted, multiplier), rs, 32);
}

/** arm_nn_requantize_s64: round_half_up(val * rm / 2^(15 - shift)). */
export function refRequantizeS64(val: bigint, reducedMultiplier: bigint, shift: number): bigint {
  checkInt('shift', shift, -31, 7);
  refCheckRange('val', val, 64, true);
  return roundHalfUpPow2(val * reducedMultiplier, 15 - shift);
}
