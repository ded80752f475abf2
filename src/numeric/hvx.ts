/**
 * Hexagon HVX lane semantics (QEMU's imported instruction descriptions): the narrowing shifts
 * vasr(Vu, Vv, Rt)[:rnd][:sat] and the byte dot products vrmpy with accumulate.
 */
import { type IntType, INT16, INT32, UINT16, UINT32, INT8, UINT8, clamp, intRange, wrap } from './integers.js';

export type HvxWideLane = 'w' | 'uw' | 'h' | 'uh';
export type HvxNarrowLane = 'h' | 'uh' | 'b' | 'ub';

const LANE_TYPES: Record<HvxWideLane | HvxNarrowLane, IntType> = {
  w: INT32,
  uw: UINT32,
  h: INT16,
  uh: UINT16,
  b: INT8,
  ub: UINT8,
};

export interface NarrowingOptions {
  /** `:rnd`: add 2^(n-1) before the shift (half up). */
  readonly round: boolean;
  /** `:sat`: clamp to the destination; without it the low bits are kept. */
  readonly saturate: boolean;
}

/**
 * One destination element of vasr narrowing: n = Rt & 15 for word sources, Rt & 7 for half
 * sources; (x + rounding constant) >> n, computed wide so it cannot overflow; then saturate or wrap.
 */
export function vasrNarrow(x: number, rt: number, from: HvxWideLane, to: HvxNarrowLane, options: NarrowingOptions): number {
  const shift = rt & (from === 'w' || from === 'uw' ? 15 : 7);
  const rounded = x + (options.round && shift > 0 ? 2 ** (shift - 1) : 0);
  const shifted = Math.floor(rounded / 2 ** shift);
  const destination = LANE_TYPES[to];
  if (!options.saturate) return wrap(shifted, destination);
  const { min, max } = intRange(destination);
  return clamp(shifted, min, max);
}

export type VrmpyKind = 'bv' | 'busv' | 'ubv';

/**
 * Vx.w[i] += vrmpy(Vu, Vv) for one 32-bit lane: the sum of four byte products added with 32-bit
 * wrap-around (no saturation, whatever some descriptions say). 'bv' is int8 x int8, 'busv'
 * uint8 x int8, 'ubv' uint8 x uint8 into an unsigned lane.
 */
export function vrmpyAccumulate(accumulator: number, u: readonly number[], v: readonly number[], kind: VrmpyKind): number {
  let sum = accumulator;
  for (let byte = 0; byte < 4; byte += 1) sum += (u[byte] ?? 0) * (v[byte] ?? 0);
  return wrap(sum, kind === 'ubv' ? UINT32 : INT32);
}
