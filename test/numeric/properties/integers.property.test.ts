import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intRange, intRangeBig, saturate, saturateBig, wrap, wrapBig } from '../../../src/numeric/integers.js';
import { mulShiftRightHalfUp } from '../../../src/numeric/int64.js';
import { refIntRange, refSaturate, refWrap } from '../../oracles/numeric/integers.js';
import { CASES_PER_OP, checkProperty, edgyInteger, expectBe, expectEqual } from '../../support/property.js';

describe('integers: core equals reference', () => {
  it(`wrap and saturate on numbers, widths 2..52 (${CASES_PER_OP} cases)`, () => {
    const arbitrary = fc.tuple(
      fc.integer({ min: 2, max: 52 }),
      fc.boolean(),
      edgyInteger(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    );
    const runs = checkProperty('integers.number', arbitrary, ([bits, signed, x]) => {
      const type = { bits, signed };
      const range = refIntRange(bits, signed);
      expectEqual(intRange(type), { min: Number(range.min), max: Number(range.max) });
      expectBe(wrap(x, type), Number(refWrap(BigInt(x), bits, signed)));
      const expected = refSaturate(BigInt(x), bits, signed);
      expectEqual(saturate(x, type), { value: Number(expected.value), saturated: expected.saturated });
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });

  it(`wrap and saturate on bigint, widths 2..64 (${CASES_PER_OP} cases)`, () => {
    const arbitrary = fc.tuple(
      fc.integer({ min: 2, max: 64 }),
      fc.boolean(),
      fc.oneof(
        fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
        fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, 2n ** 64n - 1n, 2n ** 64n, -(2n ** 63n) - 1n, 0n, -1n),
      ),
    );
    const runs = checkProperty('integers.bigint', arbitrary, ([bits, signed, x]) => {
      const type = { bits, signed };
      expectEqual(intRangeBig(type), refIntRange(bits, signed));
      expectBe(wrapBig(x, type), refWrap(x, bits, signed));
      expectEqual(saturateBig(x, type), refSaturate(x, bits, signed));
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });
});

describe('int64: the allocation-free product shift equals exact bigint arithmetic', () => {
  it(`mulShiftRightHalfUp over int32 lanes and shifts 1..62 (${CASES_PER_OP} cases)`, () => {
    const arbitrary = fc.tuple(edgyInteger(-(2 ** 31), 2 ** 31), edgyInteger(-(2 ** 31), 2 ** 31 - 1), fc.integer({ min: 1, max: 62 }));
    const runs = checkProperty('int64.mulShiftRightHalfUp', arbitrary, ([a, b, shift]) => {
      // floor((a*b + 2^(shift-1)) / 2^shift) in bigint; bigint >> is a floor shift.
      const expected = (BigInt(a) * BigInt(b) + (1n << BigInt(shift - 1))) >> BigInt(shift);
      expectBe(mulShiftRightHalfUp(a, b, shift), Number(expected));
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });
});
