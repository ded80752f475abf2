/**
 * The float executor against onnxruntime-node on hand-built float ONNX models: every op the float
 * importer reads (Conv dense, grouped and depthwise with BatchNormalization folded, Relu and Clip
 * fused, MaxPool, AveragePool, GlobalAveragePool, Concat, Add, Flatten into Gemm, MatMul, Softmax),
 * every op output compared, NCHW in the file and NHWC inside. Float32 sums in another order differ
 * in the last bits, so the tolerance is relative to each tensor's largest value.
 */
import { describe, expect, it } from 'vitest';
import { seededIntegers } from '../../src/engine/random.js';
import { runFloat } from '../../src/float/index.js';
import { importOnnx, importOnnxFloat } from '../../src/importers/onnx/index.js';
import { InputError } from '../../src/errors.js';
import { attribute, DataType, initializer, modelBytes, runOrt, valueInfo } from '../support/onnx.js';

const F = DataType.FLOAT;

/** Seeded floats in [-1, 1) at a given spread. */
function floats(seed: number, count: number, spread = 1): number[] {
  return Array.from(seededIntegers(seed, count, -1000, 999), (value) => (value / 1000) * spread);
}

function nchwToNhwcFloat(values: ArrayLike<number>, [n = 1, c = 1, h = 1, w = 1]: readonly number[]): Float32Array {
  const out = new Float32Array(n * c * h * w);
  for (let b = 0; b < n; b += 1)
    for (let ch = 0; ch < c; ch += 1)
      for (let y = 0; y < h; y += 1)
        for (let x = 0; x < w; x += 1) out[((b * h + y) * w + x) * c + ch] = values[((b * c + ch) * h + y) * w + x] ?? 0;
  return out;
}

function expectClose(ours: Float32Array, theirs: ArrayLike<number>, what: string): void {
  expect(ours.length, what).toBe(theirs.length);
  const peak = Math.max(1e-6, ...Array.from(theirs, Math.abs));
  for (let index = 0; index < ours.length; index += 1) {
    const difference = Math.abs((ours[index] ?? 0) - (theirs[index] ?? 0));
    if (difference > 1e-5 * peak) expect.fail(`${what}[${index}]: npusim ${ours[index]}, onnxruntime ${theirs[index]}`);
  }
}

