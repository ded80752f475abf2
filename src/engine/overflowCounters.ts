/**
 * The overflow counters a run reports, named once: the engine's result, the report's totals and
 * schema, the golden format and the sweep columns all list them from here, in this order (the
 * order every output prints them in).
 */
import type { LayerOverflow } from '../kernels/overflow.js';
import type { OverflowMode } from '../numeric/index.js';

export const OVERFLOW_COUNTERS = [
  'accumulatorTransient',
  'accumulatorFinal',
  'outputClipped',
  'vectorSaturated',
  'requantInputSaturated',
] as const;
export type OverflowCounter = (typeof OVERFLOW_COUNTERS)[number];
export type OverflowCounts = Readonly<Record<OverflowCounter, number>>;

// The kernels count them (they sit below this layer and cannot import the list): this fails to
// compile when LayerOverflow's counts and the list part.
type KernelCounter = Exclude<
  { [K in keyof LayerOverflow]: LayerOverflow[K] extends number ? K : never }[keyof LayerOverflow],
  'finalBits' | 'partialBits'
>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const kernelCountsTheList: Same<KernelCounter, OverflowCounter> = true;
void kernelCountsTheList;

/** The counters of a layer (or of totals), by themselves and in the listed order. */
export function overflowCounts(overflow: OverflowCounts): OverflowCounts {
  return Object.fromEntries(OVERFLOW_COUNTERS.map((counter) => [counter, overflow[counter]])) as Record<OverflowCounter, number>;
}

/**
 * The accumulator width a layer needed to lose nothing: its widest final sum under wrap (transient
 * wraps cancel), its widest partial sum under saturate (a saturated partial sum is lost).
 */
export function bitsNeeded(overflow: Pick<LayerOverflow, 'finalBits' | 'partialBits'>, mode: OverflowMode): number {
  return mode === 'wrap' ? overflow.finalBits : overflow.partialBits;
}
