import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cmsisRequantize,
  doublingHighMult,
  doublingHighMultNoSat,
  divideByPowerOfTwo,
  requantizeS64,
} from '../../../src/numeric/cmsisnn.js';
import { rdbpot, srdhm, srmbpot } from '../../../src/numeric/gemmlowp.js';
import {
  mbqm64,
  mbqmDouble,
  mbqmGreaterThanOne,
  mbqmSingle,
  mbqmSmallerThanOneExp,
  quantizeMultiplier,
} from '../../../src/numeric/tflite.js';
import {
  refCmsisRequantize,
  refDivideByPowerOfTwo,
  refDoublingHighMult,
  refDoublingHighMultNoSat,
  refRequantizeS64,
} from '../../oracles/numeric/cmsisnn.js';
import { refRdbpot, refSrdhm, refSrmbpot } from '../../oracles/numeric/gemmlowp.js';
import {
  refMbqm64,
  refMbqmDouble,
  refMbqmGreaterThanOne,
  refMbqmSingle,
  refMbqmSmallerThanOneExp,
  refQuantizeMultiplier,
} from '../../oracles/numeric/tflite.js';
import { CASES_PER_OP, checkProperty, edgyInteger, INT16_RANGE, INT32_RANGE, expectBe, expectEqual } from '../../support/property.js';

const big = BigInt;
const bits = fc.constantFrom(16 as const, 32 as const);

/** Q0.31 multipliers: mostly normalised [2^30, 2^31-1], with 0 and the edges. */
const q31Multiplier = fc.oneof(
  fc.integer({ min: 2 ** 30, max: 2 ** 31 - 1 }),
  fc.constantFrom(0, 1, 2 ** 30, 2 ** 30 + 1, 2 ** 31 - 1, 2 ** 31 - 2, 3 * 2 ** 29),
  edgyInteger(0, 2 ** 31 - 1),
);
const signedMultiplier = fc.oneof(
  q31Multiplier,
  q31Multiplier.map((m) => -m),
  fc.constant(-(2 ** 31) + 1),
);
const tfliteShift = edgyInteger(-31, 30);

/** x with x * 2^max(shift, 0) inside int32 (TFLite's contract). */
function inContractX(shift: number): fc.Arbitrary<number> {
  const bound = 2 ** (31 - Math.max(shift, 0));
  return edgyInteger(-bound, bound - 1);
}

