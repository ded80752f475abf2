import { describe, expect, it } from 'vitest';
import { expectSameElements } from './arrays.js';

describe('expectSameElements', () => {
  it('passes equal arrays of either kind and fails on a differing element or length, naming the index', () => {
    expectSameElements(Int32Array.from([1, -2, 3]), [1, -2, 3], 't');
    expect(() => expectSameElements(Int32Array.from([1, 2, 3, 4, 5]), [1, 2, 3, 9, 5], 't')).toThrow(/firstDifference|3/);
    expect(() => expectSameElements([1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6], 't')).toThrow();
    expect(() => expectSameElements([0], [-0], 't')).toThrow();
  });
});
