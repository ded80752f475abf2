// Power-of-two scale selection: the integer n with 2^-n nearest to a positive real (ties, at 1.5*2^(e-1), go to the
// larger power), computed exactly from the IEEE-754 binary64 bits.

import { bitLength, pow2 } from './bigmath.js';
import { decodeDouble } from './float.js';

export function refPowerOfTwoShift(real: number): number {
  const d = decodeDouble(real);
  if (d.kind !== 'finite' || d.neg || d.mant === 0n) {
    throw new RangeError(`refPowerOfTwoShift needs a finite real > 0, got ${real}`);
  }
  // real = mant * 2^exp with 2^(L-1) <= mant < 2^L, so floor(log2(real)) = f = exp + L - 1.
  const L = bitLength(d.mant);
  const f = d.exp + L - 1;
  // real >= 1.5 * 2^f  <=>  mant >= 1.5 * 2^(L-1)  <=>  4*mant >= 3 * 2^L
  const e = 4n * d.mant >= 3n * pow2(L) ? f + 1 : f;
  return e === 0 ? 0 : -e;
}
