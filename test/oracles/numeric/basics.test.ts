// Fixed examples for the reference model's integer helpers, stochastic hash and rounding primitives.

import { describe, it, expect } from 'vitest';
import {
  refIntRange,
  refWrap,
  refSaturate,
  refStreamId,
  refStochasticBits,
  refRoundShiftRight,
  refRoundDivide,
  refRoundFloat,
  type RefRoundingMode,
} from './index.js';

const MODES: RefRoundingMode[] = ['floor', 'trunc', 'half-up', 'half-away', 'half-even'];

describe('integers', () => {
  it('ranges', () => {
    expect(refIntRange(8, true)).toEqual({ min: -128n, max: 127n });
    expect(refIntRange(8, false)).toEqual({ min: 0n, max: 255n });
    expect(refIntRange(2, true)).toEqual({ min: -2n, max: 1n });
    expect(refIntRange(32, true)).toEqual({ min: -2147483648n, max: 2147483647n });
    expect(refIntRange(64, false)).toEqual({ min: 0n, max: 18446744073709551615n });
    expect(refIntRange(64, true)).toEqual({ min: -9223372036854775808n, max: 9223372036854775807n });
    expect(() => refIntRange(1, true)).toThrow(RangeError);
    expect(() => refIntRange(65, false)).toThrow(RangeError);
    expect(() => refIntRange(8.5, false)).toThrow(RangeError);
  });

  it('wrap', () => {
    expect(refWrap(128n, 8, true)).toBe(-128n);
    expect(refWrap(-129n, 8, true)).toBe(127n);
    expect(refWrap(-1n, 8, false)).toBe(255n);
    expect(refWrap(256n, 8, false)).toBe(0n);
    expect(refWrap(2n ** 31n, 32, true)).toBe(-(2n ** 31n));
    expect(refWrap(2n ** 64n + 5n, 64, false)).toBe(5n);
    expect(refWrap(2n ** 63n, 64, true)).toBe(-(2n ** 63n));
    expect(refWrap(-5n, 16, true)).toBe(-5n);
    expect(refWrap(0x12345678n, 16, true)).toBe(0x5678n);
  });

  it('saturate', () => {
    expect(refSaturate(200n, 8, true)).toEqual({ value: 127n, saturated: true });
    expect(refSaturate(-200n, 8, true)).toEqual({ value: -128n, saturated: true });
    expect(refSaturate(-1n, 8, false)).toEqual({ value: 0n, saturated: true });
    expect(refSaturate(127n, 8, true)).toEqual({ value: 127n, saturated: false });
    expect(refSaturate(2n ** 70n, 64, false)).toEqual({ value: 2n ** 64n - 1n, saturated: true });
  });
});

describe('stochastic hash', () => {
  it('FNV-1a 64 standard test vectors', () => {
    expect(refStreamId('')).toBe(0xcbf29ce484222325n);
    expect(refStreamId('a')).toBe(0xaf63dc4c8601ec8cn);
    expect(refStreamId('foobar')).toBe(0x85944171f73967e8n);
    // UTF-8 bytes, not UTF-16 code units (value from an independent Python computation).
    expect(refStreamId('héllo')).toBe(0xa35ff71f960240e0n);
    expect(refStreamId('conv1/acc->out')).toBe(0xab0931aee72f0fadn);
  });

  it('splitmix64: stream k with seed 0, counter 0 gives the k-th output of splitmix64 seeded with 0', () => {
    expect(refStochasticBits({ seed: 0n, stream: 1n, counter: 0n })).toBe(0xe220a8397b1dcdafn);
    expect(refStochasticBits({ seed: 0n, stream: 2n, counter: 0n })).toBe(0x6e789e6aa1b965f4n);
    expect(refStochasticBits({ seed: 0n, stream: 3n, counter: 0n })).toBe(0x06c45d188009454fn);
  });

  it('mixes seed, stream and counter (values from an independent Python computation)', () => {
    const stream = refStreamId('conv1/acc->out');
    expect(refStochasticBits({ seed: 42n, stream, counter: 7n })).toBe(0x00ee929385285219n);
    const m = 2n ** 64n - 1n;
    expect(refStochasticBits({ seed: m, stream: m, counter: m })).toBe(0x6a5ca13be3a3489en);
    expect(refStochasticBits({ seed: 123456789n, stream: 0n, counter: 1000n })).toBe(0x9fa8820df5cea66cn);
  });

  it('rejects values outside unsigned 64 bits', () => {
    expect(() => refStochasticBits({ seed: -1n, stream: 0n, counter: 0n })).toThrow(RangeError);
    expect(() => refStochasticBits({ seed: 0n, stream: 2n ** 64n, counter: 0n })).toThrow(RangeError);
  });
});

