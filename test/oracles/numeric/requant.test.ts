// Fixed examples for npusim's requantization modes, power-of-two scale selection and the accumulator model.

import { describe, it, expect } from 'vitest';
import {
  refRequantTflite,
  refRequantGemmlowp,
  refRequantCmsis,
  refRequantOrt,
  refRequantShiftOnly,
  refRequantHvx,
  refRoundShiftRight,
  refPowerOfTwoShift,
  refAccumulate,
  type RefRoundingMode,
  type RefRequantOutput,
} from './index.js';

const HALF = 2n ** 30n;
const I8: RefRequantOutput = { bits: 8, signed: true, zeroPoint: 0n };
const U8: RefRequantOutput = { bits: 8, signed: false, zeroPoint: 0n };
const I16: RefRequantOutput = { bits: 16, signed: true, zeroPoint: 0n };

describe('requant: library modes', () => {
  it('tflite double and single', () => {
    expect(refRequantTflite(5n, HALF, -1, 'double', { ...I8, zeroPoint: 3n })).toEqual({ value: 5n, clipped: false });
    expect(refRequantTflite(5n, HALF, -1, 'single', { ...I8, zeroPoint: 3n })).toEqual({ value: 4n, clipped: false });
    expect(refRequantTflite(1000n, HALF, 0, 'double', I8)).toEqual({ value: 127n, clipped: true });
    expect(refRequantTflite(-2n, HALF, -1, 'double', U8)).toEqual({ value: 0n, clipped: true });
    expect(refRequantTflite(-2n, HALF, -1, 'single', U8)).toEqual({ value: 0n, clipped: false });
    // activation clamp (relu6 in integer units)
    expect(refRequantTflite(20n, HALF, 0, 'double', { ...I8, min: 0n, max: 6n })).toEqual({ value: 6n, clipped: true });
    expect(refRequantTflite(10n, HALF, 0, 'double', { ...I8, min: 0n, max: 6n })).toEqual({ value: 5n, clipped: false });
    expect(() => refRequantTflite(1n, HALF, 0, 'double', { ...I8, min: -200n })).toThrow(RangeError);
  });

  it('gemmlowp equals tflite double', () => {
    for (const acc of [-1000n, -7n, -2n, 3n, 5n, 123456n]) {
      for (const shift of [-5, -1, 0, 2]) {
        expect(refRequantGemmlowp(acc, 1518500250n, shift, I16)).toEqual(refRequantTflite(acc, 1518500250n, shift, 'double', I16));
      }
    }
  });

  it('cmsis', () => {
    expect(refRequantCmsis(5n, HALF, -1, 'double', I8)).toEqual({ value: 2n, clipped: false });
    expect(refRequantCmsis(5n, HALF, -1, 'single', I8)).toEqual({ value: 1n, clipped: false });
    expect(refRequantCmsis(5n, -HALF, -1, 'double', { ...I8, zeroPoint: -128n })).toEqual({ value: -128n, clipped: true });
  });

  it('ort for 8- and 16-bit outputs', () => {
    expect(refRequantOrt(5n, 0.5, I8)).toEqual({ value: 2n, clipped: false });
    expect(refRequantOrt(7n, 0.5, { ...U8, zeroPoint: 10n })).toEqual({ value: 14n, clipped: false });
    expect(refRequantOrt(100000n, 1, I16)).toEqual({ value: 32767n, clipped: true });
    expect(refRequantOrt(-100000n, 1, { bits: 16, signed: false, zeroPoint: 0n })).toEqual({ value: 0n, clipped: true });
    expect(refRequantOrt(-5n, 1, { ...I8, min: 0n, max: 6n })).toEqual({ value: 0n, clipped: true });
    expect(refRequantOrt(2n, 3.4028234663852886e38, I16)).toEqual({ value: 32767n, clipped: true });
    expect(refRequantOrt(25n, 0.10000000149011612, I16)).toEqual({ value: 2n, clipped: false });
    expect(() => refRequantOrt(1n, 1, { bits: 32, signed: true, zeroPoint: 0n })).toThrow(RangeError);
  });
});

