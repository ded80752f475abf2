// Fixed examples (including numerics.md's worked examples) for the gemmlowp, TFLite, CMSIS-NN, HVX and
// onnxruntime reference models, plus the exact float32 emulation.

import { describe, it, expect } from 'vitest';
import {
  refSrdhm,
  refRdbpot,
  refSrmbpot,
  refMbqmDouble,
  refMbqmSingle,
  refMbqmSmallerThanOneExp,
  refMbqmGreaterThanOne,
  refMbqm64,
  refQuantizeMultiplier,
  refCmsisRequantize,
  refDoublingHighMult,
  refDoublingHighMultNoSat,
  refDivideByPowerOfTwo,
  refRequantizeS64,
  refVasrNarrow,
  refVrmpyAcc,
  refOrtRequantFloat,
  refOrtQuantizeLinear,
  refFloat32,
} from './index.js';

const I32_MIN = -(2n ** 31n);
const I32_MAX = 2n ** 31n - 1n;
const HALF = 2n ** 30n; // 0.5 in Q31

describe('gemmlowp', () => {
  it('SRDHM rounds half up, saturates only at min*min', () => {
    expect(refSrdhm(-1n, HALF, 32)).toBe(0n); // -0.5
    expect(refSrdhm(-3n, HALF, 32)).toBe(-1n); // -1.5
    expect(refSrdhm(3n, HALF, 32)).toBe(2n); // 1.5
    expect(refSrdhm(I32_MIN, I32_MIN, 32)).toBe(I32_MAX);
    expect(refSrdhm(I32_MIN, -I32_MAX, 32)).toBe(I32_MAX);
    expect(refSrdhm(I32_MIN, -HALF, 32)).toBe(HALF);
    expect(refSrdhm(-32768n, -32768n, 16)).toBe(32767n);
    expect(refSrdhm(-3n, 16384n, 16)).toBe(-1n);
    expect(refSrdhm(100n, 100n, 16)).toBe(0n); // 10000/32768 = 0.305
    expect(() => refSrdhm(2n ** 31n, 1n, 32)).toThrow(RangeError);
  });

  it('RDBPOT rounds half away from zero', () => {
    expect(refRdbpot(-5n, 1, 32)).toBe(-3n);
    expect(refRdbpot(5n, 1, 32)).toBe(3n);
    expect(refRdbpot(-3n, 1, 32)).toBe(-2n);
    expect(refRdbpot(-7n, 0, 32)).toBe(-7n);
    expect(refRdbpot(I32_MIN, 31, 32)).toBe(-1n);
    expect(refRdbpot(-HALF, 31, 32)).toBe(-1n); // -0.5
    expect(refRdbpot(HALF - 1n, 31, 32)).toBe(0n);
    expect(refRdbpot(-16384n, 15, 16)).toBe(-1n);
    expect(() => refRdbpot(1n, 32, 32)).toThrow(RangeError);
    expect(() => refRdbpot(1n, 16, 16)).toThrow(RangeError);
  });

  it('SRMBPOT', () => {
    expect(refSrmbpot(HALF, 1, 32)).toBe(I32_MAX);
    expect(refSrmbpot(-HALF, 1, 32)).toBe(I32_MIN);
    expect(refSrmbpot(-HALF - 1n, 1, 32)).toBe(I32_MIN);
    expect(refSrmbpot(3n, 30, 32)).toBe(I32_MAX);
    expect(refSrmbpot(1n, 30, 32)).toBe(HALF);
    expect(refSrmbpot(-5n, -1, 32)).toBe(-3n);
    expect(refSrmbpot(42n, 0, 32)).toBe(42n);
    expect(refSrmbpot(-2n, 15, 16)).toBe(-32768n);
    expect(refSrmbpot(1n, 15, 16)).toBe(32767n);
    expect(refSrmbpot(-32768n, -15, 16)).toBe(-1n);
  });
});

