// Integer and float rounding in the six modes of numerics.md section 0 (floor, trunc, half-up, half-away,
// half-even, seeded stochastic), computed from the exact quotient and remainder.

import type { RefRoundingMode, RefStochastic } from './types.js';
import { checkInt, floorDiv, isOdd, pow2 } from './bigmath.js';
import { refStochasticBits } from './stochastic.js';
import { doubleToDyadic } from './float.js';

function needStochastic(stochastic: RefStochastic | undefined): RefStochastic {
  if (stochastic === undefined) throw new Error('stochastic rounding needs a RefStochastic context');
  return stochastic;
}

/**
 * Decide the round-up bit for q = floor(x/d), r = x - q*d (0 <= r < d), in a deterministic mode.
 * `neg` is the sign of the exact value x/d.
 */
function deterministicUp(mode: Exclude<RefRoundingMode, 'stochastic'>, q: bigint, r: bigint, d: bigint, neg: boolean): boolean {
  switch (mode) {
    case 'floor':
      return false;
    case 'trunc':
      return neg && r !== 0n;
    case 'half-up':
      return 2n * r >= d;
    case 'half-away':
      return 2n * r > d || (2n * r === d && !neg);
    case 'half-even':
      return 2n * r > d || (2n * r === d && isOdd(q));
  }
}

/** Round x / 2^shift to an integer, shift in 0..63. Shift 0 returns x in every mode. */
export function refRoundShiftRight(x: bigint, shift: number, mode: RefRoundingMode, stochastic?: RefStochastic): bigint {
  checkInt('shift', shift, 0, 63);
  if (mode === 'stochastic') needStochastic(stochastic);
  if (shift === 0) return x;
  const d = pow2(shift);
  const q = floorDiv(x, d);
  const r = x - q * d;
  if (mode === 'stochastic') {
    const z = refStochasticBits(needStochastic(stochastic));
    const u = floorDiv(z, pow2(64 - shift)); // top `shift` bits of z
    return u < r ? q + 1n : q;
  }
  return deterministicUp(mode, q, r, d, x < 0n) ? q + 1n : q;
}

/** Round x / divisor to an integer, divisor >= 1. */
export function refRoundDivide(x: bigint, divisor: bigint, mode: RefRoundingMode, stochastic?: RefStochastic): bigint {
  if (divisor < 1n) throw new RangeError(`divisor must be >= 1, got ${divisor}`);
  if (mode === 'stochastic') needStochastic(stochastic);
  const d = divisor;
  const q = floorDiv(x, d);
  const r = x - q * d;
  if (mode === 'stochastic') {
    const z = refStochasticBits(needStochastic(stochastic));
    const u = floorDiv(z * d, pow2(64)); // uniform on [0, d)
    return u < r ? q + 1n : q;
  }
  return deterministicUp(mode, q, r, d, x < 0n) ? q + 1n : q;
}

/** Round a finite double to an integer. RangeError on NaN or infinity. */
export function refRoundFloat(v: number, mode: RefRoundingMode, stochastic?: RefStochastic): bigint {
  if (typeof v !== 'number' || Number.isNaN(v) || v === Infinity || v === -Infinity) {
    throw new RangeError(`refRoundFloat needs a finite number, got ${v}`);
  }
  if (mode === 'stochastic') needStochastic(stochastic);
  const { X, k } = doubleToDyadic(v); // v = X / 2^k exactly
  const d = pow2(k);
  const q = floorDiv(X, d);
  const fracNum = X - q * d; // frac(v) = fracNum / 2^k, in [0, 1)
  if (mode === 'stochastic') {
    const z = refStochasticBits(needStochastic(stochastic));
    const u53 = floorDiv(z, pow2(11));
    // u53 * 2^-53 < fracNum * 2^-k  <=>  u53 * 2^k < fracNum * 2^53
    return u53 * d < fracNum * pow2(53) ? q + 1n : q;
  }
  return deterministicUp(mode, q, fracNum, d, X < 0n) ? q + 1n : q;
}

/** Half-up rounding of x / 2^n for any n >= 0 (floor(x/2^n + 1/2)). Internal helper for the library models. */
export function roundHalfUpPow2(x: bigint, n: number): bigint {
  if (n === 0) return x;
  const d = pow2(n);
  const q = floorDiv(x, d);
  return 2n * (x - q * d) >= d ? q + 1n : q;
}

/** Half-away-from-zero rounding of x / 2^n for any n >= 0. */
export function roundHalfAwayPow2(x: bigint, n: number): bigint {
  if (n === 0) return x;
  const d = pow2(n);
  const q = floorDiv(x, d);
  const r = x - q * d;
  return 2n * r > d || (2n * r === d && x >= 0n) ? q + 1n : q;
}
