/** countOutside on a sorted sample counts what a scan of it counts, NaNs, signed zeros and ties included. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countOutside } from '../../src/lab/calibrate.js';
import { checkProperty } from '../support/property.js';

describe('countOutside', () => {
  it('equals the scan on random sorted samples and bounds', () => {
    const value = fc.oneof(
      fc.float({ noDefaultInfinity: false }),
      fc.constantFrom(0, -0, 1, -1, Number.NaN, 0.5),
      fc.integer({ min: -4, max: 4 }),
    );
    checkProperty(
      'lab.countOutside',
      // The bounds come from a tensor's scale: numbers, never NaN.
      fc
        .tuple(fc.array(value, { maxLength: 60 }), value, value)
        .filter(([, low, high]) => !Number.isNaN(low) && !Number.isNaN(high) && low <= high),
      ([values, low, high]) => {
        const sorted = Float32Array.from(values).sort();
        let scanned = 0;
        for (const x of sorted) if (x < low || x > high) scanned += 1;
        expect(countOutside(sorted, low, high)).toBe(scanned);
      },
      2000,
    );
  });
});
