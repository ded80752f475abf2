// A fixed-width signed accumulator register with wrap-around (two's complement) or saturating adds, tracking
// per-add overflow events against the exact (unbounded) sum.

import { checkInt } from './bigmath.js';
import { refCheckRange, refIntRange, refWrap } from './integers.js';

export type RefAccEvent = 'none' | 'wrapped' | 'saturated';

export function refAccumulate(
  bits: number,
  mode: 'wrap' | 'saturate',
  initial: bigint,
  addends: bigint[],
): { value: bigint; exact: bigint; events: RefAccEvent[]; transient: number; final: boolean } {
  checkInt('bits', bits, 2, 64);
  refCheckRange('initial', initial, bits, true);
  const { min, max } = refIntRange(bits, true);
  let reg = initial;
  let exact = initial;
  const events: RefAccEvent[] = [];
  let transient = 0;
  for (const a of addends) {
    exact += a;
    const s = reg + a;
    if (s >= min && s <= max) {
      reg = s;
      events.push('none');
    } else if (mode === 'wrap') {
      reg = refWrap(s, bits, true);
      events.push('wrapped');
      transient += 1;
    } else {
      reg = s < min ? min : max;
      events.push('saturated');
      transient += 1;
    }
  }
  return { value: reg, exact, events, transient, final: reg !== exact };
}
