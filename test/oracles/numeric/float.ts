// Exact IEEE-754 decoding and float32 rounding on rationals (IEEE 754 binary64/binary32, round-to-nearest-even),
// written without Math.fround: doubles are decoded from their bit pattern via DataView, arithmetic is exact on
// BigInt rationals, and results are rounded to float32 by a hand-written routine (subnormals, overflow to infinity).

import { bitLength, floorDiv, isOdd, pow2 } from './bigmath.js';

/** An extended real: an exact rational n/d (d > 0) or a signed infinity. */
export type ExtReal = { kind: 'finite'; n: bigint; d: bigint } | { kind: 'inf'; neg: boolean };

export function finite(n: bigint, d: bigint = 1n): ExtReal {
  if (d === 0n) throw new RangeError('zero denominator');
  return d < 0n ? { kind: 'finite', n: -n, d: -d } : { kind: 'finite', n, d };
}

/** Exact decoding of a double: sign, integer mantissa and exponent with |v| = mant * 2^exp. */
export interface DecodedDouble {
  kind: 'finite' | 'inf' | 'nan';
  neg: boolean;
  mant: bigint; // 0 <= mant < 2^53
  exp: number; // value = (neg ? -1 : 1) * mant * 2^exp
}

export function decodeDouble(v: number): DecodedDouble {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigUint64(0);
  const neg = floorDiv(bits, pow2(63)) === 1n;
  const biased = Number(floorDiv(bits, pow2(52)) - (neg ? 2048n : 0n));
  const frac = bits - floorDiv(bits, pow2(52)) * pow2(52);
  if (biased === 2047) return { kind: frac === 0n ? 'inf' : 'nan', neg, mant: 0n, exp: 0 };
  if (biased === 0) return { kind: 'finite', neg, mant: frac, exp: -1074 };
  return { kind: 'finite', neg, mant: frac + pow2(52), exp: biased - 1075 };
}

/** A JS number (double) as an exact extended real. Throws RangeError on NaN. */
export function doubleToExt(v: number): ExtReal {
  const d = decodeDouble(v);
  if (d.kind === 'nan') throw new RangeError('NaN is not supported');
  if (d.kind === 'inf') return { kind: 'inf', neg: d.neg };
  const m = d.neg ? -d.mant : d.mant;
  if (d.exp >= 0) return finite(m * pow2(d.exp), 1n);
  return finite(m, pow2(-d.exp));
}

/** Exact rational of a finite double, as X / 2^k with k >= 0. */
export function doubleToDyadic(v: number): { X: bigint; k: number } {
  const d = decodeDouble(v);
  if (d.kind !== 'finite') throw new RangeError(`expected a finite number, got ${v}`);
  const m = d.neg ? -d.mant : d.mant;
  if (d.exp >= 0) return { X: m * pow2(d.exp), k: 0 };
  return { X: m, k: -d.exp };
}

/** Round n/d (d > 0) to the nearest integer, ties to even. */
export function roundHalfEvenRational(n: bigint, d: bigint): bigint {
  const q = floorDiv(n, d);
  const r = n - q * d;
  const twice = 2n * r;
  if (twice > d) return q + 1n;
  if (twice < d) return q;
  return isOdd(q) ? q + 1n : q;
}

/** Compare a/b with c/d (b, d > 0): -1, 0 or 1. */
function cmpRational(a: bigint, b: bigint, c: bigint, d: bigint): number {
  const l = a * d;
  const r = c * b;
  return l < r ? -1 : l > r ? 1 : 0;
}

/**
 * Round an extended real to float32 (round to nearest, ties to even), returning an extended real again
 * (float32 value as an exact rational, or an infinity). Zero keeps no sign (the sign of a zero never matters here).
 */