describe('requant: shift only (dynamic fixed point)', () => {
  it('right shifts with each rounding mode', () => {
    const want: Record<Exclude<RefRoundingMode, 'stochastic'>, bigint> = {
      floor: -3n,
      trunc: -2n,
      'half-up': -2n,
      'half-away': -3n,
      'half-even': -2n,
    };
    for (const [mode, v] of Object.entries(want)) {
      expect(refRequantShiftOnly(-5n, 1, mode as RefRoundingMode, I8)).toEqual({ value: v, clipped: false });
    }
  });

  it('left shifts are exact, then + zp and the clamp', () => {
    expect(refRequantShiftOnly(20n, -3, 'floor', I8)).toEqual({ value: 127n, clipped: true });
    expect(refRequantShiftOnly(10n, -3, 'floor', I8)).toEqual({ value: 80n, clipped: false });
    expect(refRequantShiftOnly(20n, -3, 'floor', { ...I8, zeroPoint: -40n })).toEqual({ value: 120n, clipped: false });
    expect(refRequantShiftOnly(-7n, 0, 'half-even', { ...I8, zeroPoint: 2n })).toEqual({ value: -5n, clipped: false });
    expect(refRequantShiftOnly(2n ** 40n, 63, 'half-up', I8)).toEqual({ value: 0n, clipped: false });
  });

  it('stochastic uses the given context', () => {
    const ctx = { seed: 0n, stream: 1n, counter: 0n }; // top 4 bits of z = 14
    expect(refRequantShiftOnly(31n, 4, 'stochastic', I8, ctx)).toEqual({ value: 2n, clipped: false });
    expect(refRequantShiftOnly(30n, 4, 'stochastic', I8, ctx)).toEqual({ value: 1n, clipped: false });
    expect(() => refRequantShiftOnly(30n, 4, 'stochastic', I8)).toThrow();
  });
});

describe('requant: HVX pipeline', () => {
  it('fixed Q31 multiply, then the narrowing rounding R', () => {
    // q = SRDHM(5, 0.5) = round_half_up(2.5) = 3; then 3 / 2 with R.
    const r5: Record<Exclude<RefRoundingMode, 'stochastic'>, bigint> = {
      floor: 1n,
      trunc: 1n,
      'half-up': 2n,
      'half-away': 2n,
      'half-even': 2n,
    };
    for (const [mode, v] of Object.entries(r5)) {
      expect(refRequantHvx(5n, HALF, -1, mode as RefRoundingMode, I8), mode).toEqual({ value: v, clipped: false });
    }
    // q = SRDHM(-7, 0.5) = round_half_up(-3.5) = -3; then -1.5 with R.
    const rm7: Record<Exclude<RefRoundingMode, 'stochastic'>, bigint> = {
      floor: -2n,
      trunc: -1n,
      'half-up': -1n,
      'half-away': -2n,
      'half-even': -2n,
    };
    for (const [mode, v] of Object.entries(rm7)) {
      expect(refRequantHvx(-7n, HALF, -1, mode as RefRoundingMode, I8), mode).toEqual({ value: v, clipped: false });
    }
  });

  it('right shifts beyond 15 use a word pre-shift, then a 15-bit narrowing', () => {
    // x = 2q with m = 0.5 gives q = 3*2^19 + 16 exactly; rs = 20: pre-shift by 5 then by 15.
    const acc = 2n * (3n * 2n ** 19n + 16n);
    // pre-shift: 49152.5 -> half-up 49153 / floor 49152 / half-even 49152; then / 32768.
    expect(refRequantHvx(acc, HALF, -20, 'half-up', I8).value).toBe(2n);
    expect(refRequantHvx(acc, HALF, -20, 'floor', I8).value).toBe(1n);
    expect(refRequantHvx(acc, HALF, -20, 'half-even', I8).value).toBe(2n); // 1.5 tie -> 2
    expect(refRequantHvx(acc, HALF, -20, 'trunc', I8).value).toBe(1n);
    // negative: q = -(3*2^19 + 16): pre-shift -49152.5 -> half-up -49152, half-away -49153; then / 32768 = -1.5 / -1.50003
    expect(refRequantHvx(-acc, HALF, -20, 'half-up', I8).value).toBe(-1n);
    expect(refRequantHvx(-acc, HALF, -20, 'half-away', I8).value).toBe(-2n);
  });

  it('step 1 saturates silently; later saturations count as clipped', () => {
    // x = sat32(2^32) = 2^31 - 1; q = round_half_up((2^31-1)/2^31) = 1.
    expect(refRequantHvx(2n ** 30n, 1n, 2, 'half-up', I16)).toEqual({ value: 1n, clipped: false });
    // step 4 saturation
    expect(refRequantHvx(2n ** 31n - 1n, 2n ** 31n - 1n, 0, 'half-up', I16)).toEqual({ value: 32767n, clipped: true });
    // step 5: h + zp saturates at int16
    expect(refRequantHvx(32700n * 2n, HALF, 0, 'half-up', { ...I16, zeroPoint: 100n })).toEqual({ value: 32767n, clipped: true });
    // step 6: output type and activation clamp
    expect(refRequantHvx(240n, HALF, 0, 'half-up', { ...I8, zeroPoint: 10n })).toEqual({ value: 127n, clipped: true });
    expect(refRequantHvx(-20n, HALF, 0, 'half-up', U8)).toEqual({ value: 0n, clipped: true });
    expect(refRequantHvx(20n, HALF, 0, 'half-up', { ...I8, min: -6n, max: 6n })).toEqual({ value: 6n, clipped: true });
    expect(refRequantHvx(10n, HALF, 0, 'half-up', { ...I8, min: -6n, max: 6n })).toEqual({ value: 5n, clipped: false });
  });

  it('stochastic uses the same context at each rounding step', () => {
    const ctx = { seed: 3n, stream: 77n, counter: 12n };
    for (const acc of [-123456789n, -1001n, 77n, 99999999n]) {
      for (const shift of [-3, -15, -20, -31]) {
        const m = 1518500250n;
        const q0 = (() => {
          const p = acc * m;
          const d = 2n ** 31n;
          const fl = p >= 0n ? p / d : -((-p + d - 1n) / d);
          return 2n * (p - fl * d) >= d ? fl + 1n : fl;
        })();
        const rs = -shift;
        const q = rs > 15 ? refRoundShiftRight(q0, rs - 15, 'stochastic', ctx) : q0;
        const h = refRoundShiftRight(q, rs > 15 ? 15 : rs, 'stochastic', ctx);
        const want = h > 32767n ? 32767n : h < -32768n ? -32768n : h;
        expect(refRequantHvx(acc, m, shift, 'stochastic', I16, ctx).value).toBe(want);
      }
    }
  });
});

