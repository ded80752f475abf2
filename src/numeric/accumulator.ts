/**
 * An accumulator register of 16..48 bits that wraps or saturates on every add and reports it,
 * with the exact (unbounded) sum kept beside it. A wrap or saturation on some add is a transient
 * overflow; the accumulation ends in a final overflow only when the stored value differs from
 * the exact sum (under wrap a transient can be undone by later adds, under saturate rarely).
 */
import { type IntType, intRange } from './integers.js';

export type OverflowMode = 'wrap' | 'saturate';
export const OVERFLOW_MODES: readonly OverflowMode[] = ['wrap', 'saturate'];

export const MIN_ACCUMULATOR_BITS = 16;
export const MAX_ACCUMULATOR_BITS = 48;

/** What one add did to the register. */
export type AddEvent = 'none' | 'wrapped' | 'saturated';

export interface AccumulatorSpec {
  readonly bits: number;
  readonly overflow: OverflowMode;
}

export class Accumulator {
  readonly min: number;
  readonly max: number;
  private readonly modulus: number;
  /** The register. */
  value = 0;
  /** The exact sum of everything added since the last reset. */
  exact = 0;
  /** Adds that left the range since the last reset. */
  transientCount = 0;
  /** Index (0-based, counting from the reset) of the first add that left the range, or -1. */
  firstTransientStep = -1;
  private steps = 0;

  constructor(readonly spec: AccumulatorSpec) {
    if (!Number.isInteger(spec.bits) || spec.bits < MIN_ACCUMULATOR_BITS || spec.bits > MAX_ACCUMULATOR_BITS) {
      throw new RangeError(
        `accumulator width must be ${MIN_ACCUMULATOR_BITS}..${MAX_ACCUMULATOR_BITS} bits, got ${spec.bits}`,
      );
    }
    const type: IntType = { bits: spec.bits, signed: true };
    ({ min: this.min, max: this.max } = intRange(type));
    this.modulus = 2 ** spec.bits;
  }

  /** Loads the register (the bias goes in first); the value must already be in range. */
  reset(initial = 0): void {
    if (initial < this.min || initial > this.max) {
      throw new RangeError(`initial accumulator value ${initial} does not fit ${this.spec.bits} bits`);
    }
    this.value = initial;
    this.exact = initial;
    this.transientCount = 0;
    this.firstTransientStep = -1;
    this.steps = 0;
  }

  /** Adds one term at the register's width and says what happened. */
  add(term: number): AddEvent {
    const sum = this.value + term;
    this.exact += term;
    if (!Number.isSafeInteger(this.exact)) {
      throw new RangeError('the exact sum beside the accumulator left the range of exact integers (2^53)');
    }
    const step = this.steps;
    this.steps += 1;
    if (sum >= this.min && sum <= this.max) {
      this.value = sum;
      return 'none';
    }
    this.transientCount += 1;
    if (this.firstTransientStep < 0) this.firstTransientStep = step;
    if (this.spec.overflow === 'saturate') {
      this.value = sum < this.min ? this.min : this.max;
      return 'saturated';
    }
    this.value = sum - Math.floor((sum - this.min) / this.modulus) * this.modulus;
    return 'wrapped';
  }

  /** The stored value differs from the exact sum. */
  get finalOverflow(): boolean {
    return this.value !== this.exact;
  }
}
