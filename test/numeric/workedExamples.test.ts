/**
 * Worked examples with expected values taken from the sources' definitions and the research notes,
 * beside the property tests: a core and a reference can share one misreading, a written-down
 * example cannot.
 */
import { describe, expect, it } from 'vitest';
import { accumulate, accumulatorRegister, type AccumulatorRegister } from '../../src/numeric/accumulator.js';
import { doublingHighMultNoSat, requantizeS64 } from '../../src/numeric/cmsisnn.js';
import { rdbpot, srdhm, srmbpot } from '../../src/numeric/gemmlowp.js';
import { vasrNarrow, vrmpyAccumulate } from '../../src/numeric/hvx.js';
import { ortQuantizeLinear, ortRequantFloat } from '../../src/numeric/ort.js';
import { requantize } from '../../src/numeric/requant.js';
import { type ROUNDING_MODES, roundDivide, roundFloat, roundShiftRight } from '../../src/numeric/rounding.js';
import { powerOfTwoShift } from '../../src/numeric/scale.js';
import { stochasticSite } from '../../src/numeric/stochastic.js';
import { mbqm64, mbqmDouble, mbqmSingle, quantizeMultiplier } from '../../src/numeric/tflite.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

describe('TFLite single vs double rounding (numerics.md section 4)', () => {
  it.each([
    // x, m, shift, double, single
    [5, 2 ** 30, -1, 2, 1], // 1.25: SRDHM 2.5 -> 3, then 3/2 = 1.5 -> 2; single rounds 1.25 -> 1
    [3, 2 ** 30, -2, 1, 0], // 0.375: 1.5 -> 2, 2/4 = 0.5 -> 1; single 0
    [-2, 2 ** 30, -1, -1, 0], // -0.5 exactly: double half-away -1, single half-up 0
  ])('x=%d m=%d shift=%d: double %d, single %d', (x, m, shift, double, single) => {
    expect(mbqmDouble(x, m, shift)).toBe(double);
    expect(mbqmSingle(x, m, shift)).toBe(single);
  });

  it('a positive shift is one left shift and one half-up rounding in both builds', () => {
    // 3 * 2^2 * (2^30 / 2^31) = 6 exactly
    expect(mbqmDouble(3, 2 ** 30, 2)).toBe(6);
    expect(mbqmSingle(3, 2 ** 30, 2)).toBe(6);
  });

  it('the int64 overload reduces the multiplier to 16 bits first', () => {
    // m = 2^30 reduces to (2^30 + 2^15) >> 16 = 16384; x * 16384 / 2^15 = x / 2 -> 2^40 / 2 = 2^39
    expect(mbqm64(2 ** 40, 2 ** 30, 0)).toBe(2 ** 39);
    // m >= 0x7FFF0000 saturates to 0x7FFF: 2^15 * 32767 / 2^15 = 32767
    expect(mbqm64(2 ** 15, INT32_MAX, 0)).toBe(32767);
  });
});

describe('gemmlowp primitives (numerics.md sections 1-3)', () => {
  it('SRDHM rounds half up for both signs and saturates only min*min', () => {
    expect(srdhm(-1, 2 ** 30)).toBe(0); // -0.5 -> 0
    expect(srdhm(-3, 2 ** 30)).toBe(-1); // -1.5 -> -1
    expect(srdhm(3, 2 ** 30)).toBe(2); // 1.5 -> 2
    expect(srdhm(INT32_MIN, INT32_MIN)).toBe(INT32_MAX);
    expect(srdhm(-32768, -32768, 16)).toBe(32767);
    expect(srdhm(INT32_MIN, INT32_MAX)).toBe(-INT32_MAX); // -(2^31 - 1) exactly
  });

  it('RDBPOT rounds half away from zero and never overflows at INT32_MIN', () => {
    expect(rdbpot(-5, 1)).toBe(-3);
    expect(rdbpot(5, 1)).toBe(3);
    expect(rdbpot(-3, 1)).toBe(-2);
    expect(rdbpot(INT32_MIN, 31)).toBe(-1); // -1 exactly
    expect(rdbpot(INT32_MIN, 0)).toBe(INT32_MIN);
  });

  it('SaturatingRoundingMultiplyByPOT saturates left shifts', () => {
    expect(srmbpot(2 ** 29, 2)).toBe(INT32_MAX);
    expect(srmbpot(-(2 ** 29), 2)).toBe(INT32_MIN);
    expect(srmbpot(3, 4)).toBe(48);
  });
});