describe('TFLite', () => {
  it("numerics.md's double vs single rounding examples", () => {
    expect(refMbqmDouble(5n, HALF, -1)).toBe(2n);
    expect(refMbqmSingle(5n, HALF, -1)).toBe(1n);
    expect(refMbqmDouble(-2n, HALF, -1)).toBe(-1n);
    expect(refMbqmSingle(-2n, HALF, -1)).toBe(0n);
    expect(refMbqmDouble(3n, HALF, -2)).toBe(1n);
    expect(refMbqmSingle(3n, HALF, -2)).toBe(0n);
  });

  it('positive shifts and the helpers', () => {
    expect(refMbqmDouble(3n, HALF, 2)).toBe(6n);
    expect(refMbqmSingle(3n, HALF, 2)).toBe(6n);
    expect(refMbqmDouble(-1n, I32_MAX, 0)).toBe(-1n); // -0.99999999953 -> -1
    expect(refMbqmSingle(1000n, 0n, 0)).toBe(0n);
    expect(refMbqmSmallerThanOneExp(5n, HALF, -1)).toBe(2n);
    expect(refMbqmSmallerThanOneExp(-2n, HALF, -1)).toBe(-1n);
    expect(refMbqmGreaterThanOne(3n, HALF, 2)).toBe(6n);
    expect(refMbqmGreaterThanOne(-3n, HALF, 0)).toBe(-1n); // -1.5 half-up
    expect(() => refMbqmDouble(2n ** 30n, HALF, 1)).toThrow(RangeError); // x*2^ls leaves int32 (contract)
    expect(() => refMbqmSingle(1n, HALF, 31)).toThrow(RangeError);
  });

  it('int64 overload reduces the multiplier to 16 bits', () => {
    expect(refMbqm64(1000n, HALF, 0)).toBe(500n); // rm = 16384
    expect(refMbqm64(-3n, HALF, -1)).toBe(-1n); // -0.75 -> -1
    expect(refMbqm64(-1n, HALF, -1)).toBe(0n); // -0.25
    expect(refMbqm64(-2n, HALF, -1)).toBe(0n); // -0.5 half-up
    expect(refMbqm64(32767n, 0x7fff0000n, 0)).toBe(32766n); // rm = 0x7FFF: 32767*32767/32768 = 32766.00003
    expect(refMbqm64(32768n, 0x7ffeffffn, 0)).toBe(32767n); // rm = 0x7FFF
    expect(refMbqm64(2n ** 47n - 1n, 1n, -31)).toBe(0n); // rm = 0
    expect(refMbqm64(-(2n ** 47n), 2n ** 16n, -31)).toBe(-2n); // rm = 1
  });

  it('QuantizeMultiplier', () => {
    expect(refQuantizeMultiplier(0, 'double')).toEqual([0n, 0]);
    expect(refQuantizeMultiplier(-0, 'single')).toEqual([0n, 0]);
    expect(refQuantizeMultiplier(1, 'double')).toEqual([HALF, 1]);
    expect(refQuantizeMultiplier(0.5, 'double')).toEqual([HALF, 0]);
    expect(refQuantizeMultiplier(0.75, 'double')).toEqual([1610612736n, 0]);
    expect(refQuantizeMultiplier(0.25, 'single')).toEqual([HALF, -1]);
    expect(refQuantizeMultiplier(1e300, 'double')).toEqual([1603334688n, 997]);
    expect(refQuantizeMultiplier(1e300, 'single')).toEqual([I32_MAX, 30]);
    expect(refQuantizeMultiplier(2 ** 30, 'double')).toEqual([HALF, 31]);
    expect(refQuantizeMultiplier(2 ** 30, 'single')).toEqual([I32_MAX, 30]);
    expect(refQuantizeMultiplier(2 ** 29, 'single')).toEqual([HALF, 30]);
    // m = 2^31 after rounding -> (2^30, s + 1)
    expect(refQuantizeMultiplier(1 - 2 ** -33, 'double')).toEqual([HALF, 1]);
    // negative: -2^31 stays (only +2^31 is renormalised)
    expect(refQuantizeMultiplier(-(1 - 2 ** -33), 'double')).toEqual([I32_MIN, 0]);
    expect(refQuantizeMultiplier(-0.75, 'double')).toEqual([-1610612736n, 0]);
    // exact tie at q*2^31 = 2^30 + 0.5 -> away from zero
    expect(refQuantizeMultiplier((2 ** 31 + 1) / 2 ** 32, 'double')).toEqual([HALF + 1n, 0]);
    expect(refQuantizeMultiplier(-(2 ** 31 + 1) / 2 ** 32, 'double')).toEqual([-HALF - 1n, 0]);
    // s = -31 is kept, s = -32 flushes to zero
    expect(refQuantizeMultiplier(2 ** -32, 'double')).toEqual([HALF, -31]);
    expect(refQuantizeMultiplier(2 ** -33, 'double')).toEqual([0n, 0]);
    expect(refQuantizeMultiplier(5e-324, 'double')).toEqual([0n, 0]);
    expect(() => refQuantizeMultiplier(NaN, 'double')).toThrow(RangeError);
    expect(() => refQuantizeMultiplier(Infinity, 'single')).toThrow(RangeError);
  });
});

