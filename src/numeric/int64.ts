/**
 * Exact 64-bit arithmetic on JS numbers, for the products and hashes of the datapath
 * (a 32x32-bit product has 62 bits, more than a double holds). A 64-bit value is a pair
 * (hi, lo): value = hi * 2^32 + lo with 0 <= lo < 2^32; hi is signed for products and
 * unsigned (0..2^32-1) for the hash words.
 */

const TWO_24 = 2 ** 24;
const TWO_32 = 2 ** 32;

export interface Words64 {
  hi: number;
  lo: number;
}

/**
 * Exact signed product a*b as (hi, lo), for safe integers with |a| < 2^48 and |b| < 2^32.
 * Each partial product of the 24-bit limbs stays below 2^53, so every step is exact.
 */
export function mulWide(a: number, b: number): Words64 {
  const aLow = a - Math.floor(a / TWO_24) * TWO_24;
  const aHigh = (a - aLow) / TWO_24;
  const bLow = b - Math.floor(b / TWO_24) * TWO_24;
  const bHigh = (b - bLow) / TWO_24;
  const low = aLow * bLow; // [0, 2^48)
  const middle = aHigh * bLow + aLow * bHigh; // |.| < 2^49
  const high = aHigh * bHigh; // |.| < 2^32
  // middle * 2^24 = middleHigh * 2^32 + middleLow * 2^24, with middleLow in [0, 256)
  const middleLow = middle - Math.floor(middle / 256) * 256;
  const middleHigh = (middle - middleLow) / 256;
  const lowSum = low + middleLow * TWO_24; // < 2^49, exact
  const carry = Math.floor(lowSum / TWO_32);
  return { hi: high * 2 ** 16 + middleHigh + carry, lo: lowSum - carry * TWO_32 };
}

/**
 * floor((hi*2^32 + lo + addend) / 2^shift) for 1 <= shift <= 62 where addend is 0 or 2^(shift-1)
 * (the half-up nudge). The result must be a safe integer.
 */
export function shiftRightFloorWide(value: Words64, shift: number, addHalf: boolean): number {
  if (shift <= 32) {
    const low = value.lo + (addHalf ? 2 ** (shift - 1) : 0); // < 2^33, exact
    return value.hi * 2 ** (32 - shift) + Math.floor(low / 2 ** shift);
  }
  // The nudge 2^(shift-1) is a whole multiple of 2^32, so it lands in the high word and the low
  // word cannot change the floor.
  const high = value.hi + (addHalf ? 2 ** (shift - 33) : 0);
  return Math.floor(high / 2 ** (shift - 32));
}

const TWO_16 = 2 ** 16;

/**
 * floor((a*b + 2^(shift-1)) / 2^shift) without building the 64-bit words, for |a| <= 2^31,
 * 0 <= b < 2^31 or b = -2^31 (int32 lanes) and 16 <= shift <= 47. b splits into 16-bit halves so
 * that each partial product stays below 2^47; the high part's bits below 2^(shift-16) are moved
 * into the low part before the floor, so every sum is exact. Falls back to the word form outside
 * that range. The result must be a safe integer.
 */
export function mulShiftRightHalfUp(a: number, b: number, shift: number): number {
  if (shift < 16 || shift > 47 || a > 2 ** 31 || a < -(2 ** 31) || b >= 2 ** 31 || b < -(2 ** 31)) {
    return shiftRightFloorWide(mulWide(a, b), shift, true);
  }
  const bHigh = Math.floor(b / TWO_16); // -2^15 .. 2^15 - 1
  const high = a * bHigh; // |.| <= 2^46
  const low = a * (b - bHigh * TWO_16) + 2 ** (shift - 1); // |.| < 2^48
  const unit = 2 ** (shift - 16);
  const highQuotient = Math.floor(high / unit);
  const highRemainder = high - highQuotient * unit; // 0 <= . < 2^(shift-16)
  return highQuotient + Math.floor((highRemainder * TWO_16 + low) / 2 ** shift); // sum < 2^49
}

// ---- unsigned 64-bit words for hashing ----

function mulHigh32(a: number, b: number): number {
  const a1 = a >>> 16;
  const a0 = a & 0xffff;
  const b1 = b >>> 16;
  const b0 = b & 0xffff;
  const middle = a1 * b0 + a0 * b1; // < 2^33
  const lowPart = middle * 65536 + a0 * b0; // < 2^50
  return (a1 * b1 + Math.floor(lowPart / TWO_32)) % TWO_32;
}

/** (a * b) mod 2^64 on unsigned words. */
export function mulMod64(a: Words64, b: Words64): Words64 {
  const lo = Math.imul(a.lo, b.lo) >>> 0;
  const hi = (mulHigh32(a.lo, b.lo) + (Math.imul(a.hi, b.lo) >>> 0) + (Math.imul(a.lo, b.hi) >>> 0)) % TWO_32;
  return { hi, lo };
}

export function addMod64(a: Words64, b: Words64): Words64 {
  const lowSum = a.lo + b.lo;
  const carry = lowSum >= TWO_32 ? 1 : 0;
  return { hi: (a.hi + b.hi + carry) % TWO_32, lo: lowSum - carry * TWO_32 };
}

export function xor64(a: Words64, b: Words64): Words64 {
  return { hi: (a.hi ^ b.hi) >>> 0, lo: (a.lo ^ b.lo) >>> 0 };
}

/** Logical right shift by 1..31. */
export function shiftRightLogical64(a: Words64, shift: number): Words64 {
  return { hi: a.hi >>> shift, lo: ((a.lo >>> shift) | (a.hi << (32 - shift))) >>> 0 };
}

export function words64FromBigInt(x: bigint): Words64 {
  const unsigned = BigInt.asUintN(64, x);
  return { hi: Number(unsigned >> 32n), lo: Number(unsigned & 0xffffffffn) };
}

export function bigIntFromWords64(x: Words64): bigint {
  return (BigInt(x.hi) << 32n) | BigInt(x.lo);
}

/** Splits a non-negative safe integer into words. */
export function words64FromSafeInteger(x: number): Words64 {
  const hi = Math.floor(x / TWO_32);
  return { hi, lo: x - hi * TWO_32 };
}

/** a < b for unsigned words. */
export function lessThan64(a: Words64, b: Words64): boolean {
  return a.hi < b.hi || (a.hi === b.hi && a.lo < b.lo);
}
