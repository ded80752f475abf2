/**
 * The ops TFLite models bring in equal the independent reference (test/oracles/layers/tflite.ts)
 * bit for bit: softmax and mean through their kernels, quantize and transpose through a one-op graph
 * run by the engine, in both TFLite builds; and the 16x8 requantization step against the reference
 * int64 MultiplyByQuantizedMultiplier and arm_nn_requantize_s64.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GraphFile } from '../../src/formats/graphSchema.js';
import { resolveGraph } from '../../src/formats/loadGraph.js';
import { loadHardwareFile } from '../../src/formats/loadHardware.js';
import { clipCounter } from '../../src/kernels/vector.js';
import { meanParams, meanTflite } from '../../src/kernels/mean.js';
import { softmaxInt8, softmaxParams } from '../../src/kernels/softmax.js';
import { quantizeMultiplier, scaleAccumulator } from '../../src/numeric/index.js';
import { simulate } from '../../src/pipeline/index.js';
import { refMean, refRequantize, refSoftmaxInt8, refTranspose } from '../oracles/layers/tflite.js';
import { refRequantizeS64 } from '../oracles/numeric/cmsisnn.js';
import { refMbqm64 } from '../oracles/numeric/tflite.js';
import { checkProperty, edgyInteger, expectBe, expectEqual } from '../support/property.js';
import { REPO } from '../support/files.js';

const CASES = 1000;
const BUILDS = ['double', 'single'] as const;
const float32 = (min: number, max: number) => fc.double({ min, max, noNaN: true }).map((value) => Math.fround(value));

describe('TFLite ops: engine equals reference', () => {
  it(`softmax (int8, both builds, ${CASES} cases)`, () => {
    const softmaxCase = fc
      .record({
        depth: fc.integer({ min: 1, max: 40 }),
        rows: fc.integer({ min: 1, max: 3 }),
        beta: fc.constantFrom(1, 0.5, 2, Math.fround(0.3)),
        // Past beta * scale = 32 TFLite caps the input multiplier at 2^31 - 1 (left shift 31, diff_min 0).
        scale: fc.oneof(float32(1e-3, 1), float32(1, 100)),
        build: fc.constantFrom(...BUILDS),
        seed: fc.integer(),
      })
      .chain((shape) =>
        fc.record({
          shape: fc.constant(shape),
          values: fc.array(edgyInteger(-128, 127), { minLength: shape.depth * shape.rows, maxLength: shape.depth * shape.rows }),
        }),
      );
    checkProperty(
      'tflite.softmax',
      softmaxCase,
      ({ shape, values }) => {
        const actual = softmaxInt8(Int32Array.from(values), shape.depth, softmaxParams(shape.beta, shape.scale, shape.build));
        expectEqual([...actual], refSoftmaxInt8(values, shape.depth, shape.beta, shape.scale, shape.build));
      },
      CASES,
    );
  });

  it(`mean over axes (both builds, ${CASES} cases)`, () => {
    const meanCase = fc
      .record({
        shape: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
        scales: fc.tuple(float32(1e-3, 1), float32(1e-3, 1)),
        zeroPoints: fc.tuple(edgyInteger(-128, 127), edgyInteger(-128, 127)),
        build: fc.constantFrom(...BUILDS),
      })
      .chain((c) =>
        fc.record({
          c: fc.constant(c),
          axes: fc.subarray(
            c.shape.map((_, axis) => axis),
            { minLength: 1 },
          ),
          values: fc.array(edgyInteger(-128, 127), {
            minLength: c.shape.reduce((a, b) => a * b, 1),
            maxLength: c.shape.reduce((a, b) => a * b, 1),
          }),
        }),
      );
    checkProperty(
      'tflite.mean',
      meanCase,
      ({ c, axes, values }) => {
        const [inputScale, outputScale] = c.scales;
        const [inputZeroPoint, outputZeroPoint] = c.zeroPoints;
        const count = axes.reduce((total, axis) => total * (c.shape[axis] as number), 1);
        const range = { min: -128, max: 127 };
        const actual = meanTflite(
          Int32Array.from(values),
          c.shape,
          axes,
          inputZeroPoint,
          outputZeroPoint,
          meanParams(inputScale, outputScale, count, c.build),
          c.build,
          range,
          clipCounter(range),
        );
        expect([...actual]).toEqual(
          refMean(values, c.shape, axes, { inputScale, inputZeroPoint, outputScale, outputZeroPoint }, range, c.build),
        );
      },
      CASES,
    );
  });

  it(`16x8 requantization: the int64 step of TFLite and CMSIS-NN (${CASES * 10} cases)`, () => {
    const wideCase = fc.record({
      acc: fc.oneof(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: -(2 ** 24), max: 2 ** 24 })),
      real: fc.double({ min: 2 ** -30, max: 100, noNaN: true }),
      mode: fc.constantFrom('tflite-double', 'tflite-single', 'cmsis-nn', 'cmsis-nn-single', 'gemmlowp' as const),
    });
    checkProperty(
      'tflite.requant16x8',
      wideCase,
      ({ acc, real, mode }) => {
        const { multiplier, shift } = quantizeMultiplier(real, mode.endsWith('single') ? 'single' : 'double');
        // Both functions assume a result within int32 (TFLite's contract); outside it they differ by design.
        if (shift > 7 || Math.abs(acc * real) > 2 ** 30) return;
        const actual = scaleAccumulator(acc, { mode, multiplier, shift, wide: true });
        const reduced = multiplier < 0x7fff0000 ? (multiplier + 32768) >> 16 : 0x7fff;
        const expected = mode.startsWith('cmsis')
          ? refRequantizeS64(BigInt(acc), BigInt(reduced), shift)
          : refMbqm64(BigInt(acc), BigInt(multiplier), shift);
        expectBe(actual, Number(expected));
      },
      CASES * 10,
    );
  });
});

describe('TFLite ops through the engine: one-op graphs equal the reference', () => {
  const base = loadHardwareFile(join(REPO, 'configs/edge-npu.json'));

  it(`quantize (int8 to int8 and int16 to int16, ${CASES / 4} cases)`, () => {
    const quantizeCase = fc
      .record({
        bits: fc.constantFrom(8, 16),
        length: fc.integer({ min: 1, max: 30 }),
        scales: fc.tuple(float32(1e-4, 1), float32(1e-4, 1)),
        zeroPoints: fc.tuple(edgyInteger(-128, 127), edgyInteger(-128, 127)),
      })
      .chain((c) =>
        fc.record({
          c: fc.constant(c),
          values: fc.array(edgyInteger(c.bits === 8 ? -128 : -32768, c.bits === 8 ? 127 : 32767), {
            minLength: c.length,
            maxLength: c.length,
          }),
        }),
      );
    checkProperty(
      'tflite.quantize',
      quantizeCase,
      ({ c, values }) => {
        const type = c.bits === 8 ? 's8' : 's16';
        const [inScale, outScale] = c.scales;
        const [inZp, outZp] = c.bits === 8 ? c.zeroPoints : [0, 0];
        const file: GraphFile = {
          name: 'q',
          inputs: ['x'],
          outputs: ['y'],
          tensors: {
            x: { shape: [1, c.length], type, quant: { scale: inScale, zeroPoint: inZp } },
            y: { shape: [1, c.length], type, quant: { scale: outScale, zeroPoint: outZp } },
          },
          ops: [{ name: 'q', op: 'quantize', input: 'x', output: 'y' }],
        };
        const graph = resolveGraph(file, 'quantize.json');
        const range = c.bits === 8 ? { min: -128, max: 127 } : { min: -32768, max: 32767 };
        const result = simulate(graph, base, { inputs: new Map([['x', Int32Array.from(values)]]) });
        expect([...(result.tensors.get('y') ?? [])]).toEqual(
          refRequantize(
            values,
            { inputScale: inScale, inputZeroPoint: inZp, outputScale: outScale, outputZeroPoint: outZp },
            range,
            'double',
          ),
        );
      },
      CASES / 4,
    );
  });

  it(`transpose (any permutation of up to four axes, ${CASES / 4} cases)`, () => {
    const transposeCase = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        perm: fc.shuffledSubarray(
          shape.map((_, axis) => axis),
          { minLength: shape.length, maxLength: shape.length },
        ),
        values: fc.array(edgyInteger(-128, 127), {
          minLength: shape.reduce((a, b) => a * b, 1),
          maxLength: shape.reduce((a, b) => a * b, 1),
        }),
      }),
    );
    checkProperty(
      'tflite.transpose',
      transposeCase,
      ({ shape, perm, values }) => {
        const quant = { scale: 0.5, zeroPoint: 3 };
        const file: GraphFile = {
          name: 't',
          inputs: ['x'],
          outputs: ['y'],
          tensors: { x: { shape, type: 's8', quant }, y: { shape: perm.map((axis) => shape[axis] as number), type: 's8', quant } },
          ops: [{ name: 't', op: 'transpose', input: 'x', output: 'y', perm }],
        };
        const result = simulate(resolveGraph(file, 'transpose.json'), base, { inputs: new Map([['x', Int32Array.from(values)]]) });
        expectEqual([...(result.tensors.get('y') ?? [])], refTranspose(values, shape, perm));
      },
      CASES / 4,
    );
  });
});
