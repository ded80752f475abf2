// Two's-complement integer ranges, wrap-around and saturation (C fixed-width integer semantics, modular conversion as gcc does it).

import { checkInt, floorMod, pow2 } from './bigmath.js';

/** Range of a `bits`-wide integer, bits in 2..64. */
export function refIntRange(bits: number, signed: boolean): { min: bigint; max: bigint } {
  checkInt('bits', bits, 2, 64);
  if (signed) {
    const half = pow2(bits - 1);
    return { min: -half, max: half - 1n };
  }
  return { min: 0n, max: pow2(bits) - 1n };
}

/** Wrap x to `bits` bits: unsigned = x mod 2^bits, signed = the two's-complement reading of those bits. */
export function refWrap(x: bigint, bits: number, signed: boolean): bigint {
  const { max } = refIntRange(bits, signed);
  const m = pow2(bits);
  const r = floorMod(x, m); // in [0, 2^bits)
  if (signed && r > max) return r - m;
  return r;
}

/** Clamp x to the `bits` range; `saturated` tells whether the value changed. */
export function refSaturate(x: bigint, bits: number, signed: boolean): { value: bigint; saturated: boolean } {
  const { min, max } = refIntRange(bits, signed);
  if (x < min) return { value: min, saturated: true };
  if (x > max) return { value: max, saturated: true };
  return { value: x, saturated: false };
}

/** Convenience: clamp only. */
export function refClampBits(x: bigint, bits: number, signed: boolean): bigint {
  return refSaturate(x, bits, signed).value;
}

/** Throws RangeError unless x lies in the `bits` range. */
export function refCheckRange(name: string, x: bigint, bits: number, signed: boolean): void {
  const { min, max } = refIntRange(bits, signed);
  if (x < min || x > max) {
    throw new RangeError(`${name} = ${x} is outside the ${signed ? 'int' : 'uint'}${bits} range`);
  }
}