describe('rounding: integer shift', () => {
  // [x, shift, floor, trunc, half-up, half-away, half-even]
  const table: Array<[bigint, number, bigint, bigint, bigint, bigint, bigint]> = [
    [-5n, 1, -3n, -2n, -2n, -3n, -2n], // -2.5
    [5n, 1, 2n, 2n, 3n, 3n, 2n], // 2.5
    [-3n, 1, -2n, -1n, -1n, -2n, -2n], // -1.5
    [3n, 1, 1n, 1n, 2n, 2n, 2n], // 1.5
    [-1n, 1, -1n, 0n, 0n, -1n, 0n], // -0.5
    [1n, 1, 0n, 0n, 1n, 1n, 0n], // 0.5
    [-7n, 2, -2n, -1n, -2n, -2n, -2n], // -1.75
    [6n, 2, 1n, 1n, 2n, 2n, 2n], // 1.5
    [-6n, 2, -2n, -1n, -1n, -2n, -2n], // -1.5
    [9n, 2, 2n, 2n, 2n, 2n, 2n], // 2.25
    [-9n, 2, -3n, -2n, -2n, -2n, -2n], // -2.25
    [-(2n ** 63n), 63, -1n, -1n, -1n, -1n, -1n],
    [2n ** 62n, 63, 0n, 0n, 1n, 1n, 0n], // 0.5
  ];
  it('matches the hand-computed table', () => {
    for (const [x, n, ...want] of table) {
      MODES.forEach((mode, i) => {
        expect(refRoundShiftRight(x, n, mode), `${x} >> ${n} ${mode}`).toBe(want[i]);
        expect(refRoundDivide(x, 2n ** BigInt(n), mode), `${x} / 2^${n} ${mode}`).toBe(want[i]);
      });
    }
  });

  it('shift 0 is the identity in every mode, including stochastic', () => {
    for (const x of [-5n, 0n, 7n, 2n ** 40n]) {
      for (const mode of MODES) expect(refRoundShiftRight(x, 0, mode)).toBe(x);
      expect(refRoundShiftRight(x, 0, 'stochastic', { seed: 1n, stream: 2n, counter: 3n })).toBe(x);
    }
  });

  it('agrees with closed forms on a grid', () => {
    for (let n = 1; n <= 5; n++) {
      const d = 2n ** BigInt(n);
      for (let xi = -80; xi <= 80; xi++) {
        const x = BigInt(xi);
        const ax = x < 0n ? -x : x;
        const sgn = x < 0n ? -1n : 1n;
        // floor via truncation fix-up
        const fl = x >= 0n ? x / d : -((-x + d - 1n) / d);
        expect(refRoundShiftRight(x, n, 'floor')).toBe(fl);
        expect(refRoundShiftRight(x, n, 'trunc')).toBe(sgn * (ax / d));
        const hu2 = 2n * x + d; // floor((2x + d) / 2d)
        expect(refRoundShiftRight(x, n, 'half-up')).toBe(hu2 >= 0n ? hu2 / (2n * d) : -((-hu2 + 2n * d - 1n) / (2n * d)));
        expect(refRoundShiftRight(x, n, 'half-away')).toBe(sgn * ((2n * ax + d) / (2n * d)));
      }
    }
  });

  it('rejects bad shifts and a missing stochastic context', () => {
    expect(() => refRoundShiftRight(1n, -1, 'floor')).toThrow(RangeError);
    expect(() => refRoundShiftRight(1n, 64, 'floor')).toThrow(RangeError);
    expect(() => refRoundShiftRight(1n, 3, 'stochastic')).toThrow();
    expect(() => refRoundDivide(1n, 3n, 'stochastic')).toThrow();
    expect(() => refRoundFloat(1.5, 'stochastic')).toThrow();
  });

  it('stochastic: u = top `shift` bits of z, round up iff u < r', () => {
    // z = 0xe220a8397b1dcdaf: top 4 bits = 14.
    const ctx = { seed: 0n, stream: 1n, counter: 0n };
    expect(refRoundShiftRight(17n, 4, 'stochastic', ctx)).toBe(1n); // r = 1
    expect(refRoundShiftRight(30n, 4, 'stochastic', ctx)).toBe(1n); // r = 14, 14 < 14 false
    expect(refRoundShiftRight(31n, 4, 'stochastic', ctx)).toBe(2n); // r = 15
    expect(refRoundShiftRight(-1n, 4, 'stochastic', ctx)).toBe(0n); // q = -1, r = 15
    expect(refRoundShiftRight(32n, 4, 'stochastic', ctx)).toBe(2n); // exact
    // z = 0x00ee929385285219: top bits 0 -> any non-zero remainder rounds up.
    const ctx2 = { seed: 42n, stream: refStreamId('conv1/acc->out'), counter: 7n };
    expect(refRoundShiftRight(17n, 4, 'stochastic', ctx2)).toBe(2n);
    expect(refRoundShiftRight(16n, 4, 'stochastic', ctx2)).toBe(1n);
  });

  it('stochastic: the general divisor rule equals the shift rule for powers of two', () => {
    for (let c = 0n; c < 40n; c++) {
      const ctx = { seed: 99n, stream: 5n, counter: c };
      for (const n of [1, 3, 7, 13]) {
        for (const x of [-1000n, -77n, -1n, 1n, 5n, 12345n]) {
          expect(refRoundDivide(x, 2n ** BigInt(n), 'stochastic', ctx)).toBe(refRoundShiftRight(x, n, 'stochastic', ctx));
        }
      }
    }
  });

  it('stochastic: the mean over counters approaches the exact quotient', () => {
    const x = 37n; // 37/16 = 2.3125
    let sum = 0n;
    const N = 4000;
    for (let c = 0; c < N; c++) sum += refRoundShiftRight(x, 4, 'stochastic', { seed: 7n, stream: 11n, counter: BigInt(c) });
    const mean = Number(sum) / N;
    expect(Math.abs(mean - 2.3125)).toBeLessThan(0.03);
  });
});