export function roundToFloat32(x: ExtReal): ExtReal {
  if (x.kind === 'inf') return x;
  const { n, d } = x;
  if (n === 0n) return finite(0n);
  const neg = n < 0n;
  const an = neg ? -n : n;
  // e = floor(log2(an/d)): start from the bit-length estimate and correct it exactly.
  let e = bitLength(an) - bitLength(d);
  // Ensure 2^e <= an/d < 2^(e+1).
  const le = (k: number): boolean => (k >= 0 ? cmpRational(pow2(k), 1n, an, d) <= 0 : cmpRational(1n, pow2(-k), an, d) <= 0);
  while (!le(e)) e -= 1;
  while (le(e + 1)) e += 1;
  // Quantum of the float32 grid at this magnitude: 2^(e-23) for normals, 2^-149 for subnormals.
  const qe = Math.max(e - 23, -149);
  // M = round_half_even(an/d / 2^qe).
  const M = qe >= 0 ? roundHalfEvenRational(an, d * pow2(qe)) : roundHalfEvenRational(an * pow2(-qe), d);
  // Overflow: the rounded value (unbounded exponent) is >= 2^128 -> infinity.
  if (qe >= 0 && M * pow2(qe) >= pow2(128)) return { kind: 'inf', neg };
  const sM = neg ? -M : M;
  return qe >= 0 ? finite(sM * pow2(qe), 1n) : finite(sM, pow2(-qe));
}

/** Convert an extended real that is exactly a float32 (or double) value to a JS number, exactly. */
export function extToNumber(x: ExtReal): number {
  if (x.kind === 'inf') return x.neg ? -Infinity : Infinity;
  // Write the value as n * 2^e with n odd (or zero) and an integer exponent e.
  let { n, d } = x;
  let e = 0;
  while (d > 1n) {
    if (isOdd(d)) throw new RangeError('not a dyadic rational');
    d = d / 2n;
    e -= 1;
  }
  if (n === 0n) return 0;
  while (!isOdd(n)) {
    n = n / 2n;
    e += 1;
  }
  if (bitLength(n) > 53) throw new RangeError('not exactly representable as a double');
  // Number(n) is exact (|n| < 2^53). Scaling by powers of two in steps of at most 2^1000 is exact as long as
  // the final value is representable: every intermediate value has a larger magnitude than a subnormal result
  // would, or stays below the final magnitude for large results.
  let v = Number(n);
  while (e < 0) {
    const step = Math.min(-e, 1000);
    v = v / 2 ** step;
    e += step;
  }
  while (e > 0) {
    const step = Math.min(e, 1000);
    v = v * 2 ** step;
    e -= step;
  }
  if (!Number.isFinite(v)) throw new RangeError('value exceeds the double range');
  return v;
}

export function mulExt(a: ExtReal, b: ExtReal): ExtReal {
  if (a.kind === 'inf' || b.kind === 'inf') {
    const za = a.kind === 'finite' && a.n === 0n;
    const zb = b.kind === 'finite' && b.n === 0n;
    if (za || zb) throw new RangeError('0 * infinity is NaN');
    const na = a.kind === 'inf' ? a.neg : a.n < 0n;
    const nb = b.kind === 'inf' ? b.neg : b.n < 0n;
    return { kind: 'inf', neg: na !== nb };
  }
  return finite(a.n * b.n, a.d * b.d);
}

export function divExt(a: ExtReal, b: ExtReal): ExtReal {
  if (b.kind === 'inf') throw new RangeError('division by infinity is not modelled');
  if (b.n === 0n) throw new RangeError('division by zero');
  if (a.kind === 'inf') return { kind: 'inf', neg: a.neg !== b.n < 0n };
  return finite(a.n * b.d, a.d * b.n);
}

/** Half-even rounding of an extended real to an integer, or the infinity itself. */
export function rneExt(x: ExtReal): bigint | 'inf' | '-inf' {
  if (x.kind === 'inf') return x.neg ? '-inf' : 'inf';
  return roundHalfEvenRational(x.n, x.d);
}

/** fl32 of an integer (int -> float32 conversion, round to nearest even). */
export function intToFloat32(x: bigint): ExtReal {
  return roundToFloat32(finite(x, 1n));
}

/** fl32(v): round a double to the nearest float32 (ties to even), by exact arithmetic. NaN throws. */
export function refFloat32(v: number): number {
  return extToNumber(roundToFloat32(doubleToExt(v)));
}
