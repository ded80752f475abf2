/**
 * The quantizer's schemes on exact values: activation quantization forms (asymmetric, symmetric,
 * unsigned, dynamic fixed point with an S-DFP bias), calibration methods' ranges, and cross-layer
 * equalization keeping the float function while evening the channel ranges out.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activationRange, zeroPointOf } from '../../src/engine/layerNumerics.js';
import { runFloat } from '../../src/float/index.js';
import { loadHardwareFile } from '../../src/formats/loadHardware.js';
import type { FloatGraph } from '../../src/graph/float.js';
import {
  calibrate,
  calibratedRange,
  calibrationInputs,
  DEFAULT_SCHEME,
  equalizeGraph,
  loadFloatModel,
  loadLabData,
  integerInputs,
  quantizeModel,
} from '../../src/lab/index.js';
import { simulate } from '../../src/pipeline/index.js';
import { REPO } from '../support/files.js';

const float = loadFloatModel('zoo:mnist_cnn');
const calibration = calibrationInputs(loadLabData('mnist', float, 'train'), 20);

function quantized(scheme: Partial<typeof DEFAULT_SCHEME>) {
  return quantizeModel({
    float,
    scheme: { ...DEFAULT_SCHEME, ...scheme },
    calibration,
    modelReference: 'zoo:mnist_cnn',
    sidecarFile: 'memory',
  });
}

function quantOf(scheme: Partial<typeof DEFAULT_SCHEME>, tensor: string) {
  return quantized(scheme).file.tensors[tensor];
}

describe('activation quantization', () => {
  it('the [0, 1] input: asymmetric s8 is 1/255 from -128, unsigned 1/255 from 0, symmetric s8 1/127, DFP 7 fractional bits (+ S-DFP bias)', () => {
    expect(quantOf({}, 'input')).toEqual({ shape: [1, 28, 28, 1], type: 's8', quant: { scale: Math.fround(1 / 255), zeroPoint: -128 } });
    expect(quantOf({ signed: false }, 'input')?.quant).toEqual({ scale: Math.fround(1 / 255), zeroPoint: 0 });
    expect(quantOf({ symmetric: true }, 'input')?.quant).toEqual({ scale: Math.fround(1 / 127), zeroPoint: 0 });
    expect(quantOf({ requant: 'shift-only' }, 'input')?.quant).toEqual({ fractionalBits: 7 });
    expect(quantOf({ requant: 'shift-only', shiftBias: 1 }, 'input')?.quant).toEqual({ fractionalBits: 7, shiftBias: 1 });
    // Pooling keeps its input's quantization; 4-bit weights are s4 with per-channel scales along axis 0.
    expect(quantOf({}, 'pool1')?.quant).toEqual(quantOf({}, 'relu1')?.quant);
    const weights = quantOf({ weightBits: 4 }, 'conv1.weights');
    expect(weights?.type).toBe('s4');
    expect(weights?.quant).toMatchObject({ axis: 0, zeroPoint: 0 });
  });

  it('calibration: percentile and MSE ranges lie inside the min-max range, which holds every value seen', () => {
    const statistics = calibrate(float, calibration).get('relu2');
    if (statistics === undefined) throw new Error('no statistics');
    const identity = () => (value: number) => value;
    const minmax = calibratedRange(statistics, { kind: 'minmax' }, identity);
    expect(minmax).toEqual({ low: 0, high: statistics.max });
    const percentile = calibratedRange(statistics, { kind: 'percentile', percentile: 99 }, identity);
    expect(percentile.high).toBeLessThan(minmax.high);
    expect(percentile.low).toBe(0);
    // With a lossless round trip the least error is at no shrink at all.
    expect(calibratedRange(statistics, { kind: 'mse' }, identity)).toEqual(minmax);
  });
});

describe('cross-layer equalization', () => {
  it('a depthwise -> pointwise pair: the same float outputs, and both channel ranges become sqrt(r1 r2)', () => {
    const tensors = new Map([
      ['x', { name: 'x', shape: [1, 3, 3, 2], data: undefined }],
      [
        'dw.w',
        { name: 'dw.w', shape: [1, 3, 3, 2], data: Float32Array.from({ length: 18 }, (_, k) => (k % 2 === 0 ? 4 : 0.25) * ((k % 5) - 2)) },
      ],
      ['dw.b', { name: 'dw.b', shape: [2], data: Float32Array.from([0.5, -0.25]) }],
      ['d', { name: 'd', shape: [1, 3, 3, 2], data: undefined }],
      ['pw.w', { name: 'pw.w', shape: [3, 1, 1, 2], data: Float32Array.from([0.5, 2, -0.25, 1, 0.125, -4]) }],
      ['pw.b', { name: 'pw.b', shape: [3], data: Float32Array.from([0, 0.1, -0.1]) }],
      ['y', { name: 'y', shape: [1, 3, 3, 3], data: undefined }],
    ]);
    const common = { stride: [1, 1] as const, dilation: [1, 1] as const, padding: 'same' as const };
    const graph: FloatGraph = {
      name: 'pair',
      file: 'memory',
      origin: { kind: 'float' },
      inputs: ['x'],
      outputs: ['y'],
      tensors,
      ops: [
        {
          name: 'dw',
          op: 'depthwise_conv2d',
          input: 'x',
          weights: 'dw.w',
          bias: 'dw.b',
          output: 'd',
          activation: 'relu',
          depthMultiplier: 1,
          ...common,
        },
        { name: 'pw', op: 'conv2d', input: 'd', weights: 'pw.w', bias: 'pw.b', output: 'y', activation: 'none', groups: 1, ...common },
      ],
    };
    const { graph: equalized, pairs } = equalizeGraph(graph);
    expect(pairs).toEqual([{ depthwise: 'dw', pointwise: 'pw', relu6Dropped: false }]);
    const input = new Map([['x', Float32Array.from({ length: 18 }, (_, k) => Math.sin(k))]]);
    const before = runFloat(graph, input).get('y') as Float32Array;
    const after = runFloat(equalized, input).get('y') as Float32Array;
    for (const [k, value] of after.entries()) expect(value).toBeCloseTo(before[k] ?? 0, 5);
    const range = (values: Float32Array, channels: number, channel: number) =>
      Math.max(
        ...Array.from(values)
          .filter((_, k) => k % channels === channel)
          .map(Math.abs),
      );
    const dw = equalized.tensors.get('dw.w')?.data as Float32Array;
    const pw = equalized.tensors.get('pw.w')?.data as Float32Array;
    for (const channel of [0, 1]) expect(range(dw, 2, channel)).toBeCloseTo(range(pw, 2, channel), 5);
    // Channel 0: r1 = 8 (depthwise), r2 = 0.5 (pointwise) -> both sqrt(8 x 0.5) = 2.
    expect(range(dw, 2, 0)).toBeCloseTo(2, 5);
  });
});

describe('widths narrower than their element type', () => {
  it('6-bit weights and activations live in s8: weights within +-31, inputs 1/63 from -32, DFP 5 fractional bits', () => {
    const model = quantized({ weightBits: 6, activationBits: 6 });
    expect(model.file.tensors.input).toEqual({ shape: [1, 28, 28, 1], type: 's8', quant: { scale: Math.fround(1 / 63), zeroPoint: -32 } });
    expect(quantOf({ weightBits: 6, activationBits: 6, requant: 'shift-only' }, 'input')?.quant).toEqual({ fractionalBits: 5 });
    expect(quantOf({ weightBits: 6, activationBits: 6, signed: false }, 'input')?.quant).toEqual({
      scale: Math.fround(1 / 63),
      zeroPoint: 0,
    });
    for (const name of ['conv1.weights', 'conv2.weights', 'fc1.weights', 'fc2.weights']) {
      const weights = model.graph.tensors.get(name);
      expect(weights?.type.name).toBe('s8');
      const values = Array.from(weights?.data ?? []);
      // Symmetric 6-bit weights: each channel's largest magnitude lands on 31, nothing beyond it.
      expect(Math.max(...values.map(Math.abs))).toBe(31);
    }
    // The same storage as 8 bits: the NPU keeps each 6-bit weight in a byte.
    expect(model.weightBytes).toBe(quantized({}).weightBytes);
  });

  it('every op whose output is narrowed clamps to exactly the 6-bit integers, and the engine writes nothing outside them', () => {
    for (const signed of [true, false]) {
      const model = quantized({ weightBits: 6, activationBits: 6, signed });
      const grid = signed ? { min: -32, max: 31 } : { min: 0, max: 63 };
      const narrowed = model.graph.ops.filter((op) => op.op !== 'reshape');
      expect(narrowed.map((op) => op.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'fc1', 'fc2']);
      for (const op of narrowed) {
        if (!('activation' in op)) throw new Error(`${op.name} has no activation`);
        expect(typeof op.activation, op.name).toBe('object');
        const output = model.graph.tensors.get(op.output);
        if (output === undefined) throw new Error(op.output);
        const range = activationRange(output, op.activation);
        // ReLU layers keep their zero point as the low bound; fc2 (no activation) spans the whole grid.
        expect(range.max, op.name).toBe(grid.max);
        expect(range.min, op.name).toBe(op.name === 'fc2' ? grid.min : Math.max(grid.min, zeroPointOf(output)));
      }
      const hardware = loadHardwareFile(join(REPO, 'configs/edge-npu.json'));
      const data = loadLabData('mnist', float, 'test');
      for (let image = 0; image < 3; image += 1) {
        const result = simulate(model.graph, hardware, { inputs: integerInputs(model.graph, data.input(image)) });
        for (const op of narrowed) {
          const values = Array.from(result.tensors.get(op.output) ?? []);
          expect(values.length).toBeGreaterThan(0);
          expect(Math.min(...values), op.name).toBeGreaterThanOrEqual(grid.min);
          expect(Math.max(...values), op.name).toBeLessThanOrEqual(grid.max);
        }
      }
    }
  });

  it('an op without an output clamp keeps its full width, and asking for less by name is an error naming it', () => {
    const tiny: FloatGraph = {
      name: 'tiny',
      file: 'memory',
      origin: { kind: 'float' },
      inputs: ['x'],
      outputs: ['y'],
      tensors: new Map([
        ['x', { name: 'x', shape: [1, 1, 1, 2], data: undefined }],
        ['y', { name: 'y', shape: [1, 1, 1, 4], data: undefined }],
      ]),
      ops: [{ op: 'concat', name: 'cat', inputs: ['x', 'x'], output: 'y', axis: 3 }],
    };
    const inputs = [new Map([['x', Float32Array.of(0, 2.55)]])];
    const quantizeTiny = (scheme: Partial<typeof DEFAULT_SCHEME>) =>
      quantizeModel({
        float: tiny,
        scheme: { ...DEFAULT_SCHEME, ...scheme },
        calibration: inputs,
        modelReference: 'tiny',
        sidecarFile: 'memory',
      });
    const model = quantizeTiny({ activationBits: 6 });
    // The input is 6 bits (63 steps over [0, 2.55]); the concatenation writes all 8 bits of its s8.
    expect(model.file.tensors.x?.quant).toEqual({ scale: Math.fround(Math.fround(2.55) / 63), zeroPoint: -32 });
    expect(model.file.tensors.y?.quant).toEqual({ scale: Math.fround(Math.fround(2.55) / 255), zeroPoint: -128 });
    expect(model.layers.map((layer) => layer.activationBits)).toEqual([8]);
    expect(() => quantizeTiny({ bitsPerLayer: new Map([['cat', { activations: 6 }]]) })).toThrow(
      /op "cat" \(concat\) has no output clamp, so its output cannot hold 6 bits inside its 8-bit type; give it 8 bits/,
    );
  });
});
