/**
 * The quantizer's schemes on exact values: activation quantization forms (asymmetric, symmetric,
 * unsigned, dynamic fixed point with an S-DFP bias), calibration methods' ranges, and cross-layer
 * equalization keeping the float function while evening the channel ranges out.
 */
import { describe, expect, it } from 'vitest';
import { runFloat } from '../../src/float/index.js';
import type { FloatGraph } from '../../src/graph/float.js';
import {
  calibrate,
  calibratedRange,
  calibrationInputs,
  DEFAULT_SCHEME,
  equalizeGraph,
  loadFloatModel,
  loadLabData,
  quantizeModel,
} from '../../src/lab/index.js';

const float = loadFloatModel('zoo:mnist_cnn');
const calibration = calibrationInputs(loadLabData('mnist', float, 'train'), 20);

function quantOf(scheme: Partial<typeof DEFAULT_SCHEME>, tensor: string) {
  const model = quantizeModel({
    float,
    scheme: { ...DEFAULT_SCHEME, ...scheme },
    calibration,
    modelReference: 'zoo:mnist_cnn',
    sidecarFile: 'memory',
  });
  return model.file.tensors[tensor];
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
