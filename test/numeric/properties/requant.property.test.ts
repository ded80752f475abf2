import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requantize, type RequantOutput, type RequantParams } from '../../../src/numeric/requant.js';
import { powerOfTwoShift } from '../../../src/numeric/scale.js';
import { refPowerOfTwoShift } from '../../oracles/numeric/pow2.js';
import {
  refRequantCmsis,
  refRequantGemmlowp,
  refRequantHvx,
  refRequantOrt,
  refRequantShiftOnly,
  refRequantTflite,
} from '../../oracles/numeric/requant.js';
import {
  ACCUMULATOR_BITS,
  CASES_PER_OP,
  checkProperty,
  edgyInteger,
  OPERAND_BITS,
  ROUNDING_MODES,
  signedRange,
  expectBe,
  expectEqual,
} from '../../support/property.js';
import { type PairedDraw, pairedDraw } from './draws.js';

interface OutputCase {
  readonly bits: number;
  readonly signed: boolean;
  readonly zeroPoint: number;
  readonly min: number;
  readonly max: number;
}

/** An output type of 4, 8 or 16 bits, a zero point in it and an activation clamp inside it. */
function outputCase(allowUnsigned16: boolean): fc.Arbitrary<OutputCase> {
  return fc
    .tuple(fc.constantFrom(...OPERAND_BITS), fc.boolean())
    .filter(([bits, signed]) => allowUnsigned16 || signed || bits < 16)
    .chain(([bits, signed]) => {
      const [lo, hi] = signed ? signedRange(bits) : [0, 2 ** bits - 1];
      return fc
        .tuple(fc.constant(bits), fc.constant(signed), edgyInteger(lo, hi), edgyInteger(lo, hi), edgyInteger(lo, hi), fc.boolean())
        .map(([b, s, zeroPoint, a, c, fullRange]) => ({
          bits: b,
          signed: s,
          zeroPoint,
          min: fullRange ? lo : Math.min(a, c),
          max: fullRange ? hi : Math.max(a, c),
        }));
    });
}

const q31 = fc.oneof(fc.integer({ min: 2 ** 30, max: 2 ** 31 - 1 }), fc.constantFrom(0, 2 ** 30, 2 ** 31 - 1));
const float32Scale = fc.oneof(
  fc.float({ min: Math.fround(2 ** -30), max: 4, noNaN: true }),
  fc.integer({ min: -30, max: 2 }).map((e) => 2 ** e),
);

type ModeCase = {
  readonly params: RequantParams;
  readonly acc: number;
  readonly accumulatorBits: number;
};

/** One requantization: a mode, its parameters, and an accumulator of 16..48 bits (int32 for the library modes). */
const modeCase: fc.Arbitrary<ModeCase> = fc
  .tuple(
    fc.constantFrom('gemmlowp', 'tflite-double', 'tflite-single', 'cmsis-nn', 'cmsis-nn-single', 'hvx', 'ort-float', 'shift-only'),
    fc.constantFrom(...ACCUMULATOR_BITS),
    fc.constantFrom(...ROUNDING_MODES),
  )
  .chain(([mode, accumulatorBits, rounding]): fc.Arbitrary<ModeCase> => {
    if (mode === 'ort-float') {
      return fc
        .tuple(float32Scale, edgyInteger(...signedRange(accumulatorBits)))
        .map(([scale, acc]) => ({ params: { mode, scale }, acc, accumulatorBits }));
    }
    if (mode === 'shift-only') {
      return fc.tuple(edgyInteger(-32, 63), edgyInteger(...signedRange(accumulatorBits))).map(([shift, acc]) => ({
        params: { mode, shift, rounding },
        acc,
        accumulatorBits,
      }));
    }
    if (mode === 'hvx') {
      return fc.tuple(q31, edgyInteger(-31, 31), edgyInteger(...signedRange(accumulatorBits))).map(([multiplier, shift, acc]) => ({
        params: { mode, multiplier, shift, rounding },
        acc,
        accumulatorBits,
      }));
    }
    // Library modes take an int32 accumulator with acc * 2^max(shift, 0) inside int32.
    return edgyInteger(-31, 30).chain((shift) => {
      const width = Math.min(accumulatorBits, 32 - Math.max(shift, 0));
      return fc.tuple(q31, edgyInteger(...signedRange(width))).map(([multiplier, acc]) => ({
        params: { mode, multiplier, shift },
        acc,
        accumulatorBits,
      }));
    });
  });

function referenceRequant(c: ModeCase, out: OutputCase, draw: PairedDraw): { value: bigint; clipped: boolean } {
  const acc = BigInt(c.acc);
  const spec = { bits: out.bits, signed: out.signed, zeroPoint: BigInt(out.zeroPoint), min: BigInt(out.min), max: BigInt(out.max) };
  const p = c.params;
  switch (p.mode) {
    case 'gemmlowp':
      return refRequantGemmlowp(acc, BigInt(p.multiplier), p.shift, spec);
    case 'tflite-double':
    case 'tflite-single':
      return refRequantTflite(acc, BigInt(p.multiplier), p.shift, p.mode === 'tflite-double' ? 'double' : 'single', spec);
    case 'cmsis-nn':
    case 'cmsis-nn-single':
      return refRequantCmsis(acc, BigInt(p.multiplier), p.shift, p.mode === 'cmsis-nn' ? 'double' : 'single', spec);
    case 'hvx':
      return refRequantHvx(acc, BigInt(p.multiplier), p.shift, p.rounding, spec, draw.reference);
    case 'ort-float':
      return refRequantOrt(acc, p.scale, spec);
    case 'shift-only':
      return refRequantShiftOnly(acc, p.shift, p.rounding, spec, draw.reference);
  }
}

describe('requantization modes: core equals reference', () => {
  it(`every mode x output width (4, 8, 16) x accumulator width (16..48) x rounding (${CASES_PER_OP} cases)`, () => {
    const arbitrary = modeCase.chain((c) => fc.tuple(fc.constant(c), outputCase(c.params.mode !== 'hvx'), pairedDraw));
    const runs = checkProperty('requantize', arbitrary, ([c, out, draw]) => {
      const output: RequantOutput = { zeroPoint: out.zeroPoint, min: out.min, max: out.max };
      const expected = referenceRequant(c, out, draw);
      expectEqual(requantize(c.acc, c.params, output, draw.core), { value: Number(expected.value), clipped: expected.clipped });
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });

  it(`power-of-two shift of a real scale (${CASES_PER_OP} cases)`, () => {
    const real = fc.oneof(
      fc.double({ min: 2 ** -60, max: 2 ** 60, noNaN: true }),
      fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true }),
      fc.integer({ min: -60, max: 60 }).chain((e) => fc.constantFrom(0.75 * 2 ** e, 1.5 * 2 ** e, 2 ** e, 0.7499999999999999 * 2 ** e)),
    );
    const runs = checkProperty('powerOfTwoShift', real, (value) => {
      expectBe(powerOfTwoShift(value), refPowerOfTwoShift(value));
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });
});
