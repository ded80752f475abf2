/**
 * Turning a real scale into what integer hardware applies: frexp (exact, from the IEEE bits) and
 * the power-of-two shift of shift-only (dynamic fixed point) requantization.
 */

const bitsView = new DataView(new ArrayBuffer(8));

/** frexp: real = fraction * 2^exponent with |fraction| in [0.5, 1); exact, subnormals included. */
export function frexp(real: number): { fraction: number; exponent: number } {
  if (real === 0 || !Number.isFinite(real)) return { fraction: real, exponent: 0 };
  let value = real;
  let exponentBias = 0;
  if (Math.abs(value) < 2 ** -1022) {
    value *= 2 ** 64; // normalise a subnormal; exact
    exponentBias = -64;
  }
  bitsView.setFloat64(0, value);
  const high = bitsView.getUint32(0);
  const biased = (high >>> 20) & 0x7ff;
  // Rewrite the exponent field to 1022 so that |fraction| lands in [0.5, 1).
  bitsView.setUint32(0, (high & 0x800fffff) | (1022 << 20));
  return { fraction: bitsView.getFloat64(0), exponent: biased - 1022 + exponentBias };
}

/**
 * The right shift n of shift-only requantization for a real multiplier: 2^-n is the power of two
 * nearest to `real` in value (the choice that minimises the relative error of every output), with
 * the midpoint 1.5 * 2^(e-1) going to the larger power. With real = f * 2^e, f in [0.5, 1):
 * f >= 0.75 gives 2^e, otherwise 2^(e-1).
 */
export function powerOfTwoShift(real: number): number {
  if (!Number.isFinite(real) || real <= 0) {
    throw new RangeError(`a power-of-two scale needs a positive finite real, got ${real}`);
  }
  const { fraction, exponent } = frexp(real);
  return (fraction >= 0.75 ? 0 : 1) - exponent; // never -0
}