describe('power-of-two shift', () => {
  it('nearest power of two, ties (1.5 * 2^(e-1)) to the larger', () => {
    expect(refPowerOfTwoShift(1)).toBe(0);
    expect(refPowerOfTwoShift(0.75)).toBe(0);
    expect(refPowerOfTwoShift(0.7499999999999999)).toBe(1);
    expect(refPowerOfTwoShift(1.4999999999999998)).toBe(0);
    expect(refPowerOfTwoShift(1.5)).toBe(-1);
    expect(refPowerOfTwoShift(2.9)).toBe(-1);
    expect(refPowerOfTwoShift(3)).toBe(-2);
    expect(refPowerOfTwoShift(0.375)).toBe(1);
    expect(refPowerOfTwoShift(0.0039)).toBe(8); // 1/256 = 0.00390625
    expect(refPowerOfTwoShift(5e-324)).toBe(1074);
    expect(refPowerOfTwoShift(1.5e-323)).toBe(1072); // 3 * 2^-1074 -> 2^-1072
    expect(refPowerOfTwoShift(Number.MAX_VALUE)).toBe(-1024);
    for (const bad of [0, -0, -1, NaN, Infinity, -Infinity]) expect(() => refPowerOfTwoShift(bad)).toThrow(RangeError);
  });
});

describe('accumulator', () => {
  it('wrap mode', () => {
    expect(refAccumulate(8, 'wrap', 100n, [50n, -60n])).toEqual({
      value: 90n,
      exact: 90n,
      events: ['wrapped', 'wrapped'],
      transient: 2,
      final: false,
    });
    expect(refAccumulate(8, 'wrap', 100n, [50n])).toEqual({
      value: -106n,
      exact: 150n,
      events: ['wrapped'],
      transient: 1,
      final: true,
    });
  });

  it('saturate mode', () => {
    expect(refAccumulate(8, 'saturate', 100n, [50n, -60n])).toEqual({
      value: 67n,
      exact: 90n,
      events: ['saturated', 'none'],
      transient: 1,
      final: true,
    });
    expect(refAccumulate(32, 'saturate', -(2n ** 31n), [-1n, 1n, 5n])).toEqual({
      value: -(2n ** 31n) + 6n,
      exact: -(2n ** 31n) + 5n,
      events: ['saturated', 'none', 'none'],
      transient: 1,
      final: true,
    });
  });

  it('no addends, and validation', () => {
    expect(refAccumulate(16, 'wrap', -5n, [])).toEqual({ value: -5n, exact: -5n, events: [], transient: 0, final: false });
    expect(() => refAccumulate(8, 'wrap', 200n, [])).toThrow(RangeError);
  });
});
