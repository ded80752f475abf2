/**
 * Overflow bookkeeping of one layer: accumulator transients and finals, output clipping, and the
 * headroom (signed bits the exact sums needed beside the accumulator's width).
 */
import { signedBitsNeeded } from '../numeric/index.js';

/**
 * When the modelled hardware performs the add of (flat NHWC output index, k as in EventLocation):
 * the dataflow's event clock. It only orders events (larger is later); it is not a cycle count.
 */
export type EventClock = (output: number, k: number) => number;

export interface EventLocation {
  /** Flat index of the output element (NHWC, row-major). */
  readonly output: number;
  /** Position in the accumulation order (k); -1 for loading the bias, K + fold for a fold merge. */
  readonly k: number;
}

export interface LayerOverflow {
  accumulatorTransient: number;
  accumulatorFinal: number;
  outputClipped: number;
  /** Saturations inside the HVX instruction pipeline (vasr narrowing, vadd:sat) before the output. */
  vectorSaturated: number;
  /** Accumulators saturated to int32 on their way into a library requantization mode. */
  requantInputSaturated: number;
  firstTransient: EventLocation | undefined;
  firstFinal: EventLocation | undefined;
  firstClipped: EventLocation | undefined;
  firstVectorSaturated: EventLocation | undefined;
  /** Signed bits needed by the largest final exact sum. */
  finalBits: number;
  /** Signed bits needed by the largest exact partial sum in the documented order, bias included. */
  partialBits: number;
}

export function emptyOverflow(): LayerOverflow {
  return {
    accumulatorTransient: 0,
    accumulatorFinal: 0,
    outputClipped: 0,
    vectorSaturated: 0,
    requantInputSaturated: 0,
    firstTransient: undefined,
    firstFinal: undefined,
    firstClipped: undefined,
    firstVectorSaturated: undefined,
    finalBits: 1,
    partialBits: 1,
  };
}

export function bitsForRange(low: number, high: number): number {
  return Math.max(signedBitsNeeded(low), signedBitsNeeded(high));
}