describe('rounding: general divisor', () => {
  it('divisor 3 and 5', () => {
    // 7/3 = 2.33, -7/3 = -2.33, 3/2 ties are impossible for odd d; use d = 6 for ties.
    expect(refRoundDivide(7n, 3n, 'floor')).toBe(2n);
    expect(refRoundDivide(-7n, 3n, 'floor')).toBe(-3n);
    expect(refRoundDivide(-7n, 3n, 'trunc')).toBe(-2n);
    expect(refRoundDivide(8n, 3n, 'half-up')).toBe(3n);
    expect(refRoundDivide(-8n, 3n, 'half-up')).toBe(-3n);
    expect(refRoundDivide(9n, 6n, 'half-up')).toBe(2n); // 1.5
    expect(refRoundDivide(-9n, 6n, 'half-up')).toBe(-1n);
    expect(refRoundDivide(-9n, 6n, 'half-away')).toBe(-2n);
    expect(refRoundDivide(-15n, 6n, 'half-even')).toBe(-2n); // -2.5
    expect(refRoundDivide(-9n, 6n, 'half-even')).toBe(-2n); // -1.5
    expect(refRoundDivide(12n, 5n, 'half-even')).toBe(2n);
    expect(refRoundDivide(13n, 5n, 'half-even')).toBe(3n);
    expect(refRoundDivide(5n, 1n, 'half-up')).toBe(5n);
    expect(() => refRoundDivide(5n, 0n, 'floor')).toThrow(RangeError);
  });

  it('stochastic: u = floor(z * d / 2^64)', () => {
    // z / 2^64 = 0.8833..., so with d = 3, u = 2; r = 2 is not rounded up.
    const ctx = { seed: 0n, stream: 1n, counter: 0n };
    expect(refRoundDivide(5n, 3n, 'stochastic', ctx)).toBe(1n);
    // d = 9: u = floor(7.95) = 7; r = 8 rounds up, r = 7 does not.
    expect(refRoundDivide(17n, 9n, 'stochastic', ctx)).toBe(2n);
    expect(refRoundDivide(16n, 9n, 'stochastic', ctx)).toBe(1n);
  });
});