describe('gemmlowp primitives: core equals reference', () => {
  it(`SRDHM, int16 and int32 (${CASES_PER_OP} cases)`, () => {
    const arbitrary = bits.chain((width) => {
      const [min, max] = width === 32 ? INT32_RANGE : INT16_RANGE;
      return fc.tuple(fc.constant(width), edgyInteger(min, max), edgyInteger(min, max), fc.boolean());
    });
    const runs = checkProperty('srdhm', arbitrary, ([width, a, b, cornerCase]) => {
      const [x, y] = cornerCase ? [-(2 ** (width - 1)), -(2 ** (width - 1))] : [a, b];
      expectBe(srdhm(x, y, width), Number(refSrdhm(big(x), big(y), width)));
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });

  it(`RDBPOT (and CMSIS-NN divide_by_power_of_two), int16 and int32 (${CASES_PER_OP} cases)`, () => {
    const arbitrary = bits.chain((width) => {
      const [min, max] = width === 32 ? INT32_RANGE : INT16_RANGE;
      return fc.tuple(fc.constant(width), edgyInteger(min, max), edgyInteger(0, width - 1));
    });
    const runs = checkProperty('rdbpot', arbitrary, ([width, x, exponent]) => {
      expectBe(rdbpot(x, exponent, width), Number(refRdbpot(big(x), exponent, width)));
      if (width === 32) expectBe(divideByPowerOfTwo(x, exponent), Number(refDivideByPowerOfTwo(big(x), exponent)));
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });

  it(`SaturatingRoundingMultiplyByPOT, int16 and int32 (${CASES_PER_OP} cases)`, () => {
    const arbitrary = bits.chain((width) => {
      const [min, max] = width === 32 ? INT32_RANGE : INT16_RANGE;
      return fc.tuple(fc.constant(width), edgyInteger(min, max), edgyInteger(-(width - 1), width - 2));
    });
    const runs = checkProperty('srmbpot', arbitrary, ([width, x, exponent]) => {
      expectBe(srmbpot(x, exponent, width), Number(refSrmbpot(big(x), exponent, width)));
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });
});

describe('TFLite requantization: core equals reference', () => {
  it(`MultiplyByQuantizedMultiplier, both builds and both helpers (${CASES_PER_OP} cases)`, () => {
    const arbitrary = tfliteShift.chain((shift) => fc.tuple(inContractX(shift), q31Multiplier, fc.constant(shift)));
    const runs = checkProperty('mbqm', arbitrary, ([x, m, shift]) => {
      expectBe(mbqmDouble(x, m, shift), Number(refMbqmDouble(big(x), big(m), shift)));
      expectBe(mbqmSingle(x, m, shift), Number(refMbqmSingle(big(x), big(m), shift)));
      if (shift <= 0) expectBe(mbqmSmallerThanOneExp(x, m, shift), Number(refMbqmSmallerThanOneExp(big(x), big(m), shift)));
      else expectBe(mbqmGreaterThanOne(x, m, shift), Number(refMbqmGreaterThanOne(big(x), big(m), shift)));
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });

  it(`MultiplyByQuantizedMultiplier int64 overload (${CASES_PER_OP} cases)`, () => {
    const arbitrary = edgyInteger(-31, 7).chain((shift) => {
      const bound = Math.min(2 ** 47, 2 ** (31 - shift));
      return fc.tuple(edgyInteger(-bound, bound - 1), q31Multiplier, fc.constant(shift));
    });
    const runs = checkProperty('mbqm64', arbitrary, ([x, m, shift]) => {
      expectBe(mbqm64(x, m, shift), Number(refMbqm64(big(x), big(m), shift)));
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });

  it(`QuantizeMultiplier, both builds (${CASES_PER_OP} cases)`, () => {
    const real = fc.oneof(
      fc.double({ min: 2 ** -45, max: 2 ** 45, noNaN: true }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      // ties of q * 2^31: q = (2k + 1) / 2^32
      fc
        .tuple(fc.integer({ min: 2 ** 30, max: 2 ** 31 - 1 }), fc.integer({ min: -40, max: 40 }))
        .map(([k, e]) => ((2 * k + 1) / 2 ** 32) * 2 ** e),
      fc.constantFrom(
        0,
        -0,
        1,
        0.5,
        2 ** -31,
        2 ** -32,
        2 ** -33,
        1 - 2 ** -33,
        -(1 - 2 ** -33),
        1e300,
        -1e300,
        5e-324,
        2 ** -1022,
        2 ** 30,
        2 ** 31,
        1.5 * 2 ** 30,
      ),
    );
    const runs = checkProperty(
      'quantizeMultiplier',
      fc.tuple(real, fc.constantFrom('double' as const, 'single' as const)),
      ([value, build]) => {
        const { multiplier, shift } = quantizeMultiplier(value, build);
        const [expectedMultiplier, expectedShift] = refQuantizeMultiplier(value, build);
        expectEqual([multiplier, shift], [Number(expectedMultiplier), expectedShift]);
      },
    );
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });
});

describe('CMSIS-NN requantization: core equals reference', () => {
  it(`arm_nn_requantize, both builds, negative multipliers included (${CASES_PER_OP} cases)`, () => {
    const arbitrary = tfliteShift.chain((shift) =>
      fc.tuple(inContractX(shift), signedMultiplier, fc.constant(shift), fc.constantFrom('double' as const, 'single' as const)),
    );
    const runs = checkProperty('cmsisRequantize', arbitrary, ([x, m, shift, build]) => {
      expectBe(cmsisRequantize(x, m, shift, build), Number(refCmsisRequantize(big(x), big(m), shift, build)));
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });

  it(`doubling high multiplies, saturating and not (${CASES_PER_OP} cases)`, () => {
    const int32 = edgyInteger(...INT32_RANGE);
    const runs = checkProperty('doublingHighMult', fc.tuple(int32, int32, fc.boolean()), ([a, b, corner]) => {
      const [x, y] = corner ? [-(2 ** 31), -(2 ** 31)] : [a, b];
      expectBe(doublingHighMult(x, y), Number(refDoublingHighMult(big(x), big(y))));
      expectBe(doublingHighMultNoSat(x, y), Number(refDoublingHighMultNoSat(big(x), big(y))));
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });

  it(`arm_nn_requantize_s64 (${CASES_PER_OP} cases)`, () => {
    const arbitrary = edgyInteger(-31, 7).chain((shift) => {
      const bound = Math.min(2 ** 47, 2 ** (29 - shift));
      return fc.tuple(edgyInteger(-bound, bound - 1), fc.oneof(edgyInteger(1, 32767), edgyInteger(-32767, -1)), fc.constant(shift));
    });
    const runs = checkProperty('requantizeS64', arbitrary, ([x, rm, shift]) => {
      expectBe(requantizeS64(x, rm, shift), Number(refRequantizeS64(big(x), big(rm), shift)));
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });
});
