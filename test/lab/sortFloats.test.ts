/** The radix sort of calibration samples gives Float32Array's own sort, value for value and bit for bit (NaNs last). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortedFloat32 } from '../../src/lab/sortFloats.js';
import { checkProperty } from '../support/property.js';

function expectSortedAsBuiltIn(values: Float32Array): void {
  const ours = sortedFloat32(values);
  const theirs = values.slice().sort();
  expect(ours.length).toBe(theirs.length);
  const ourBits = new Uint32Array(ours.buffer);
  const theirBits = new Uint32Array(theirs.buffer);
  for (let index = 0; index < ours.length; index += 1) {
    if (Number.isNaN(theirs[index])) {
      if (!Number.isNaN(ours[index])) expect.fail(`index ${index}: ${ours[index]}, expected NaN`);
    } else if (ourBits[index] !== theirBits[index]) expect.fail(`index ${index}: ${ours[index]}, expected ${theirs[index]}`);
  }
}

const SPECIAL = [
  0,
  -0,
  Infinity,
  -Infinity,
  Number.NaN,
  1.401298464324817e-45,
  -1.401298464324817e-45,
  3.4028234663852886e38,
  -3.4028234663852886e38,
  1,
  -1,
];

describe('sortedFloat32', () => {
  it('sorts as Float32Array.prototype.sort does', () => {
    checkProperty(
      'lab.sortedFloat32',
      fc.array(fc.oneof(fc.float(), fc.constantFrom(...SPECIAL), fc.integer({ min: -3, max: 3 })), { maxLength: 300 }),
      (values) => expectSortedAsBuiltIn(Float32Array.from(values)),
      2000,
    );
  });

  it('sorts a million values, NaNs of any payload last, leaving its input as it was', () => {
    const values = new Float32Array(1 << 20);
    let state = 12345;
    for (let index = 0; index < values.length; index += 1) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      values[index] = ((state / 2 ** 32) * 2 - 1) * 2 ** ((index % 60) - 30);
    }
    const bits = new Uint32Array(values.buffer);
    bits[7] = 0xffc00001; // a negative NaN with a payload
    bits[99] = 0x7f800001;
    const before = values.slice();
    expectSortedAsBuiltIn(values);
    expect(Buffer.from(values.buffer).equals(Buffer.from(before.buffer))).toBe(true);
    const sorted = sortedFloat32(values);
    expect(Number.isNaN(sorted[sorted.length - 1])).toBe(true);
    expect(Number.isNaN(sorted[sorted.length - 2])).toBe(true);
    expect(Number.isNaN(sorted[sorted.length - 3])).toBe(false);
  });
});
