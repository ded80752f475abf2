/**
 * Counter-based randomness for stochastic rounding: the random bits for one rounding are a pure
 * function of (seed, stream, counter), so results do not depend on evaluation order, tiling or
 * threads. Pinned definition (docs/numerics.md publishes a test vector):
 *   stream  = FNV-1a 64 of the UTF-8 bytes of the rounding site's name (e.g. "conv1/requant")
 *   z0      = ((seed XOR (stream * 0x9E3779B97F4A7C15)) + counter * 0xD1B54A32D192ED03) mod 2^64
 *   z       = splitmix64 finalizer of z0
 * The words are kept as 32-bit halves so the hot path needs no BigInt.
 */
import { type Words64, addMod64, mulMod64, shiftRightLogical64, words64FromBigInt, words64FromSafeInteger, xor64 } from './int64.js';

const GOLDEN_GAMMA = words64FromBigInt(0x9e3779b97f4a7c15n);
const COUNTER_GAMMA = words64FromBigInt(0xd1b54a32d192ed03n);
const MIX_1 = words64FromBigInt(0xbf58476d1ce4e5b9n);
const MIX_2 = words64FromBigInt(0x94d049bb133111ebn);
const FNV_OFFSET = words64FromBigInt(0xcbf29ce484222325n);
const FNV_PRIME = words64FromBigInt(0x100000001b3n);

/** One rounding site: a seed and a stream, premixed. The counter varies per element. */
export interface StochasticSite {
  /** seed XOR (stream * golden gamma), mod 2^64 */
  readonly base: Words64;
}

/** What one stochastic rounding needs: the site and the element's logical index. */
export interface StochasticDraw {
  readonly site: StochasticSite;
  /** Flat index of the element in its tensor's canonical layout (a safe non-negative integer). */
  readonly counter: number;
}

export function streamId(siteName: string): Words64 {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(siteName)) {
    hash = mulMod64({ hi: hash.hi, lo: (hash.lo ^ byte) >>> 0 }, FNV_PRIME);
  }
  return hash;
}

export function stochasticSite(seed: bigint, stream: Words64 | string): StochasticSite {
  const streamWords = typeof stream === 'string' ? streamId(stream) : stream;
  return { base: xor64(words64FromBigInt(seed), mulMod64(streamWords, GOLDEN_GAMMA)) };
}

/** The 64 random bits for one element. */
export function stochasticBits(draw: StochasticDraw): Words64 {
  if (!Number.isSafeInteger(draw.counter) || draw.counter < 0) {
    throw new RangeError(`stochastic counter must be a non-negative safe integer, got ${draw.counter}`);
  }
  let z = addMod64(draw.site.base, mulMod64(words64FromSafeInteger(draw.counter), COUNTER_GAMMA));
  z = mulMod64(xor64(z, shiftRightLogical64(z, 30)), MIX_1);
  z = mulMod64(xor64(z, shiftRightLogical64(z, 27)), MIX_2);
  return xor64(z, shiftRightLogical64(z, 31));
}