describe('CMSIS-NN', () => {
  it('requantize, both builds, including negative multipliers', () => {
    expect(refCmsisRequantize(5n, HALF, -1, 'double')).toBe(2n);
    expect(refCmsisRequantize(5n, HALF, -1, 'single')).toBe(1n);
    expect(refCmsisRequantize(5n, -HALF, -1, 'double')).toBe(-1n); // SRDHM -2.5 -> -2, then -1
    expect(refCmsisRequantize(5n, -HALF, -1, 'single')).toBe(-1n); // -1.25
    expect(refCmsisRequantize(3n, -HALF, -2, 'double')).toBe(0n); // -1.5 -> -1, -0.25 -> 0
    expect(refCmsisRequantize(-1n, HALF, 30, 'double')).toBe(-(2n ** 29n));
  });

  it('doubling high mult and divide by power of two', () => {
    expect(refDoublingHighMult(I32_MIN, I32_MIN)).toBe(I32_MAX);
    expect(refDoublingHighMultNoSat(I32_MIN, I32_MIN)).toBe(I32_MIN);
    expect(refDoublingHighMultNoSat(-3n, HALF)).toBe(-1n);
    expect(refDoublingHighMult(-1n, HALF)).toBe(0n);
    expect(refDivideByPowerOfTwo(-5n, 1)).toBe(-3n);
    expect(refDivideByPowerOfTwo(0n, 3)).toBe(0n);
  });

  it('requantize_s64', () => {
    expect(refRequantizeS64(-(2n ** 47n), 1n, -31)).toBe(-2n);
    expect(refRequantizeS64(-3n, 16384n, -1)).toBe(-1n);
    expect(refRequantizeS64(-2n, 16384n, -1)).toBe(0n);
    expect(refRequantizeS64(5n, -16384n, 0)).toBe(-2n); // -2.5 half-up
  });
});

