/**
 * Fixed-width integers of 2..64 bits, signed (two's complement) or unsigned.
 *
 * Two representations: JS numbers for the datapath (exact while |x| < 2^53, which covers every
 * accumulator of up to 48 bits and every operand), and bigint for the full 64-bit range.
 */

export interface IntType {
  readonly bits: number;
  readonly signed: boolean;
}

export interface SaturateResult<T> {
  readonly value: T;
  /** True when the input lay outside the range and was clamped. */
  readonly saturated: boolean;
}

export const MIN_INT_BITS = 2;
export const MAX_INT_BITS = 64;
/** Widest type whose whole range is exact in a JS number. */
export const MAX_NUMBER_INT_BITS = 52;

export function int(bits: number, signed = true): IntType {
  checkBits(bits, MAX_INT_BITS);
  return { bits, signed };
}

export const INT4: IntType = { bits: 4, signed: true };
export const UINT4: IntType = { bits: 4, signed: false };
export const INT8: IntType = { bits: 8, signed: true };
export const UINT8: IntType = { bits: 8, signed: false };
export const INT16: IntType = { bits: 16, signed: true };
export const UINT16: IntType = { bits: 16, signed: false };
export const INT32: IntType = { bits: 32, signed: true };
export const UINT32: IntType = { bits: 32, signed: false };
export const INT64: IntType = { bits: 64, signed: true };

function checkBits(bits: number, maxBits: number): void {
  if (!Number.isInteger(bits) || bits < MIN_INT_BITS || bits > maxBits) {
    throw new RangeError(`integer width must be a whole number of bits in ${MIN_INT_BITS}..${maxBits}, got ${bits}`);
  }
}

function rangeTable(signed: boolean): ReadonlyArray<Readonly<{ min: number; max: number }> | undefined> {
  return Array.from({ length: MAX_NUMBER_INT_BITS + 1 }, (_, bits) => {
    if (bits < MIN_INT_BITS) return undefined;
    if (!signed) return Object.freeze({ min: 0, max: 2 ** bits - 1 });
    const half = 2 ** (bits - 1);
    return Object.freeze({ min: -half, max: half - 1 });
  });
}

/** The ranges of every width, made once: saturation and clamps ask for them per element. */
const SIGNED_RANGES = rangeTable(true);
const UNSIGNED_RANGES = rangeTable(false);

/** Smallest and largest value of a type whose width is at most 52 bits, as numbers. */
export function intRange(type: IntType): Readonly<{ min: number; max: number }> {
  const range = (type.signed ? SIGNED_RANGES : UNSIGNED_RANGES)[type.bits];
  if (range !== undefined) return range;
  checkBits(type.bits, MAX_NUMBER_INT_BITS);
  throw new RangeError(`integer width must be a whole number of bits in ${MIN_INT_BITS}..${MAX_NUMBER_INT_BITS}, got ${type.bits}`);
}

export function intRangeBig(type: IntType): { min: bigint; max: bigint } {
  checkBits(type.bits, MAX_INT_BITS);
  const bits = BigInt(type.bits);
  if (!type.signed) return { min: 0n, max: (1n << bits) - 1n };
  const half = 1n << (bits - 1n);
  return { min: -half, max: half - 1n };
}

export function inRange(x: number, type: IntType): boolean {
  const { min, max } = intRange(type);
  return x >= min && x <= max;
}

/**
 * Keeps the low `bits` bits of a safe integer, read back as the type (two's complement wrap).
 * Exact: dividing a safe integer by a power of two, flooring and multiplying back are all exact.
 */
export function wrap(x: number, type: IntType): number {
  checkBits(type.bits, MAX_NUMBER_INT_BITS);
  const modulus = 2 ** type.bits;
  let low = x - Math.floor(x / modulus) * modulus;
  if (type.signed && low >= modulus / 2) low -= modulus;
  return low;
}

export function wrapBig(x: bigint, type: IntType): bigint {
  return type.signed ? BigInt.asIntN(type.bits, x) : BigInt.asUintN(type.bits, x);
}

export function saturate(x: number, type: IntType): SaturateResult<number> {
  const { min, max } = intRange(type);
  if (x < min) return { value: min, saturated: true };
  if (x > max) return { value: max, saturated: true };
  return { value: x, saturated: false };
}

export function saturateBig(x: bigint, type: IntType): SaturateResult<bigint> {
  const { min, max } = intRangeBig(type);
  if (x < min) return { value: min, saturated: true };
  if (x > max) return { value: max, saturated: true };
  return { value: x, saturated: false };
}

/** Clamp without the flag, for hot paths that count clipping themselves. */
export function clamp(x: number, min: number, max: number): number {
  return x < min ? min : x > max ? max : x;
}

/** Signed bits needed to hold x in two's complement (0 needs 1 bit, -1 needs 1, 1 needs 2). */
export function signedBitsNeeded(x: number): number {
  let bits = 1;
  let magnitude = x < 0 ? -x - 1 : x;
  while (magnitude >= 1) {
    magnitude = Math.floor(magnitude / 2);
    bits += 1;
  }
  return bits;
}
