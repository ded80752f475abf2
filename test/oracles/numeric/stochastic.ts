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

/**
 * XOR of two bytes from its definition, bit by bit with plain arithmetic (no reliance on ^), for
 * every pair once: xor64 then takes a byte at a time, eight steps where sixty-four BigInt ones were.
 */
const BYTE_XOR = (() => {
  const table = new Uint8Array(256 * 256);
  for (let a = 0; a < 256; a++) {
    for (let b = 0; b < 256; b++) {
      let x = a;
      let y = b;
      let r = 0;
      for (let bit = 1; bit < 256; bit *= 2) {
        if (x % 2 !== y % 2) r += bit;
        x = Math.floor(x / 2);
        y = Math.floor(y / 2);
      }
      table[a * 256 + b] = r;
    }
  }
  return table;
})();

/** Bitwise XOR of two unsigned 64-bit values, a byte at a time through BYTE_XOR. */
function xor64(a: bigint, b: bigint): bigint {
  let x = mod64(a);
  let y = mod64(b);
  let r = 0n;
  let place = 1n;
  for (let i = 0; i < 8; i++) {
    const xa = Number(floorMod(x, 256n));
    const yb = Number(floorMod(y, 256n));
    r += BigInt(BYTE_XOR[xa * 256 + yb] as number) * place;
    x = floorDiv(x, 256n);
    y = floorDiv(y, 256n);
    place *= 256n;
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