describe('HVX', () => {
  const rs = { round: true, saturate: true };
  it('vasr :rnd:sat rounds half up', () => {
    expect(refVasrNarrow(-3n, 1n, 'w', 'h', rs)).toBe(-1n);
    expect(refVasrNarrow(3n, 1n, 'w', 'h', rs)).toBe(2n);
    expect(refVasrNarrow(-1n, 15n, 'w', 'h', rs)).toBe(0n);
    expect(refVasrNarrow(-3n, 7n, 'w', 'h', rs)).toBe(0n);
    expect(refVasrNarrow(I32_MIN, 255n, 'w', 'h', rs)).toBe(-32768n);
    expect(refVasrNarrow(2n ** 30n, -1n, 'w', 'h', rs)).toBe(32767n); // n = 15: 32768.5 -> sat
    expect(refVasrNarrow(-5n, 16n, 'w', 'h', rs)).toBe(-5n); // n = 0
    expect(refVasrNarrow(-100n, 2n, 'w', 'uh', rs)).toBe(0n);
    expect(refVasrNarrow(2n ** 32n - 1n, 0n, 'uw', 'uh', rs)).toBe(65535n);
    expect(refVasrNarrow(1000n, 2n, 'h', 'b', rs)).toBe(127n);
    expect(refVasrNarrow(-5n, 9n, 'h', 'b', rs)).toBe(-2n); // n = 1: -2.5 -> -2
    expect(refVasrNarrow(-5n, 9n, 'h', 'ub', rs)).toBe(0n);
    expect(refVasrNarrow(65535n, -1n, 'uh', 'ub', rs)).toBe(255n); // n = 7: 512 -> sat
    expect(refVasrNarrow(255n, 1n, 'uh', 'ub', rs)).toBe(128n);
  });

  it('vasr without :rnd floors, without :sat wraps', () => {
    expect(refVasrNarrow(-3n, 1n, 'w', 'h', { round: false, saturate: true })).toBe(-2n);
    expect(refVasrNarrow(0x12345678n, 0n, 'w', 'h', { round: false, saturate: false })).toBe(0x5678n);
    expect(refVasrNarrow(0x18000n, 0n, 'w', 'h', { round: false, saturate: false })).toBe(-32768n);
    expect(refVasrNarrow(0x1ffffn, 1n, 'w', 'h', { round: true, saturate: false })).toBe(0n); // 65536 wraps to 0
  });

  it('vrmpy accumulates with 32-bit wrap', () => {
    expect(refVrmpyAcc(0n, [-128n, -128n, -128n, -128n], [-128n, -128n, -128n, -128n], 'bv')).toBe(65536n);
    expect(refVrmpyAcc(I32_MAX, [1n, 0n, 0n, 0n], [1n, 0n, 0n, 0n], 'bv')).toBe(I32_MIN);
    expect(refVrmpyAcc(0n, [255n, 255n, 255n, 255n], [-128n, -128n, -128n, -128n], 'busv')).toBe(-130560n);
    expect(refVrmpyAcc(I32_MIN, [255n, 0n, 0n, 0n], [-1n, 0n, 0n, 0n], 'busv')).toBe(I32_MAX - 254n);
    expect(refVrmpyAcc(2n ** 32n - 1n, [1n, 0n, 0n, 0n], [1n, 0n, 0n, 0n], 'ubv')).toBe(0n);
    expect(refVrmpyAcc(5n, [1n, 2n, 3n, 4n], [5n, 6n, 7n, 8n], 'ubv')).toBe(75n);
    expect(() => refVrmpyAcc(0n, [255n, 0n, 0n, 0n], [0n, 0n, 0n, 0n], 'bv')).toThrow(RangeError);
    expect(() => refVrmpyAcc(0n, [0n, 0n, 0n], [0n, 0n, 0n, 0n], 'ubv')).toThrow(RangeError);
  });
});

/** Deterministic 64-bit LCG for random bit patterns (test-only). */
function* lcg(seed: bigint): Generator<bigint> {
  let s = seed;
  for (;;) {
    s = (s * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n;
    yield s;
  }
}

function bitsToDouble(b: bigint): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setBigUint64(0, b);
  return v.getFloat64(0);
}