describe('rounding: float', () => {
  // [v, floor, trunc, half-up, half-away, half-even]
  const table: Array<[number, bigint, bigint, bigint, bigint, bigint]> = [
    [2.5, 2n, 2n, 3n, 3n, 2n],
    [3.5, 3n, 3n, 4n, 4n, 4n],
    [-2.5, -3n, -2n, -2n, -3n, -2n],
    [-0.5, -1n, 0n, 0n, -1n, 0n],
    [0.5, 0n, 0n, 1n, 1n, 0n],
    [-0.49999999999999994, -1n, 0n, 0n, 0n, 0n],
    [0.49999999999999994, 0n, 0n, 0n, 0n, 0n],
    [-1.75, -2n, -1n, -2n, -2n, -2n],
    [-0, 0n, 0n, 0n, 0n, 0n],
    [4503599627370497, 4503599627370497n, 4503599627370497n, 4503599627370497n, 4503599627370497n, 4503599627370497n],
    [4503599627370495.5, 4503599627370495n, 4503599627370495n, 4503599627370496n, 4503599627370496n, 4503599627370496n],
    [1e20, 100000000000000000000n, 100000000000000000000n, 100000000000000000000n, 100000000000000000000n, 100000000000000000000n],
    [5e-324, 0n, 0n, 0n, 0n, 0n],
    [-5e-324, -1n, 0n, 0n, 0n, 0n],
  ];
  it('matches the hand-computed table', () => {
    for (const [v, ...want] of table) {
      MODES.forEach((mode, i) => expect(refRoundFloat(v, mode), `${v} ${mode}`).toBe(want[i]));
    }
  });

  it('rejects NaN and infinities', () => {
    expect(() => refRoundFloat(NaN, 'floor')).toThrow(RangeError);
    expect(() => refRoundFloat(Infinity, 'half-even')).toThrow(RangeError);
    expect(() => refRoundFloat(-Infinity, 'trunc')).toThrow(RangeError);
  });

  it('stochastic: round up iff (z >> 11) * 2^-53 < frac(v)', () => {
    // (z >> 11) * 2^-53 = 0.88331080821364...
    const ctx = { seed: 0n, stream: 1n, counter: 0n };
    expect(refRoundFloat(2.9, 'stochastic', ctx)).toBe(3n);
    expect(refRoundFloat(2.85, 'stochastic', ctx)).toBe(2n);
    expect(refRoundFloat(-2.1, 'stochastic', ctx)).toBe(-2n); // frac 0.9
    expect(refRoundFloat(-2.2, 'stochastic', ctx)).toBe(-3n); // frac 0.8
    expect(refRoundFloat(7, 'stochastic', ctx)).toBe(7n);
  });
});
