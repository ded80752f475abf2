/**
 * onnxruntime's windowed QLinearAveragePool and QLinearConcat in the engine (src/kernels/ort/)
 * equal the independent reference (test/oracles/layers/ortVector.ts) bit for bit, over random
 * windows, paddings, scales, zero points and activations, int8 and uint8. onnxruntime itself is
 * compared in test/importers/onnx/.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PoolGeometry } from '../../src/graph/geometry.js';
import { avgPoolOrtWindowed } from '../../src/kernels/ort/averagePool.js';
import { concatRescaleOrt } from '../../src/kernels/ort/concat.js';
import { clipCounter } from '../../src/kernels/vector.js';
import { refAvgPoolOrtWindowed, refConcatInputOrt } from '../oracles/layers/ortVector.js';
import type { RefVectorOutput } from '../oracles/layers/vector.js';
import { checkProperty, expectEqual } from '../support/property.js';

const CASES = 1000;
const scale = fc.float({ min: Math.fround(1e-4), max: Math.fround(2), noNaN: true, noDefaultInfinity: true }).filter((value) => value > 0);

const quantized = fc.boolean().chain((signed) => {
  const [min, max] = signed ? [-128, 127] : [0, 255];
  return fc
    .record({
      signed: fc.constant(signed),
      inputZero: fc.integer({ min, max }),
      outputZero: fc.integer({ min, max }),
      activation: fc.constantFrom('none', 'relu', 'clamp'),
    })
    .map((value) => {
      const low = value.activation === 'none' ? -Infinity : value.activation === 'relu' ? value.outputZero : value.outputZero - 7;
      const high = value.activation === 'clamp' ? value.outputZero + 9 : Infinity;
      const reference: RefVectorOutput = { bits: 8, signed, zeroPoint: value.outputZero, activation: { low, high } };
      return { ...value, min, max, low, high, reference, range: { min: Math.max(min, low), max: Math.min(max, high) } };
    });
});

describe('onnxruntime vector ops: engine equals reference', () => {
  it(`windowed QLinearAveragePool (${CASES} cases)`, () => {
    const poolCase = fc
      .record({
        height: fc.integer({ min: 1, max: 7 }),
        width: fc.integer({ min: 1, max: 7 }),
        channels: fc.integer({ min: 1, max: 3 }),
        filter: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
        stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
        pads: fc.tuple(
          fc.integer({ min: 0, max: 2 }),
          fc.integer({ min: 0, max: 2 }),
          fc.integer({ min: 0, max: 2 }),
          fc.integer({ min: 0, max: 2 }),
        ),
        scales: fc.tuple(scale, scale),
        q: quantized,
        seed: fc.integer(),
      })
      .filter(
        ({ height, width, filter, pads }) =>
          filter[0] <= height + pads[0] + pads[2] &&
          filter[1] <= width + pads[1] + pads[3] &&
          pads[0] < filter[0] &&
          pads[1] < filter[1] &&
          pads[2] < filter[0] &&
          pads[3] < filter[1],
      );
    checkProperty(
      'ort.avgPoolWindowed',
      poolCase,
      ({ height, width, channels, filter, stride, pads, scales: [sIn, sOut], q, seed }) => {
        const outHeight = Math.floor((height + pads[0] + pads[2] - filter[0]) / stride[0]) + 1;
        const outWidth = Math.floor((width + pads[1] + pads[3] - filter[1]) / stride[1]) + 1;
        let state = seed >>> 0;
        const input = Array.from({ length: height * width * channels }, () => {
          state = (Math.imul(state, 1103515245) + 12345) >>> 0;
          return q.min + (state % (q.max - q.min + 1));
        });
        const g: PoolGeometry = {
          batch: 1,
          inHeight: height,
          inWidth: width,
          channels,
          outHeight,
          outWidth,
          filterHeight: filter[0],
          filterWidth: filter[1],
          strideHeight: stride[0],
          strideWidth: stride[1],
          padTop: pads[0],
          padLeft: pads[1],
        };
        const counter = clipCounter({ min: q.min, max: q.max }, { low: q.low, high: q.high });
        const actual = avgPoolOrtWindowed(g, Int32Array.from(input), sIn, q.inputZero, sOut, q.outputZero, q.range, counter);
        const expected = refAvgPoolOrtWindowed(
          { batch: 1, height, width, channels, filter, stride, padTop: pads[0], padLeft: pads[1], outHeight, outWidth },
          input,
          sIn,
          q.inputZero,
          sOut,
          q.reference,
        );
        expectEqual(Array.from(actual), expected.output);
        expectEqual([counter.clipped, counter.firstClipped], [expected.clipped, expected.firstClipped]);
      },
      CASES,
    );
  });

  it(`QLinearConcat's rescaling of an input (${CASES} cases)`, () => {
    const concatCase = fc.record({
      scales: fc.tuple(scale, scale),
      same: fc.boolean(),
      q: quantized,
      values: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 40 }),
    });
    checkProperty(
      'ort.concatRescale',
      concatCase,
      ({ scales: [sIn, sOutDrawn], same, q, values }) => {
        const sOut = same ? sIn : sOutDrawn;
        const inputZero = same ? q.outputZero : q.inputZero;
        const input = values.map((value) => (q.signed ? value - 128 : value));
        const rescale = concatRescaleOrt(
          { scale: sIn, zeroPoint: inputZero },
          { scale: sOut, zeroPoint: q.outputZero, min: q.min, max: q.max },
        );
        const actual = input.map((x) => (rescale === undefined ? x : rescale.value(x)));
        const clipped = input.filter((x) => rescale?.clipped(x) ?? false).length;
        const expected = refConcatInputOrt(input, sIn, inputZero, sOut, { ...q.reference, activation: { low: -Infinity, high: Infinity } });
        expectEqual(actual, expected.output);
        expectEqual(clipped, expected.clipped);
      },
      CASES,
    );
  });
});