describe('exact float32 emulation', () => {
  it('edge cases', () => {
    expect(refFloat32(16777217)).toBe(16777216);
    expect(refFloat32(16777219)).toBe(16777220); // tie to even
    expect(refFloat32(0.1)).toBe(0.10000000149011612);
    expect(refFloat32(2 ** -149)).toBe(2 ** -149);
    expect(refFloat32(2 ** -150)).toBe(0); // tie to even (zero)
    expect(refFloat32(2 ** -150 * 1.5)).toBe(2 ** -149);
    expect(refFloat32(3 * 2 ** -150)).toBe(2 ** -148); // tie between 1 and 2 quanta -> 2
    expect(refFloat32(3.4028234663852886e38)).toBe(3.4028234663852886e38);
    expect(refFloat32(2 ** 128 - 2 ** 103)).toBe(Infinity); // halfway to 2^128 -> inf
    expect(refFloat32(2 ** 128 - 2 ** 103 - 2 ** 80)).toBe(3.4028234663852886e38);
    expect(refFloat32(-1e39)).toBe(-Infinity);
    expect(refFloat32(Infinity)).toBe(Infinity);
    expect(() => refFloat32(NaN)).toThrow(RangeError);
  });

  it('agrees with Math.fround (used here only as a test oracle) on random doubles', () => {
    const g = lcg(20261122n);
    let checked = 0;
    for (let i = 0; i < 20000; i++) {
      const raw = g.next().value as bigint;
      // Half the cases: exponent pushed into the float32 range (incl. subnormals and overflow).
      let bits = raw;
      if (i % 2 === 0) {
        const sign = (raw >> 63n) & 1n;
        const exp = 1023n - 155n + ((raw >> 52n) % 290n);
        bits = (sign << 63n) | (exp << 52n) | (raw & (2n ** 52n - 1n));
      }
      const v = bitsToDouble(bits);
      if (Number.isNaN(v)) continue;
      expect(Object.is(refFloat32(v), Math.fround(v)) || refFloat32(v) === Math.fround(v), `${v}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(19000);
  });
});

describe('onnxruntime', () => {
  it('requant rounds half to even after the float32 product', () => {
    expect(refOrtRequantFloat(5n, 0.5, 0n, 'int8')).toBe(2n); // 2.5
    expect(refOrtRequantFloat(7n, 0.5, 0n, 'int8')).toBe(4n); // 3.5
    expect(refOrtRequantFloat(-5n, 0.5, 0n, 'int8')).toBe(-2n);
    // fl32(25 * fl32(0.1)) = 2.5 exactly, so it rounds to 2 (the exact product 2.50000004 would give 3).
    expect(refOrtRequantFloat(25n, 0.10000000149011612, 0n, 'int8')).toBe(2n);
    expect(refOrtRequantFloat(1000n, 1, 0n, 'int8')).toBe(127n);
    expect(refOrtRequantFloat(-1000n, 1, 10n, 'uint8')).toBe(0n);
    expect(refOrtRequantFloat(100n, 1, 200n, 'uint8')).toBe(255n);
    expect(refOrtRequantFloat(3n, 1, -128n, 'int8')).toBe(-125n);
    // fl32(16777217) = 16777216; then * 2^-24 = 1.
    expect(refOrtRequantFloat(16777217n, 2 ** -24, 0n, 'int8')).toBe(1n);
    // overflow to +inf in float32 saturates
    expect(refOrtRequantFloat(2n, 3.4028234663852886e38, 0n, 'uint8')).toBe(255n);
    expect(refOrtRequantFloat(-2n, 3.4028234663852886e38, 0n, 'int8')).toBe(-128n);
    expect(() => refOrtRequantFloat(1n, 0.1, 0n, 'int8')).toThrow(RangeError); // not a float32 value
  });

  it('QuantizeLinear divides, rounds half to even, saturates infinities', () => {
    expect(refOrtQuantizeLinear(2.5, 1, 0n, 'int8')).toBe(2n);
    expect(refOrtQuantizeLinear(3.5, 1, 0n, 'int8')).toBe(4n);
    expect(refOrtQuantizeLinear(-2.5, 1, 0n, 'int8')).toBe(-2n);
    expect(refOrtQuantizeLinear(-0.5, 1, 0n, 'int8')).toBe(0n);
    expect(refOrtQuantizeLinear(5, 2, 0n, 'int8')).toBe(2n);
    expect(refOrtQuantizeLinear(1, 3, 0n, 'uint8')).toBe(0n);
    expect(refOrtQuantizeLinear(2, 3, 0n, 'uint8')).toBe(1n); // 0.6667
    expect(refOrtQuantizeLinear(Infinity, 3, 255n, 'uint8')).toBe(255n);
    expect(refOrtQuantizeLinear(-Infinity, 3, 128n, 'uint8')).toBe(0n);
    expect(refOrtQuantizeLinear(-Infinity, 0.5, 0n, 'int8')).toBe(-128n);
    expect(refOrtQuantizeLinear(2 ** 100, 2 ** -126, 0n, 'int8')).toBe(127n); // fl32 overflow -> inf -> saturate
    expect(refOrtQuantizeLinear(2 ** -149, 0.5, 0n, 'int8')).toBe(0n);
    expect(() => refOrtQuantizeLinear(1, 0, 0n, 'int8')).toThrow(RangeError);
    expect(() => refOrtQuantizeLinear(NaN, 1, 0n, 'int8')).toThrow(RangeError);
  });
});