describe('the float executor equals onnxruntime on float ONNX models', () => {
  it('conv + BN + relu, grouped conv, depthwise + clip, pools, concat, add, flatten, gemm, matmul, softmax', async () => {
    const [c, h, w] = [4, 9, 8];
    const bytes = modelBytes({
      opset: 13,
      nodes: [
        {
          opType: 'Conv',
          input: ['x', 'w1', 'b1'],
          output: ['c1'],
          name: 'conv1',
          attribute: [attribute.ints('pads', [1, 1, 1, 1]), attribute.ints('strides', [1, 1])],
        },
        {
          opType: 'BatchNormalization',
          input: ['c1', 'g', 'beta', 'mean', 'var'],
          output: ['bn1'],
          attribute: [attribute.float('epsilon', 1e-3)],
        },
        { opType: 'Relu', input: ['bn1'], output: ['r1'] },
        {
          opType: 'Conv',
          input: ['r1', 'w2'],
          output: ['c2'],
          name: 'grouped',
          attribute: [attribute.int('group', 2), attribute.ints('strides', [2, 2]), attribute.ints('pads', [0, 0, 1, 1])],
        },
        {
          opType: 'Conv',
          input: ['c2', 'wd', 'bd'],
          output: ['d'],
          name: 'dw',
          attribute: [attribute.int('group', 6), attribute.string('auto_pad', 'SAME_UPPER')],
        },
        { opType: 'Clip', input: ['d', 'lo', 'hi'], output: ['dclip'] },
        {
          opType: 'MaxPool',
          input: ['dclip'],
          output: ['mp'],
          attribute: [attribute.ints('kernel_shape', [3, 3]), attribute.ints('strides', [1, 1]), attribute.ints('pads', [1, 1, 1, 1])],
        },
        {
          opType: 'AveragePool',
          input: ['dclip'],
          output: ['ap'],
          attribute: [
            attribute.ints('kernel_shape', [2, 2]),
            attribute.ints('strides', [1, 1]),
            attribute.string('auto_pad', 'SAME_UPPER'),
          ],
        },
        { opType: 'Add', input: ['mp', 'ap'], output: ['sum'] },
        { opType: 'Concat', input: ['sum', 'mp'], output: ['cat'], attribute: [attribute.int('axis', 1)] },
        { opType: 'GlobalAveragePool', input: ['cat'], output: ['gap'] },
        { opType: 'Flatten', input: ['cat'], output: ['flat'], attribute: [attribute.int('axis', 1)] },
        { opType: 'Gemm', input: ['flat', 'wf', 'bf'], output: ['fc'], name: 'fc', attribute: [attribute.int('transB', 1)] },
        { opType: 'Flatten', input: ['gap'], output: ['gflat'] },
        { opType: 'MatMul', input: ['gflat', 'wm'], output: ['mm'], name: 'mm' },
        { opType: 'Softmax', input: ['fc'], output: ['prob'] },
      ],
      initializers: [
        initializer('w1', F, [6, c, 3, 3], floats(1, 6 * c * 9, 0.5)),
        initializer('b1', F, [6], floats(2, 6, 0.2)),
        initializer(
          'g',
          F,
          [6],
          floats(3, 6).map((v) => 1 + v / 2),
        ),
        initializer('beta', F, [6], floats(4, 6, 0.3)),
        initializer('mean', F, [6], floats(5, 6, 0.2)),
        initializer(
          'var',
          F,
          [6],
          floats(6, 6).map((v) => 1.2 + v),
        ),
        initializer('w2', F, [6, 3, 2, 2], floats(7, 6 * 3 * 4, 0.6)),
        initializer('wd', F, [6, 1, 3, 3], floats(8, 6 * 9, 0.7)),
        initializer('bd', F, [6], floats(9, 6, 0.1)),
        initializer('lo', F, [], [-0.5]),
        initializer('hi', F, [], [1.5]),
        initializer('wf', F, [7, 12 * 5 * 4], floats(10, 7 * 240, 0.2)),
        initializer('bf', F, [7], floats(11, 7, 0.1)),
        initializer('wm', F, [12, 3], floats(12, 36)),
      ],
      inputs: [valueInfo('x', F, [1, c, h, w])],
      outputs: ['r1', 'c2', 'dclip', 'mp', 'ap', 'sum', 'cat', 'gap', 'fc', 'mm', 'prob'].map((name) => ({
        name,
        type: { tensorType: { elemType: F } },
      })),
    });
    const input = floats(20, c * h * w, 2);
    const theirs = await runOrt(bytes, { x: { type: 'float32', data: input, dims: [1, c, h, w] } }, { level: 'disabled' });
    const graph = importOnnxFloat(bytes, 'float.onnx');
    expect(graph.ops.map((op) => op.op)).toEqual([
      'conv2d',
      'conv2d',
      'depthwise_conv2d',
      'max_pool',
      'avg_pool',
      'add',
      'concat',
      'global_avg_pool',
      'reshape',
      'fully_connected',
      'reshape',
      'fully_connected',
      'softmax',
    ]);
    const values = runFloat(graph, new Map([['x', nchwToNhwcFloat(input, [1, c, h, w])]]));
    for (const [name, tensor] of Object.entries(theirs.outputs)) {
      const ours = values.get(name);
      if (ours === undefined) expect.fail(`npusim has no tensor ${name}`);
      const expected = tensor.dims.length === 4 ? nchwToNhwcFloat(tensor.data, tensor.dims) : tensor.data;
      expectClose(ours, expected, name);
    }
    expect(theirs.outputs.r1?.data.some((value) => value === 0)).toBe(true);
    expect(theirs.outputs.dclip?.data.some((value) => value === 1.5)).toBe(true);
  });

  it('a float model given where a quantized one is expected is refused with the way to quantize it', () => {
    const bytes = modelBytes({
      opset: 13,
      nodes: [{ opType: 'Relu', input: ['x'], output: ['y'] }],
      initializers: [],
      inputs: [valueInfo('x', F, [1, 4])],
      outputs: [valueInfo('y', F, [1, 4])],
    });
    expect(() => importOnnx(bytes, 'f.onnx', 'f.bin')).toThrow(InputError);
    expect(() => importOnnx(bytes, 'f.onnx', 'f.bin')).toThrow(/float model .*npusim quantize MODEL --calib DATA/);
  });
});