describe('CMSIS-NN, HVX and onnxruntime (numerics.md sections 5-7)', () => {
  it('the no-saturation high multiply wraps min*min to INT32_MIN', () => {
    expect(doublingHighMultNoSat(INT32_MIN, INT32_MIN)).toBe(INT32_MIN);
  });

  it('requantize_s64 rounds half up at 2^(15 - shift)', () => {
    // 3 * 1 / 2^15 (shift 0) = 0.0000915 -> 0; 2^14 * 1 / 2^15 = 0.5 -> 1; -2^14 -> -0.5 -> 0
    expect(requantizeS64(3, 1, 0)).toBe(0);
    expect(requantizeS64(2 ** 14, 1, 0)).toBe(1);
    expect(requantizeS64(-(2 ** 14), 1, 0)).toBe(0);
  });

  it('vasr rounds half up, unlike RDBPOT', () => {
    expect(vasrNarrow(-3, 1, 'w', 'h', { round: true, saturate: true })).toBe(-1);
    expect(rdbpot(-3, 1)).toBe(-2);
    expect(vasrNarrow(3, 1, 'w', 'h', { round: true, saturate: true })).toBe(2);
    expect(vasrNarrow(70000, 0, 'w', 'h', { round: true, saturate: true })).toBe(32767);
    expect(vasrNarrow(70000, 0, 'w', 'h', { round: true, saturate: false })).toBe(70000 - 65536);
    expect(vasrNarrow(-1, 9, 'h', 'ub', { round: true, saturate: true })).toBe(0); // n = 9 & 7 = 1: (-1 + 1) >> 1 = 0
  });

  it('vrmpy accumulates with 32-bit wrap-around', () => {
    expect(vrmpyAccumulate(0, [-128, -128, -128, -128], [-128, -128, -128, -128], 'bv')).toBe(65536);
    expect(vrmpyAccumulate(INT32_MAX, [1, 0, 0, 0], [2, 0, 0, 0], 'bv')).toBe(INT32_MIN + 1);
    expect(vrmpyAccumulate(2 ** 32 - 1, [1, 0, 0, 0], [1, 0, 0, 0], 'ubv')).toBe(0);
  });

  it('onnxruntime rounds half to even after a float32 multiply, and converts acc > 2^24 inexactly', () => {
    expect(ortRequantFloat(5, 0.5, 0, -128, 127)).toBe(2); // 2.5 -> 2
    expect(ortRequantFloat(7, 0.5, 0, -128, 127)).toBe(4); // 3.5 -> 4
    expect(ortRequantFloat(-5, 0.5, 0, -128, 127)).toBe(-2); // -2.5 -> -2
    // 2^24 + 2^17 + 1 becomes 2^24 + 2^17 in float32; times 2^-18 = 64.5 -> 64 (exact would give 65)
    expect(ortRequantFloat(2 ** 24 + 2 ** 17 + 1, 2 ** -18, 0, -128, 127)).toBe(64);
    expect(ortQuantizeLinear(Number.POSITIVE_INFINITY, 0.5, 0, 0, 255)).toBe(255);
    expect(ortQuantizeLinear(1.25, 0.5, 0, -128, 127)).toBe(2); // 2.5 -> 2
  });
});

describe('QuantizeMultiplier (numerics.md section 4)', () => {
  it.each([
    [0, 'double', 0, 0],
    [0.5, 'double', 2 ** 30, 0],
    [1, 'double', 2 ** 30, 1],
    [1 - 2 ** -40, 'double', 2 ** 30, 1], // rounds to 2^31, carried into the exponent
    [2 ** -40, 'double', 0, 0], // shift -39 < -31: flushed to zero
    [-(1 - 2 ** -33), 'double', INT32_MIN, 0], // the negative carry stays at INT32_MIN
    [1e300, 'single', INT32_MAX, 30], // the single-rounding build saturates large shifts
  ] as const)('%d (%s build) gives (%d, %d)', (real, build, multiplier, shift) => {
    expect(quantizeMultiplier(real, build)).toEqual({ multiplier, shift });
  });

  it('the double build keeps a huge shift', () => {
    expect(quantizeMultiplier(1e300, 'double').shift).toBe(997);
  });
});

