// Small exact BigInt helpers for the reference model (floor division, modulo, powers of two, bit length).
// Plain textbook definitions; BigInt `/` truncates toward zero, so floor division is built on top of it.

/** 2^n as a bigint, n a non-negative integer. */
export function pow2(n: number): bigint {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`pow2: bad exponent ${n}`);
  let r = 1n;
  let k = n;
  // Repeated doubling in chunks, without relying on the shift operator semantics.
  while (k >= 30) {
    r *= 1073741824n; // 2^30
    k -= 30;
  }
  while (k > 0) {
    r *= 2n;
    k -= 1;
  }
  return r;
}

/** floor(a / b) for b != 0. */
export function floorDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new RangeError('floorDiv: division by zero');
  const q = a / b; // truncates toward zero
  const r = a - q * b;
  // If the remainder is non-zero and has a sign different from b, truncation rounded up: step down.
  if (r !== 0n && r < 0n !== b < 0n) return q - 1n;
  return q;
}

/** a - b*floor(a/b): the remainder with the sign of b (for b > 0 it lies in [0, b)). */
export function floorMod(a: bigint, b: bigint): bigint {
  return a - b * floorDiv(a, b);
}

/** Number of bits in |x| (0 for 0). */
export function bitLength(x: bigint): number {
  let v = x < 0n ? -x : x;
  let n = 0;
  while (v > 0n) {
    v = v / 2n;
    n += 1;
  }
  return n;
}

export function absBig(x: bigint): bigint {
  return x < 0n ? -x : x;
}

export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

export function clampBig(x: bigint, lo: bigint, hi: bigint): bigint {
  if (x < lo) return lo;
  if (x > hi) return hi;
  return x;
}

export function isOdd(x: bigint): boolean {
  return floorMod(x, 2n) === 1n;
}

/** Throws unless n is an integer in [lo, hi]. */
export function checkInt(name: string, n: number, lo: number, hi: number): void {
  if (!Number.isInteger(n) || n < lo || n > hi) {
    throw new RangeError(`${name} must be an integer in [${lo}, ${hi}], got ${n}`);
  }
}
