import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HvxNarrowLane, type HvxWideLane, vasrNarrow, vrmpyAccumulate, type VrmpyKind } from '../../../src/numeric/hvx.js';
import { ortOutputRange, ortQuantizeLinear, ortRequantFloat } from '../../../src/numeric/ort.js';
import { refVasrNarrow, refVrmpyAcc } from '../../oracles/numeric/hvx.js';
import { refOrtQuantizeLinear, refOrtRequantFloat } from '../../oracles/numeric/ort.js';
import { CASES_PER_OP, checkProperty, edgyInteger, INT32_RANGE, expectBe } from '../../support/property.js';

const NARROWINGS: ReadonlyArray<[HvxWideLane, HvxNarrowLane]> = [
  ['w', 'h'],
  ['w', 'uh'],
  ['uw', 'uh'],
  ['h', 'b'],
  ['h', 'ub'],
  ['uh', 'ub'],
];
const SOURCE_RANGE: Record<HvxWideLane, [number, number]> = {
  w: INT32_RANGE,
  uw: [0, 2 ** 32 - 1],
  h: [-32768, 32767],
  uh: [0, 65535],
};

/** float32 scales: log-spread, powers of two (exact ties) and the extremes. */
const float32Scale = fc.oneof(
  fc.float({ min: Math.fround(2 ** -30), max: Math.fround(2 ** 10), noNaN: true }),
  fc.integer({ min: -30, max: 4 }).map((e) => 2 ** e),
  fc.constantFrom(Math.fround(1 / 3), Math.fround(0.1), 2 ** -18, 2 ** -126, Math.fround(3.4e38)),
);

describe('HVX lanes: core equals reference', () => {
  it(`vasr narrowing, every lane pair, with and without :rnd and :sat (${CASES_PER_OP} cases)`, () => {
    const arbitrary = fc
      .constantFrom(...NARROWINGS)
      .chain(([from, to]) =>
        fc.tuple(
          fc.constant(from),
          fc.constant(to),
          edgyInteger(...SOURCE_RANGE[from]),
          fc.oneof(edgyInteger(0, 15), edgyInteger(...INT32_RANGE)),
          fc.boolean(),
          fc.boolean(),
        ),
      );
    const runs = checkProperty('vasrNarrow', arbitrary, ([from, to, x, rt, round, saturate]) => {
      expect(vasrNarrow(x, rt, from, to, { round, saturate })).toBe(
        Number(refVasrNarrow(BigInt(x), BigInt(rt), from, to, { round, saturate })),
      );
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });

  it(`vrmpy accumulate, every operand signedness (${CASES_PER_OP} cases)`, () => {
    const arbitrary = fc.constantFrom<VrmpyKind>('bv', 'busv', 'ubv').chain((kind) => {
      const u: [number, number] = kind === 'bv' ? [-128, 127] : [0, 255];
      const v: [number, number] = kind === 'ubv' ? [0, 255] : [-128, 127];
      const acc: [number, number] = kind === 'ubv' ? [0, 2 ** 32 - 1] : INT32_RANGE;
      return fc.tuple(
        fc.constant(kind),
        edgyInteger(...acc),
        fc.array(edgyInteger(...u), { minLength: 4, maxLength: 4 }),
        fc.array(edgyInteger(...v), { minLength: 4, maxLength: 4 }),
      );
    });
    const runs = checkProperty('vrmpy', arbitrary, ([kind, acc, u, v]) => {
      expectBe(vrmpyAccumulate(acc, u, v, kind), Number(refVrmpyAcc(BigInt(acc), u.map(BigInt), v.map(BigInt), kind)));
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });
});

describe('onnxruntime float scale: core equals reference', () => {
  it(`MlasRequantizeOutput, int8 and uint8, accumulators past 2^24 (${CASES_PER_OP} cases)`, () => {
    const arbitrary = fc.constantFrom('int8' as const, 'uint8' as const).chain((type) => {
      const { lo, hi } = ortOutputRange(type);
      return fc.tuple(fc.constant(type), edgyInteger(...INT32_RANGE), float32Scale, edgyInteger(lo, hi));
    });
    const runs = checkProperty('ortRequantFloat', arbitrary, ([type, acc, scale, zp]) => {
      const { lo, hi } = ortOutputRange(type);
      expectBe(ortRequantFloat(acc, scale, zp, lo, hi), Number(refOrtRequantFloat(BigInt(acc), scale, BigInt(zp), type)));
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });

  it(`MlasQuantizeLinear, int8 and uint8, ties and infinities (${CASES_PER_OP} cases)`, () => {
    const x = fc.oneof(
      fc.float({ noNaN: true }).map(Number),
      fc.float({ min: -300, max: 300, noNaN: true }).map(Number),
      fc.integer({ min: -400, max: 400 }).map((k) => k + 0.5),
      fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, 2.5, -2.5, 3.5),
    );
    const arbitrary = fc.constantFrom('int8' as const, 'uint8' as const).chain((type) => {
      const { lo, hi } = ortOutputRange(type);
      return fc.tuple(fc.constant(type), x, float32Scale, edgyInteger(lo, hi));
    });
    const runs = checkProperty('ortQuantizeLinear', arbitrary, ([type, value, scale, zp]) => {
      const { lo, hi } = ortOutputRange(type);
      expectBe(ortQuantizeLinear(value, scale, zp, lo, hi), Number(refOrtQuantizeLinear(value, scale, BigInt(zp), type)));
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });
});
