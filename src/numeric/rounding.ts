/**
 * The six rounding modes, applied to exact quotients: x / 2^shift (right shifts, requantization),
 * x / divisor (average pooling) and a double to an integer (float-to-int). With q = floor(quotient)
 * and remainder r (0 <= r < divisor), each mode decides whether to return q or q + 1.
 */
import { type Words64, lessThan64, words64FromSafeInteger } from './int64.js';
import { type StochasticDraw, stochasticBits } from './stochastic.js';

export const ROUNDING_MODES = ['floor', 'trunc', 'half-up', 'half-away', 'half-even', 'stochastic'] as const;
export type RoundingMode = (typeof ROUNDING_MODES)[number];

export function isRoundingMode(name: string): name is RoundingMode {
  return (ROUNDING_MODES as readonly string[]).includes(name);
}

/** Largest right shift the number datapath accepts. */
export const MAX_SHIFT = 63;

function requireDraw(draw: StochasticDraw | undefined): StochasticDraw {
  if (draw === undefined) throw new Error('stochastic rounding needs a seed, a site and a counter');
  return draw;
}

/**
 * Whether the exact quotient q + r/d rounds up. `twiceRemainderVsDivisor` is sign(2r - d),
 * which settles every nearest mode; `negative` is whether the dividend is below zero.
 */
function roundsUp(
  mode: Exclude<RoundingMode, 'stochastic'>,
  remainderIsZero: boolean,
  twiceRemainderVsDivisor: number,
  negative: boolean,
  quotientIsOdd: boolean,
): boolean {
  if (remainderIsZero) return false;
  switch (mode) {
    case 'floor':
      return false;
    case 'trunc':
      return negative;
    case 'half-up':
      return twiceRemainderVsDivisor >= 0;
    case 'half-away':
      return twiceRemainderVsDivisor > 0 || (twiceRemainderVsDivisor === 0 && !negative);
    case 'half-even':
      return twiceRemainderVsDivisor > 0 || (twiceRemainderVsDivisor === 0 && quotientIsOdd);
  }
}

/**
 * Rounds x / 2^shift for a safe integer x and 0 <= shift <= 63. The stochastic mode rounds up
 * iff the top `shift` bits of the draw's 64 random bits, read as an integer u, satisfy u < r.
 */
export function roundShiftRight(x: number, shift: number, mode: RoundingMode, draw?: StochasticDraw): number {
  if (!Number.isInteger(shift) || shift < 0 || shift > MAX_SHIFT) {
    throw new RangeError(`shift must be a whole number in 0..${MAX_SHIFT}, got ${shift}`);
  }
  if (shift === 0) return x;
  const divisor = 2 ** shift;
  const q = Math.floor(x / divisor); // exact: scaling by a power of two
  if (mode === 'stochastic') {
    return q + (stochasticShiftRoundsUp(stochasticBits(requireDraw(draw)), shift, x, q) ? 1 : 0);
  }
  if (shift > 53) {
    // |x| < 2^53 <= 2^(shift-1): the quotient lies strictly inside (-1/2, 1/2), so there are no ties.
    // q is 0 or -1 and r is x or 2^shift + x; compare 2r with 2^shift through x alone.
    const twiceVsDivisor = x === 0 ? 0 : x > 0 ? -1 : 1;
    return q + (roundsUp(mode, x === 0, twiceVsDivisor, x < 0, q % 2 !== 0) ? 1 : 0);
  }
  const remainder = x - q * divisor; // exact, 0 <= r < 2^shift <= 2^53
  const half = divisor / 2;
  const vs = remainder > half ? 1 : remainder < half ? -1 : 0;
  return q + (roundsUp(mode, remainder === 0, vs, x < 0, q % 2 !== 0) ? 1 : 0);
}

/** u < r where u = the top `shift` bits of z and r = x - q * 2^shift; equivalently z < r * 2^(64-shift). */
function stochasticShiftRoundsUp(z: Words64, shift: number, x: number, q: number): boolean {
  if (x >= 0 || shift <= 52) {
    // r is a safe integer and r * 2^(64-shift) < 2^64 is an exact double.
    const remainder = x >= 0 && shift > 52 ? x : x - q * 2 ** shift;
    return lessThan64(z, words64FromSafeInteger(remainder * 2 ** (64 - shift)));
  }
  // x < 0 with a long shift: r = 2^shift + x, so the bound is 2^64 - |x| * 2^(64-shift), and
  // z < 2^64 - m  <=>  not(z) >= m, where not(z) = 2^64 - 1 - z.
  const bound = words64FromSafeInteger(-x * 2 ** (64 - shift));
  const complement = { hi: ~z.hi >>> 0, lo: ~z.lo >>> 0 };
  return !lessThan64(complement, bound);
}

/** Largest divisor the stochastic division accepts (keeps the limb products exact). */
export const MAX_STOCHASTIC_DIVISOR = 2 ** 21 - 1;

/**
 * Rounds x / divisor for a safe integer x and a whole divisor >= 1 (average pooling's division by
 * the number of taps). The stochastic mode draws u = floor(z * divisor / 2^64), uniform on
 * [0, divisor), and rounds up iff u < r; for a power-of-two divisor this is the shift rule.
 */
