import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundDivide, roundFloat, roundShiftRight, MAX_STOCHASTIC_DIVISOR } from '../../../src/numeric/rounding.js';
import { bigIntFromWords64 } from '../../../src/numeric/int64.js';
import { stochasticBits, streamId } from '../../../src/numeric/stochastic.js';
import { refRoundDivide, refRoundFloat, refRoundShiftRight } from '../../oracles/numeric/rounding.js';
import { refStochasticBits, refStreamId } from '../../oracles/numeric/stochastic.js';
import {
  ACCUMULATOR_BITS,
  CASES_PER_OP,
  checkProperty,
  edgyInteger,
  tieFor,
  ROUNDING_MODES,
  signedRange,
  expectBe,
} from '../../support/property.js';
import { pairedDraw } from './draws.js';

/** An accumulator-sized value (16..48 bits, or up to the exact-number limit), favouring edges and ties. */
const shiftCase = fc.oneof(
  fc.tuple(fc.constantFrom(...ACCUMULATOR_BITS, 53), fc.integer({ min: 0, max: 63 })).chain(([bits, shift]) => {
    const [min, max] = bits === 53 ? [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] : signedRange(bits);
    return fc.record({ x: edgyInteger(min, max), shift: fc.oneof(fc.constant(shift), fc.constantFrom(0, 1, 31, 32, 52, 53, 54, 63)) });
  }),
  fc.constantFrom(...ACCUMULATOR_BITS).chain((bits) => tieFor(63, bits)),
);

describe('rounding: core equals reference', () => {
  it(`x / 2^shift, every mode, accumulator widths 16..48 (${CASES_PER_OP} cases)`, () => {
    const runs = checkProperty(
      'roundShiftRight',
      fc.tuple(shiftCase, fc.constantFrom(...ROUNDING_MODES), pairedDraw),
      ([{ x, shift }, mode, draw]) => {
        expectBe(roundShiftRight(x, shift, mode, draw.core), Number(refRoundShiftRight(BigInt(x), shift, mode, draw.reference)));
      },
    );
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });

  it(`x / divisor (average pooling), every mode (${CASES_PER_OP} cases)`, () => {
    const divisor = fc.oneof(
      fc.integer({ min: 1, max: 64 }),
      fc.constantFrom(9, 25, 49, 196, 3 * 3, 7 * 7, 2 ** 20, MAX_STOCHASTIC_DIVISOR),
      fc.integer({ min: 1, max: MAX_STOCHASTIC_DIVISOR }),
    );
    const arbitrary = fc.tuple(
      fc.oneof(
        edgyInteger(...signedRange(48)),
        // exact ties: x = q*d + d/2 for an even divisor
        fc
          .tuple(fc.integer({ min: -(2 ** 30), max: 2 ** 30 }), fc.integer({ min: 1, max: 2 ** 10 }))
          .map(([q, half]) => ({ tie: q * 2 * half + half, divisor: 2 * half })),
      ),
      divisor,
      fc.constantFrom(...ROUNDING_MODES),
      pairedDraw,
    );
    const runs = checkProperty('roundDivide', arbitrary, ([xOrTie, d, mode, draw]) => {
      const [x, divisorUsed] = typeof xOrTie === 'number' ? [xOrTie, d] : [xOrTie.tie, xOrTie.divisor];
      expect(roundDivide(x, divisorUsed, mode, draw.core)).toBe(
        Number(refRoundDivide(BigInt(x), BigInt(divisorUsed), mode, draw.reference)),
      );
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });

  it(`float to integer, every mode (${CASES_PER_OP} cases)`, () => {
    const value = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -(2 ** 60), max: 2 ** 60 }),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -4, max: 4 }),
      fc.integer({ min: -(2 ** 30), max: 2 ** 30 }).map((n) => n + 0.5),
      fc.constantFrom(
        0.5,
        -0.5,
        2.5,
        -2.5,
        0.49999999999999994,
        -0.49999999999999994,
        2 ** 52 + 1,
        -(2 ** 52) - 1,
        2 ** -1074,
        -(2 ** -1074),
        1e-300,
        -1e-300,
      ),
      fc.float({ noNaN: true, noDefaultInfinity: true }).map(Number),
    );
    const runs = checkProperty('roundFloat', fc.tuple(value, fc.constantFrom(...ROUNDING_MODES), pairedDraw), ([v, mode, draw]) => {
      expectBe(roundFloat(v, mode, draw.core), Number(refRoundFloat(v, mode, draw.reference)));
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });

  it(`stochastic bits and stream ids (${CASES_PER_OP} cases)`, () => {
    const runs = checkProperty('stochasticBits', fc.tuple(pairedDraw, fc.string({ unit: 'grapheme', maxLength: 12 })), ([draw, site]) => {
      expectBe(bigIntFromWords64(stochasticBits(draw.core)), refStochasticBits(draw.reference));
      expectBe(bigIntFromWords64(streamId(site)), refStreamId(site));
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });
});
