// TFLite / TFLite-Micro quantization_util.cc and common.cc: QuantizeMultiplier, MultiplyByQuantizedMultiplier
// (default double-rounding build and TFLITE_SINGLE_ROUNDING), MultiplyByQuantizedMultiplierSmallerThanOneExp,
// MultiplyByQuantizedMultiplierGreaterThanOne and the int64 overload.

import { bitLength, checkInt, floorDiv, pow2 } from './bigmath.js';
import { refCheckRange } from './integers.js';
import { decodeDouble } from './float.js';
import { refRdbpot, refSrdhm } from './gemmlowp.js';
import { roundHalfAwayPow2, roundHalfUpPow2 } from './rounding.js';

function checkShiftedFits(x: bigint, ls: number): bigint {
  const v = x * pow2(ls);
  refCheckRange('x * 2^left_shift (contract)', v, 32, true);
  return v;
}

/** Default build: RDBPOT(SRDHM(x * 2^ls, m), rs), ls = max(shift, 0), rs = max(-shift, 0). */
export function refMbqmDouble(x: bigint, multiplier: bigint, shift: number): bigint {
  checkInt('shift', shift, -31, 30);
  refCheckRange('x', x, 32, true);
  refCheckRange('multiplier', multiplier, 32, true);
  const ls = Math.max(shift, 0);
  const rs = Math.max(-shift, 0);
  return refRdbpot(refSrdhm(checkShiftedFits(x, ls), multiplier, 32), rs, 32);
}

/** TFLITE_SINGLE_ROUNDING: round_half_up(x * m / 2^(31 - shift)). */
export function refMbqmSingle(x: bigint, multiplier: bigint, shift: number): bigint {
  checkInt('shift', shift, -31, 30);
  refCheckRange('x', x, 32, true);
  refCheckRange('multiplier', multiplier, 32, true);
  return roundHalfUpPow2(x * multiplier, 31 - shift);
}

/** Double build: RDBPOT(SRDHM(x, m), -leftShift), leftShift <= 0. */
export function refMbqmSmallerThanOneExp(x: bigint, multiplier: bigint, leftShift: number): bigint {
  checkInt('leftShift', leftShift, -31, 0);
  return refRdbpot(refSrdhm(x, multiplier, 32), -leftShift, 32);
}

/** Double build: SRDHM(x * 2^leftShift, m), leftShift >= 0. */
export function refMbqmGreaterThanOne(x: bigint, multiplier: bigint, leftShift: number): bigint {
  checkInt('leftShift', leftShift, 0, 31);
  refCheckRange('x', x, 32, true);
  return refSrdhm(checkShiftedFits(x, leftShift), multiplier, 32);
}

/** int64 overload: reduce m to 16 bits, then round_half_up(x * rm / 2^(15 - shift)). */
export function refMbqm64(x: bigint, multiplier: bigint, shift: number): bigint {
  checkInt('shift', shift, -31, 7);
  refCheckRange('x', x, 64, true);
  refCheckRange('multiplier', multiplier, 32, true);
  const rm = multiplier < 0x7fff0000n ? floorDiv(multiplier + pow2(15), pow2(16)) : 0x7fffn;
  return roundHalfUpPow2(x * rm, 15 - shift);
}

/** QuantizeMultiplier(double) -> (quantized multiplier, shift), numerics.md section 4 steps 1-6. */
export function refQuantizeMultiplier(real: number, build: 'double' | 'single'): [bigint, number] {
  const dec = decodeDouble(real);
  if (dec.kind !== 'finite') throw new RangeError(`QuantizeMultiplier needs a finite number, got ${real}`);
  // Step 1: zero (either sign).
  if (dec.mant === 0n) return [0n, 0];
  // Step 2: frexp, exactly. |real| = mant * 2^exp; with L = bitLength(mant), q = mant / 2^L in [0.5, 1), s = exp + L.
  const L = bitLength(dec.mant);
  let s = dec.exp + L;
  // Step 3: m = round_half_away(q * 2^31) = round_half_away(±mant * 2^(31 - L)).
  const signedMant = dec.neg ? -dec.mant : dec.mant;
  let m = L <= 31 ? signedMant * pow2(31 - L) : roundHalfAwayPow2(signedMant, L - 31);
  // Step 4.
  if (m === pow2(31)) {
    m = pow2(30);
    s += 1;
  }
  // Step 5: flush tiny multipliers.
  if (s < -31) return [0n, 0];
  // Step 6: single build saturates large shifts.
  if (build === 'single' && s > 30) return [pow2(31) - 1n, 30];
  return [m, s];
}