export function roundDivide(x: number, divisor: number, mode: RoundingMode, draw?: StochasticDraw): number {
  if (!Number.isSafeInteger(divisor) || divisor < 1) {
    throw new RangeError(`divisor must be a whole number >= 1, got ${divisor}`);
  }
  if (divisor === 1) return x;
  let q = Math.floor(x / divisor); // may be off by one: corrected below
  let remainder = x - q * divisor;
  if (remainder < 0) {
    q -= 1;
    remainder += divisor;
  } else if (remainder >= divisor) {
    q += 1;
    remainder -= divisor;
  }
  if (mode === 'stochastic') {
    if (divisor > MAX_STOCHASTIC_DIVISOR) {
      throw new RangeError(`stochastic division supports divisors up to ${MAX_STOCHASTIC_DIVISOR}, got ${divisor}`);
    }
    const z = stochasticBits(requireDraw(draw));
    // floor(z*d / 2^64) = floor((hi*d + floor(lo*d / 2^32)) / 2^32); every product is below 2^53.
    const u = Math.floor((z.hi * divisor + Math.floor((z.lo * divisor) / 2 ** 32)) / 2 ** 32);
    return q + (u < remainder ? 1 : 0);
  }
  const twice = 2 * remainder; // exact: doubling a safe integer
  const vs = twice > divisor ? 1 : twice < divisor ? -1 : 0;
  return q + (roundsUp(mode, remainder === 0, vs, x < 0, q % 2 !== 0) ? 1 : 0);
}

/**
 * Rounds a finite double to an integer. Every finite double is an exact binary fraction M / 2^k
 * (M an integer below 2^53), so rounding it is the integer shift rule on M; the stochastic mode
 * therefore equals "round up iff (z >> 11) * 2^-53 < frac(v)" of docs/numerics.md.
 */
export function roundFloat(v: number, mode: RoundingMode, draw?: StochasticDraw): number {
  if (!Number.isFinite(v)) throw new RangeError(`cannot round ${v} to an integer`);
  if (Number.isInteger(v)) return v === 0 ? 0 : v; // -0 becomes 0: integers have one zero
  if (mode !== 'stochastic' && v < 2 ** 52 && v > -(2 ** 52)) {
    // |v| - floor(|v|) is exact (not so v - floor(v) for negative v: 1 - 0.49999999999999994 is not
    // a double). For v < 0 the remainder is 1 - that fraction, so its comparison with 1/2 flips.
    const magnitude = v < 0 ? -v : v;
    const fraction = magnitude - Math.floor(magnitude);
    const q = Math.floor(v);
    const vsFraction = fraction > 0.5 ? 1 : fraction < 0.5 ? -1 : 0;
    return q + (roundsUp(mode, false, v < 0 ? -vsFraction : vsFraction, v < 0, q % 2 !== 0) ? 1 : 0);
  }
  const { mantissa, fractionBits } = splitDouble(v);
  // Up to 53 fraction bits the u53 rule and the shift rule draw the same decision; beyond, the
  // stochastic mode must use u53 itself (the top k bits of z would be a different draw).
  if (fractionBits <= 53 || (mode !== 'stochastic' && fractionBits <= MAX_SHIFT)) {
    return roundShiftRight(mantissa, fractionBits, mode, draw);
  }
  // Here |v| < 1/2: beyond 63 fraction bits only the sign matters to the deterministic modes; the
  // stochastic mode's u53 test reads u53 < frac * 2^53, which needs no more than the double itself.
  if (mode !== 'stochastic') return roundShiftRight(Math.sign(v), MAX_SHIFT, mode, draw);
  const z = stochasticBits(requireDraw(draw));
  const u53 = z.hi * 2 ** 21 + Math.floor(z.lo / 2 ** 11);
  if (v > 0) return u53 < v * 2 ** 53 ? 1 : 0;
  // v < 0: floor is -1 and frac = 1 - |v|. With t = |v| * 2^53 (exact, maybe fractional) the test
  // u53 < 2^53 - t reads, for a whole u53: u53 < 2^53 - t when t is whole, else u53 < 2^53 - floor(t).
  const t = -v * 2 ** 53;
  const bound = Number.isInteger(t) ? 2 ** 53 - t : 2 ** 53 - Math.floor(t);
  return u53 < bound ? 0 : -1;
}

const scratch = new DataView(new ArrayBuffer(8));

/** v = mantissa / 2^fractionBits exactly, with mantissa a safe integer carrying v's sign. */
function splitDouble(v: number): { mantissa: number; fractionBits: number } {
  scratch.setFloat64(0, v);
  const high = scratch.getUint32(0);
  const biasedExponent = (high >>> 20) & 0x7ff;
  const fraction = (high & 0xfffff) * 2 ** 32 + scratch.getUint32(4);
  const magnitude = biasedExponent === 0 ? fraction : fraction + 2 ** 52;
  const exponent = (biasedExponent === 0 ? 1 : biasedExponent) - 1075; // v = magnitude * 2^exponent
  let mantissa = v < 0 ? -magnitude : magnitude;
  let fractionBits = -exponent;
  // Drop trailing zero bits so that small shifts stay small (keeps the exact-shift fast path).
  while (fractionBits > 0 && mantissa % 2 === 0) {
    mantissa /= 2;
    fractionBits -= 1;
  }
  return { mantissa, fractionBits };
}
