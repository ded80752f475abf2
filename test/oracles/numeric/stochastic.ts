// Counter-based stochastic rounding source: FNV-1a 64-bit site hash and the splitmix64 finalizer
// (as pinned in numerics.md section 0, "Deterministic counter-based stochastic rounding").

import type { RefStochastic } from './types.js';
import { floorDiv, floorMod, pow2 } from './bigmath.js';

const TWO64 = pow2(64);
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const GOLDEN = 0x9e3779b97f4a7c15n;
const COUNTER_MUL = 0xd1b54a32d192ed03n;
const MIX1 = 0xbf58476d1ce4e5b9n;
const MIX2 = 0x94d049bb133111ebn;

function mod64(x: bigint): bigint {
  return floorMod(x, TWO64);
}

/** Bitwise XOR of two unsigned 64-bit values, done bit by bit (slow on purpose: no reliance on BigInt ^). */
function xor64(a: bigint, b: bigint): bigint {
  let x = mod64(a);
  let y = mod64(b);
  let r = 0n;
  let bit = 1n;
  for (let i = 0; i < 64; i++) {
    const xa = floorMod(x, 2n);
    const yb = floorMod(y, 2n);
    if (xa !== yb) r += bit;
    x = floorDiv(x, 2n);
    y = floorDiv(y, 2n);
    bit *= 2n;
  }
  return r;
}

/** Logical right shift of an unsigned 64-bit value. */
function shr64(a: bigint, n: number): bigint {
  return floorDiv(mod64(a), pow2(n));
}

function checkU64(name: string, x: bigint): void {
  if (x < 0n || x >= TWO64) throw new RangeError(`${name} must be an unsigned 64-bit integer, got ${x}`);
}

/** FNV-1a 64-bit hash of the UTF-8 bytes of `site`. */
export function refStreamId(site: string): bigint {
  const bytes = new TextEncoder().encode(site);
  let h = FNV_OFFSET;
  for (const b of bytes) {
    h = xor64(h, BigInt(b));
    h = mod64(h * FNV_PRIME);
  }
  return h;
}

/** splitmix64 finalizer of z0 = (seed XOR stream*GOLDEN) + counter*0xD1B54A32D192ED03, all mod 2^64. */
export function refStochasticBits(s: RefStochastic): bigint {
  checkU64('seed', s.seed);
  checkU64('stream', s.stream);
  checkU64('counter', s.counter);
  let z = mod64(xor64(s.seed, mod64(s.stream * GOLDEN)) + s.counter * COUNTER_MUL);
  z = xor64(z, shr64(z, 30));
  z = mod64(z * MIX1);
  z = xor64(z, shr64(z, 27));
  z = mod64(z * MIX2);
  z = xor64(z, shr64(z, 31));
  return z;
}
