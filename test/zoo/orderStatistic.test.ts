/**
 * Quickselect against a sort: the k-th smallest is the sorted array's element k (as a number: -0
 * and +0 are the same value), for arrays full of repeats (a ReLU's zeros), sorted, reversed and random.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderStatistic } from '../../src/zoo/orderStatistic.js';
import { checkProperty } from '../support/property.js';

const values = fc.oneof(
  fc.array(fc.float({ noNaN: true }), { minLength: 1, maxLength: 300 }),
  // Few distinct values: most of the array equals the pivot.
  fc.array(fc.constantFrom(0, 0, 0, 1.5, -2, 7), { minLength: 1, maxLength: 300 }),
);

describe('orderStatistic', () => {
  it('is the sorted array at k, for every k of arrays with and without repeats', () => {
    checkProperty(
      'order statistic',
      values,
      (list) => {
        const floats = Float32Array.from(list);
        const sorted = Float32Array.from(floats).sort();
        for (let k = 0; k < floats.length; k += 1) expect(orderStatistic(Float32Array.from(floats), k) === sorted[k]).toBe(true);
      },
      500,
    );
  });

  it('handles sorted and reversed runs and a second selection in a permuted scratch', () => {
    const ascending = Float32Array.from({ length: 10_001 }, (_, index) => index);
    const scratch = Float32Array.from(ascending).reverse();
    expect(orderStatistic(scratch, 5)).toBe(5);
    expect(orderStatistic(scratch, 9_995)).toBe(9_995);
    expect(orderStatistic(Float32Array.from(ascending), 10_000)).toBe(10_000);
    expect(() => orderStatistic(new Float32Array(3), 3)).toThrow(RangeError);
  });
});
