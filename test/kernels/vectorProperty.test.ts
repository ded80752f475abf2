/**
 * The vector unit's ops equal the independent reference (test/oracles/layers/vector.ts) bit for bit
 * over random tensors, quantizations, activations and the deterministic rounding modes: TFLite's
 * Add in both builds, npusim's hvx and shift-only Add, max pooling, TFLite's and npusim's average
 * pooling. onnxruntime's QLinearAdd and global pooling are checked against onnxruntime's own outputs
 * instead (test/conformance/layerCases.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addHvx,
  addParams,
  addShiftOnly,
  addTflite,
  avgPoolRounded,
  avgPoolTflite,
  clipCounter,
  maxPool,
} from '../../src/kernels/vector.js';
import type { PoolGeometry } from '../../src/graph/geometry.js';
import {
  refAddHvx,
  refAddShiftOnly,
  refAddTflite,
  refAvgPoolRounded,
  refAvgPoolTflite,
  refMaxPool,
  type RefVectorOutput,
} from '../oracles/layers/vector.js';
import { refQuantizeMultiplier } from '../oracles/numeric/tflite.js';
import { checkProperty, edgyInteger, expectEqual } from '../support/property.js';

const CASES = 1000;
const DETERMINISTIC = ['floor', 'trunc', 'half-up', 'half-away', 'half-even'] as const;

const outputType = fc.constantFrom({ bits: 8, signed: true }, { bits: 8, signed: false }, { bits: 4, signed: true });

/** An output spec with a random zero point and activation, and the engine's view of it. */
const outputSpec = outputType.chain((type) => {
  const min = type.signed ? -(2 ** (type.bits - 1)) : 0;
  const max = type.signed ? 2 ** (type.bits - 1) - 1 : 2 ** type.bits - 1;
  return fc
    .record({ zeroPoint: fc.integer({ min, max }), activation: fc.constantFrom('none', 'relu', 'clamp') })
    .map(({ zeroPoint, activation }) => {
      const low = activation === 'none' ? -Infinity : activation === 'relu' ? zeroPoint : zeroPoint - 3;
      const high = activation === 'clamp' ? zeroPoint + 5 : Infinity;
      const reference: RefVectorOutput = { ...type, zeroPoint, activation: { low, high } };
      const range = { min: Math.max(min, low), max: Math.min(max, high) };
      return { reference, range, typeRange: { min, max }, zeroPoint };
    });
});

const int8 = (length: number) => fc.array(edgyInteger(-128, 127), { minLength: length, maxLength: length });
const scale = fc.double({ min: 1e-4, max: 2, noNaN: true });