describe('rounding modes on ties (docs/numerics.md, section 2)', () => {
  // x / 2^1 for x = 5, -5, 3, -3, -1: the exact quotients 2.5, -2.5, 1.5, -1.5, -0.5
  const expected: Record<string, number[]> = {
    floor: [2, -3, 1, -2, -1],
    trunc: [2, -2, 1, -1, 0],
    'half-up': [3, -2, 2, -1, 0],
    'half-away': [3, -3, 2, -2, -1],
    'half-even': [2, -2, 2, -2, 0],
  };
  it.each(Object.entries(expected))('%s', (mode, values) => {
    const m = mode as Exclude<(typeof ROUNDING_MODES)[number], 'stochastic'>;
    expect([5, -5, 3, -3, -1].map((x) => roundShiftRight(x, 1, m))).toEqual(values);
    expect([5, -5, 3, -3, -1].map((x) => roundDivide(x, 2, m))).toEqual(values);
    expect([2.5, -2.5, 1.5, -1.5, -0.5].map((v) => roundFloat(v, m))).toEqual(values);
  });

  it('half-away on the double just above -0.5 rounds up to 0, as exact arithmetic says', () => {
    expect(roundFloat(-0.49999999999999994, 'half-away')).toBe(0);
    expect(roundFloat(0.49999999999999994, 'half-up')).toBe(0);
  });

  it('average pooling divides by the valid taps: -7 / 2 and 14 / 4 on ties, 10 / 3 off them', () => {
    expect(roundDivide(-7, 2, 'half-away')).toBe(-4);
    expect(roundDivide(-7, 2, 'half-up')).toBe(-3);
    expect(roundDivide(14, 4, 'half-even')).toBe(4);
    expect(roundDivide(10, 3, 'half-even')).toBe(3);
  });

  it('stochastic float rounding uses u53 = z >> 11 also for doubles with 54..63 fraction bits', () => {
    // 0.001 has 60 fraction bits. With this seed, stream 0 and counter 0, z = 0x004189374bc6a7f0:
    // u53 * 2^-53 = 0.000999999999999998... < 0.001, so it rounds up; the top 60 bits of z would not.
    const site = stochasticSite(0xd962aa05763aaa5dn, { hi: 0, lo: 0 });
    expect(roundFloat(0.001, 'stochastic', { site, counter: 0 })).toBe(1);
  });

  it('stochastic rounding is q or q + 1, deterministic, and unbiased in expectation', () => {
    const site = stochasticSite(42n, 'conv1/requant');
    let ups = 0;
    for (let counter = 0; counter < 4096; counter += 1) {
      const value = roundShiftRight(1, 2, 'stochastic', { site, counter });
      expect(value === 0 || value === 1).toBe(true);
      expect(roundShiftRight(1, 2, 'stochastic', { site, counter })).toBe(value);
      ups += value;
    }
    // 1/4 = 0.25 is the exact expectation; 4096 draws land within a few percent of it.
    expect(ups / 4096).toBeGreaterThan(0.22);
    expect(ups / 4096).toBeLessThan(0.28);
    expect(roundShiftRight(7, 0, 'stochastic', { site, counter: 3 })).toBe(7);
  });
});

