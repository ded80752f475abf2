// Hexagon HVX per-lane semantics (QEMU imported mmvec ext.idef and macros): narrowing vasr with optional :rnd and
// :sat (word->half, half->byte, signed/unsigned), and the vrmpy byte dot products with 32-bit wrapping accumulate.

import { floorDiv, floorMod, pow2 } from './bigmath.js';
import { refCheckRange, refClampBits, refWrap } from './integers.js';

type Src = 'w' | 'uw' | 'h' | 'uh';
type Dst = 'h' | 'uh' | 'b' | 'ub';

const SRC: Record<Src, { bits: number; signed: boolean }> = {
  w: { bits: 32, signed: true },
  uw: { bits: 32, signed: false },
  h: { bits: 16, signed: true },
  uh: { bits: 16, signed: false },
};
const DST: Record<Dst, { bits: number; signed: boolean }> = {
  h: { bits: 16, signed: true },
  uh: { bits: 16, signed: false },
  b: { bits: 8, signed: true },
  ub: { bits: 8, signed: false },
};

/** Narrowing arithmetic shift right of one lane: n = rt & 15 (word source) or rt & 7 (half source). */
export function refVasrNarrow(x: bigint, rt: bigint, from: Src, to: Dst, opts: { round: boolean; saturate: boolean }): bigint {
  const src = SRC[from];
  const dst = DST[to];
  if (dst.bits * 2 !== src.bits) throw new RangeError(`vasr ${from} -> ${to} is not a narrowing by half`);
  refCheckRange('x', x, src.bits, src.signed);
  // Low 4 (or 3) bits of the two's-complement register value.
  const n = Number(floorMod(rt, src.bits === 32 ? 16n : 8n));
  let v = x + (opts.round && n > 0 ? pow2(n - 1) : 0n);
  v = floorDiv(v, pow2(n));
  return opts.saturate ? refClampBits(v, dst.bits, dst.signed) : refWrap(v, dst.bits, dst.signed);
}

/** One 32-bit lane of Vx += vrmpy(Vu, Vv): acc + sum of 4 byte products, wrapped to 32 bits. */
export function refVrmpyAcc(acc: bigint, u: bigint[], v: bigint[], kind: 'bv' | 'busv' | 'ubv'): bigint {
  if (u.length !== 4 || v.length !== 4) throw new RangeError('vrmpy needs 4 bytes per operand');
  const uSigned = kind === 'bv';
  const vSigned = kind !== 'ubv';
  const outSigned = kind !== 'ubv';
  refCheckRange('acc', acc, 32, outSigned);
  let sum = acc;
  for (let k = 0; k < 4; k++) {
    const a = u[k];
    const b = v[k];
    if (a === undefined || b === undefined) throw new RangeError('missing byte');
    refCheckRange(`u[${k}]`, a, 8, uSigned);
    refCheckRange(`v[${k}]`, b, 8, vSigned);
    sum += a * b;
  }
  return refWrap(sum, 32, outSigned);
}