describe('vector ops: engine equals reference', () => {
  it(`add: tflite (both builds) and hvx (${CASES} cases)`, () => {
    const addCase = fc.integer({ min: 1, max: 24 }).chain((length) =>
      fc.record({
        a: int8(length),
        b: int8(length),
        za: edgyInteger(-128, 127),
        zb: edgyInteger(-128, 127),
        scales: fc.tuple(scale, scale, scale),
        output: outputSpec,
        kind: fc.constantFrom('tflite-double', 'tflite-single', ...DETERMINISTIC.map((rounding) => `hvx:${rounding}`)),
      }),
    );
    checkProperty(
      'vector.add',
      addCase,
      ({ a, b, za, zb, scales: [sa, sb, so], output, kind }) => {
        const build = kind === 'tflite-single' ? 'single' : 'double';
        const params = addParams(sa, sb, so, build);
        // The parameter derivation agrees with the reference's QuantizeMultiplier.
        const twiceMax = 2 * Math.max(sa, sb);
        for (const [step, real] of [
          [params.a, sa / twiceMax],
          [params.b, sb / twiceMax],
          [params.out, twiceMax / (2 ** 20 * so)],
        ] as const) {
          const [multiplier, shift] = refQuantizeMultiplier(real, build);
          expectEqual([step.multiplier, step.shift], [Number(multiplier), shift]);
        }
        const counter = clipCounter(output.typeRange, output.reference.activation);
        const operand = (data: number[], zeroPoint: number, s: number) => ({ data: Int32Array.from(data), scale: s, zeroPoint });
        let expected;
        let actual: Int32Array;
        if (kind.startsWith('hvx:')) {
          const rounding = kind.slice(4) as (typeof DETERMINISTIC)[number];
          actual = addHvx(operand(a, za, sa), operand(b, zb, sb), params, output.zeroPoint, output.range, rounding, counter);
          expected = refAddHvx(a, za, b, zb, params, rounding, output.reference);
        } else {
          actual = addTflite(operand(a, za, sa), operand(b, zb, sb), so, output.zeroPoint, output.range, build, counter);
          expected = refAddTflite(a, za, b, zb, params, build, output.reference);
        }
        expectEqual(Array.from(actual), expected.output);
        expectEqual(
          [counter.clipped, counter.firstClipped, counter.saturated, counter.firstSaturated],
          [expected.clipped, expected.firstClipped, expected.saturated, expected.firstSaturated],
        );
      },
      CASES,
    );
  });

  it(`add: shift-only, any exponents and shift bias (${CASES} cases)`, () => {
    const addCase = fc.integer({ min: 1, max: 24 }).chain((length) =>
      fc.record({
        a: int8(length),
        b: int8(length),
        za: edgyInteger(-128, 127),
        zb: edgyInteger(-128, 127),
        exponents: fc.tuple(fc.integer({ min: -12, max: 4 }), fc.integer({ min: -12, max: 4 }), fc.integer({ min: -12, max: 4 })),
        shiftBias: fc.integer({ min: -3, max: 3 }),
        rounding: fc.constantFrom(...DETERMINISTIC),
        output: outputSpec,
      }),
    );
    checkProperty(
      'vector.addShiftOnly',
      addCase,
      ({ a, b, za, zb, exponents: [ea, eb, eo], shiftBias, rounding, output }) => {
        const counter = clipCounter(output.typeRange, output.reference.activation);
        const actual = addShiftOnly(
          { data: Int32Array.from(a), zeroPoint: za, exponent: ea },
          { data: Int32Array.from(b), zeroPoint: zb, exponent: eb },
          { zeroPoint: output.zeroPoint, exponent: eo },
          shiftBias,
          output.range,
          rounding,
          counter,
        );
        const expected = refAddShiftOnly(a, za, ea, b, zb, eb, eo, shiftBias, rounding, output.reference);
        expectEqual(Array.from(actual), expected.output);
        expectEqual([counter.clipped, counter.firstClipped], [expected.clipped, expected.firstClipped]);
      },
      CASES,
    );
  });

  it(`pooling: max, TFLite average, npusim average (${CASES} cases)`, () => {
    const poolCase = fc
      .record({
        height: fc.integer({ min: 1, max: 6 }),
        width: fc.integer({ min: 1, max: 6 }),
        channels: fc.integer({ min: 1, max: 3 }),
        filter: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
        stride: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
        pad: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
      })
      .filter((s) => s.pad[0] < s.filter[0] && s.pad[1] < s.filter[1])
      .chain((s) => {
        const outHeight = Math.floor((s.height + 2 * s.pad[0] - s.filter[0]) / s.stride[0]) + 1;
        const outWidth = Math.floor((s.width + 2 * s.pad[1] - s.filter[1]) / s.stride[1]) + 1;
        return fc.record({
          shape: fc.constant({ ...s, outHeight, outWidth }),
          input: int8(s.height * s.width * s.channels),
          output: outputSpec,
          kind: fc.constantFrom('max', 'tflite', ...DETERMINISTIC),
        });
      })
      .filter(({ shape }) => shape.outHeight >= 1 && shape.outWidth >= 1);
    checkProperty(
      'vector.pool',
      poolCase,
      ({ shape, input, output, kind }) => {
        // int8 input values, read as the output type's values (pooling keeps the quantization).
        const clamped = input.map((x) => Math.min(Math.max(x, output.typeRange.min), output.typeRange.max));
        const geometry: PoolGeometry = {
          batch: 1,
          inHeight: shape.height,
          inWidth: shape.width,
          channels: shape.channels,
          outHeight: shape.outHeight,
          outWidth: shape.outWidth,
          filterHeight: shape.filter[0],
          filterWidth: shape.filter[1],
          strideHeight: shape.stride[0],
          strideWidth: shape.stride[1],
          padTop: shape.pad[0],
          padLeft: shape.pad[1],
        };
        const reference = {
          height: shape.height,
          width: shape.width,
          channels: shape.channels,
          outHeight: shape.outHeight,
          outWidth: shape.outWidth,
          filter: shape.filter,
          stride: shape.stride,
          padTop: shape.pad[0],
          padLeft: shape.pad[1],
        };
        const counter = clipCounter(output.typeRange, output.reference.activation);
        const data = Int32Array.from(clamped);
        let actual: Int32Array;
        let expected;
        if (kind === 'max') {
          actual = maxPool(geometry, data, output.range, output.typeRange.min, counter);
          expected = refMaxPool(reference, clamped, output.reference);
        } else if (kind === 'tflite') {
          actual = avgPoolTflite(geometry, data, output.range, counter);
          expected = refAvgPoolTflite(reference, clamped, output.reference);
        } else {
          actual = avgPoolRounded(geometry, data, output.zeroPoint, kind, output.range, counter);
          expected = refAvgPoolRounded(reference, clamped, output.zeroPoint, kind, output.reference);
        }
        expectEqual(Array.from(actual), expected.output);
        expectEqual([counter.clipped, counter.firstClipped], [expected.clipped, expected.firstClipped]);
      },
      CASES,
    );
  });
});