describe('requantization modes', () => {
  it('hvx: SRDHM, a word pre-shift beyond 15, narrowing with the configured rounding, zp with int16 saturation', () => {
    // acc 1000, m = 2^30 (x0.5), shift -1: SRDHM 500, then 500 / 2 = 250 (exact), + zp 3 = 253 -> int8 clamp 127
    expect(
      requantize(1000, { mode: 'hvx', multiplier: 2 ** 30, shift: -1, rounding: 'half-up' }, { zeroPoint: 3, min: -128, max: 127 }),
    ).toEqual({
      value: 127,
      clipped: true,
    });
    // acc 2^20 * 3, m = 2^30, shift -17: SRDHM 3 * 2^19; pre-shift by 2 -> 3 * 2^17; narrow by 15 -> 12
    expect(
      requantize(3 * 2 ** 20, { mode: 'hvx', multiplier: 2 ** 30, shift: -17, rounding: 'floor' }, { zeroPoint: 0, min: -128, max: 127 }),
    ).toEqual({
      value: 12,
      clipped: false,
    });
  });

  it('shift-only: a right shift with the configured rounding, or an exact left shift', () => {
    expect(requantize(-20, { mode: 'shift-only', shift: 3, rounding: 'half-even' }, { zeroPoint: 0, min: -128, max: 127 }).value).toBe(-2); // -2.5 -> -2
    expect(requantize(-20, { mode: 'shift-only', shift: 3, rounding: 'half-away' }, { zeroPoint: 0, min: -128, max: 127 }).value).toBe(-3);
    // 20 << 3 = 160, + zp -40 = 120: the left shift is exact and only the final clamp saturates
    expect(requantize(20, { mode: 'shift-only', shift: -3, rounding: 'floor' }, { zeroPoint: -40, min: -128, max: 127 })).toEqual({
      value: 120,
      clipped: false,
    });
  });

  it('the power-of-two shift picks the nearest power in value', () => {
    expect(powerOfTwoShift(0.3)).toBe(2); // 0.25 is nearer than 0.5 (0.3 < 0.375)
    expect(powerOfTwoShift(0.375)).toBe(1); // the midpoint goes to the larger power, 0.5
    expect(powerOfTwoShift(0.74)).toBe(1); // 0.5, below 0.75
    expect(powerOfTwoShift(0.75)).toBe(0); // 1
  });
});

/** Adds the terms in order from 0, as the kernels do: the stored value and which adds overflowed. */
function accumulateAll(register: AccumulatorRegister, terms: readonly number[]): { value: number; overflowed: boolean[] } {
  let value = 0;
  const overflowed = terms.map((term) => {
    const stored = accumulate(register, value, term);
    const changed = stored !== value + term;
    value = stored;
    return changed;
  });
  return { value, overflowed };
}

describe('accumulator (transient vs final overflow)', () => {
  it('16-bit wrap: 30000 + 30000 - 30000 wraps up, wraps back down, and ends exact', () => {
    // 30000 + 30000 = 60000 -> -5536 (wrapped); -5536 - 30000 = -35536 -> 30000 (wrapped again)
    const wrap16 = accumulatorRegister({ bits: 16, overflow: 'wrap' });
    expect(accumulate(wrap16, 30000, 30000)).toBe(-5536);
    expect(accumulate(wrap16, -5536, -30000)).toBe(30000);
    expect(accumulateAll(wrap16, [30000, 30000, -30000])).toEqual({ value: 30000, overflowed: [false, true, true] });
  });

  it('16-bit saturate: the same adds end 27233 below the exact sum', () => {
    const saturate16 = accumulatorRegister({ bits: 16, overflow: 'saturate' });
    expect(accumulateAll(saturate16, [30000, 30000, -30000])).toEqual({ value: 32767 - 30000, overflowed: [false, true, false] });
  });

  it('saturate depends on the order of the adds', () => {
    const saturate16 = accumulatorRegister({ bits: 16, overflow: 'saturate' });
    expect([accumulateAll(saturate16, [30000, 30000, -30000]).value, accumulateAll(saturate16, [30000, -30000, 30000]).value]).toEqual([
      2767, 30000,
    ]);
  });

  it('a bias is loaded by an add from 0, so one that does not fit wraps like any term', () => {
    expect(accumulateAll(accumulatorRegister({ bits: 16, overflow: 'wrap' }), [40000])).toEqual({
      value: 40000 - 65536,
      overflowed: [true],
    });
  });

  it('rejects widths outside 16..48', () => {
    expect(() => accumulatorRegister({ bits: 15, overflow: 'wrap' })).toThrow(RangeError);
    expect(() => accumulatorRegister({ bits: 49, overflow: 'wrap' })).toThrow(RangeError);
    expect(() => accumulatorRegister({ bits: 24.5, overflow: 'wrap' })).toThrow(RangeError);
  });
});
