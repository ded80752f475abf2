/**
 * npusim's ort-float mode against onnxruntime itself (onnxruntime-node, CPU): QLinearConv (dense and
 * depthwise) and QLinearMatMul models built in memory, per-tensor and per-channel weight scales,
 * int8 and uint8 activations. npusim's outputs must equal onnxruntime's exactly.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { type ConvGeometry, convolve } from '../../src/kernels/conv.js';
import { channelRequantParams } from '../../src/engine/layerNumerics.js';
import type { RequantSetting } from '../../src/requant/index.js';
import type { Tensor } from '../../src/graph/model.js';

const require = createRequire(import.meta.url);
// onnxruntime-node and onnx-proto are CommonJS dev dependencies; a missing install fails here, loudly.
const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
const { onnx } = require('onnx-proto') as { onnx: any };
const DataType = onnx.TensorProto.DataType;

/** A seeded linear congruential generator, so every run builds the same models. */
function generator(seed: number): (low: number, high: number) => number {
  let state = seed >>> 0;
  return (low, high) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return low + Math.floor((state / 2 ** 32) * (high - low + 1));
  };
}

function initializer(name: string, dataType: number, dims: number[], data: ArrayLike<number>) {
  const typed =
    dataType === DataType.UINT8
      ? Uint8Array.from(data)
      : dataType === DataType.INT8
        ? Int8Array.from(data)
        : dataType === DataType.INT32
          ? Int32Array.from(data)
          : Float32Array.from(data);
  return { name, dataType, dims, rawData: new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength) };
}

function valueInfo(name: string, elemType: number, dims: number[]) {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } } };
}

async function runModel(
  nodes: unknown[],
  initializers: unknown[],
  input: { name: string; type: number; dims: number[]; data: Int32Array },
  output: { name: string; type: number; dims: number[] },
): Promise<number[]> {
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'g',
      node: nodes,
      initializer: initializers,
      input: [valueInfo(input.name, input.type, input.dims)],
      output: [valueInfo(output.name, output.type, output.dims)],
    },
  });
  const session = await ort.InferenceSession.create(onnx.ModelProto.encode(model).finish(), {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'disabled',
  });
  const data = input.type === DataType.UINT8 ? Uint8Array.from(input.data) : Int8Array.from(input.data);
  const result = await session.run({ [input.name]: new ort.Tensor(input.type === DataType.UINT8 ? 'uint8' : 'int8', data, input.dims) });
  return Array.from(result[output.name]?.data as Int8Array | Uint8Array);
}

const ORT_SETTING: RequantSetting = { mode: 'ort-float', rounding: undefined, shiftBias: 0, accumulatorBits: 32 };

function npusimTensor(name: string, signed: boolean, scales: number[], zeroPoint: number, shape: number[]): Tensor {
  return {
    name,
    shape,
    type: { name: signed ? 's8' : 'u8', bits: 8, signed },
    quant: { kind: 'affine', scales, zeroPoints: [zeroPoint], axis: scales.length > 1 ? 0 : undefined },
    data: undefined,
  };
}

interface ConvCase {
  readonly depthwise: boolean;
  readonly perChannel: boolean;
  readonly signed: boolean;
  readonly seed: number;
}

async function convCase({ depthwise, perChannel, signed, seed }: ConvCase): Promise<{ ours: number[]; theirs: number[] }> {
  const random = generator(seed);
  const [height, width, channels] = [7, 6, depthwise ? 8 : 5];
  const outChannels = depthwise ? channels : 6;
  const [kernel, stride, pad] = [3, depthwise ? 1 : 2, 1];
  const [low, high] = signed ? [-128, 127] : [0, 255];
  const input = Int32Array.from({ length: channels * height * width }, () => random(low, high)); // NCHW
  const groupChannels = depthwise ? 1 : channels;
  const [weightLow, weightHigh] = weightRange(signed);
  const weights = Int32Array.from({ length: outChannels * groupChannels * kernel * kernel }, () => random(weightLow, weightHigh)); // OIHW
  const bias = Int32Array.from({ length: outChannels }, () => random(-3000, 3000));
  const inputScale = Math.fround(0.02 + random(0, 100) / 1e4);
  const weightScales = Array.from({ length: perChannel ? outChannels : 1 }, () => Math.fround(0.001 + random(0, 100) / 1e5));
  const outputScale = Math.fround(0.05 + random(0, 100) / 1e4);
  const [inputZeroPoint, outputZeroPoint] = [random(low + 20, high - 20), random(low + 20, high - 20)];
  const outHeight = Math.floor((height + 2 * pad - kernel) / stride) + 1;
  const outWidth = Math.floor((width + 2 * pad - kernel) / stride) + 1;
  const type = signed ? DataType.INT8 : DataType.UINT8;
  const theirs = await runModel(
    [
      {
        opType: 'QLinearConv',
        input: ['x', 'xs', 'xz', 'w', 'ws', 'wz', 'ys', 'yz', 'b'],
        output: ['y'],
        attribute: [
          { name: 'kernel_shape', type: 7, ints: [kernel, kernel] },
          { name: 'strides', type: 7, ints: [stride, stride] },
          { name: 'pads', type: 7, ints: [pad, pad, pad, pad] },
          { name: 'group', type: 2, i: depthwise ? channels : 1 },
        ],
      },
    ],
    [
      initializer('xs', DataType.FLOAT, [], [inputScale]),
      initializer('xz', type, [], [inputZeroPoint]),
      initializer('w', DataType.INT8, [outChannels, groupChannels, kernel, kernel], weights),
      initializer('ws', DataType.FLOAT, perChannel ? [outChannels] : [], weightScales),
      initializer(
        'wz',
        DataType.INT8,
        perChannel ? [outChannels] : [],
        weightScales.map(() => 0),
      ),
      initializer('ys', DataType.FLOAT, [], [outputScale]),
      initializer('yz', type, [], [outputZeroPoint]),
      initializer('b', DataType.INT32, [outChannels], bias),
    ],
    { name: 'x', type, dims: [1, channels, height, width], data: input },
    { name: 'y', type, dims: [1, outChannels, outHeight, outWidth] },
  );
  // npusim's layout: NHWC input, OHWI (or [1, KH, KW, C] depthwise) weights.
  const nhwc = new Int32Array(input.length);
  for (let c = 0; c < channels; c++)
    for (let h = 0; h < height; h++)
      for (let w = 0; w < width; w++) nhwc[(h * width + w) * channels + c] = input[(c * height + h) * width + w] ?? 0;
  const ohwi = new Int32Array(weights.length);
  for (let o = 0; o < outChannels; o++)
    for (let i = 0; i < groupChannels; i++)
      for (let kh = 0; kh < kernel; kh++)
        for (let kw = 0; kw < kernel; kw++) {
          const value = weights[((o * groupChannels + i) * kernel + kh) * kernel + kw] ?? 0;
          if (depthwise) ohwi[(kh * kernel + kw) * outChannels + o] = value;
          else ohwi[((o * kernel + kh) * kernel + kw) * groupChannels + i] = value;
        }
  const geometry: ConvGeometry = {
    batch: 1,
    inHeight: height,
    inWidth: width,
    inChannels: channels,
    outHeight,
    outWidth,
    outChannels,
    kernelHeight: kernel,
    kernelWidth: kernel,
    strideHeight: stride,
    strideWidth: stride,
    dilationHeight: 1,
    dilationWidth: 1,
    padTop: pad,
    padLeft: pad,
    groupChannels,
    groupOutputs: depthwise ? 1 : outChannels,
    depthwise,
  };
  const requant = channelRequantParams(
    ORT_SETTING,
    npusimTensor('x', signed, [inputScale], inputZeroPoint, [1]),
    npusimTensor('w', true, weightScales, 0, [outChannels]),
    npusimTensor('y', signed, [outputScale], outputZeroPoint, [1]),
    outChannels,
    false,
  );
  const result = convolve({
    geometry,
    input: nhwc,
    inputZeroPoint,
    weights: ohwi,
    bias,
    accumulator: { bits: 32, overflow: 'wrap', kFold: 16 },
    requant,
    output: { zeroPoint: outputZeroPoint, min: low, max: high },
    activation: { min: low, max: high },
    int32RequantInput: false,
  });
  // Back to NCHW to compare.
  const ours: number[] = [];
  for (let o = 0; o < outChannels; o++)
    for (let h = 0; h < outHeight; h++)
      for (let w = 0; w < outWidth; w++) ours.push(result.output[(h * outWidth + w) * outChannels + o] ?? 0);
  return { ours, theirs };
}

async function matMulCase(perChannel: boolean, signed: boolean, seed: number): Promise<{ ours: number[]; theirs: number[] }> {
  const random = generator(seed);
  const [rows, depth, columns] = [5, 37, 9];
  const [low, high] = signed ? [-128, 127] : [0, 255];
  const a = Int32Array.from({ length: rows * depth }, () => random(low, high));
  const [weightLow, weightHigh] = weightRange(signed);
  const b = Int32Array.from({ length: depth * columns }, () => random(weightLow, weightHigh)); // [K, N]
  const aScale = Math.fround(0.01 + random(0, 100) / 1e4);
  const bScales = Array.from({ length: perChannel ? columns : 1 }, () => Math.fround(0.002 + random(0, 100) / 1e5));
  const yScale = Math.fround(0.2 + random(0, 100) / 1e3);
  const [aZero, yZero] = [random(low + 20, high - 20), random(low + 20, high - 20)];
  const type = signed ? DataType.INT8 : DataType.UINT8;
  const theirs = await runModel(
    [{ opType: 'QLinearMatMul', input: ['a', 'as', 'az', 'b', 'bs', 'bz', 'ys', 'yz'], output: ['y'] }],
    [
      initializer('as', DataType.FLOAT, [], [aScale]),
      initializer('az', type, [], [aZero]),
      initializer('b', DataType.INT8, [depth, columns], b),
      initializer('bs', DataType.FLOAT, perChannel ? [columns] : [], bScales),
      initializer(
        'bz',
        DataType.INT8,
        perChannel ? [columns] : [],
        bScales.map(() => 0),
      ),
      initializer('ys', DataType.FLOAT, [], [yScale]),
      initializer('yz', type, [], [yZero]),
    ],
    { name: 'a', type, dims: [rows, depth], data: a },
    { name: 'y', type, dims: [rows, columns] },
  );
  const weights = new Int32Array(columns * depth);
  for (let k = 0; k < depth; k++) for (let n = 0; n < columns; n++) weights[n * depth + k] = b[k * columns + n] ?? 0;
  const requant = channelRequantParams(
    ORT_SETTING,
    npusimTensor('a', signed, [aScale], aZero, [1]),
    npusimTensor('b', true, bScales, 0, [columns]),
    npusimTensor('y', signed, [yScale], yZero, [1]),
    columns,
    false,
  );
  const result = convolve({
    geometry: {
      batch: rows,
      inHeight: 1,
      inWidth: 1,
      inChannels: depth,
      outHeight: 1,
      outWidth: 1,
      outChannels: columns,
      kernelHeight: 1,
      kernelWidth: 1,
      strideHeight: 1,
      strideWidth: 1,
      dilationHeight: 1,
      dilationWidth: 1,
      padTop: 0,
      padLeft: 0,
      groupChannels: depth,
      groupOutputs: columns,
      depthwise: false,
    },
    input: a,
    inputZeroPoint: aZero,
    weights,
    bias: undefined,
    accumulator: { bits: 32, overflow: 'wrap', kFold: undefined },
    requant,
    output: { zeroPoint: yZero, min: low, max: high },
    activation: { min: low, max: high },
    int32RequantInput: false,
  });
  return { ours: Array.from(result.output), theirs };
}

/**
 * The weight range of a case. onnxruntime's u8 x s8 kernels on x86 CPUs without VNNI (AVX2, and
 * AVX-512 without VNNI) multiply with VPMADDUBSW, which saturates each pair of products to int16:
 * with 8-bit weights a pair can reach 2 x 255 x 127 = 64770 and onnxruntime's result is then no
 * longer the exact sum (its quantization docs recommend reduce_range for this). With 7-bit weights
 * (-64..63, what onnxruntime's quantizer writes with reduce_range) no pair passes 32130, so the
 * comparison is exact on every x86 CPU. s8 x s8 has no such path.
 */
function weightRange(signedActivations: boolean): [number, number] {
  return signedActivations ? [-127, 127] : [-64, 63];
}

const VARIANTS = [
  { perChannel: false, signed: true },
  { perChannel: true, signed: true },
  { perChannel: false, signed: false },
  { perChannel: true, signed: false },
];

/** The cases must exercise the requantization, not just saturate: most outputs lie strictly inside the range. */
function interior(values: number[], signed: boolean): number {
  const [low, high] = signed ? [-128, 127] : [0, 255];
  return values.filter((value) => value > low && value < high).length / values.length;
}

describe('ort-float mode equals onnxruntime-node', () => {
  it.each(VARIANTS)('QLinearConv, per-channel %o', async (variant) => {
    for (const seed of [1, 2, 3]) {
      const { ours, theirs } = await convCase({ depthwise: false, ...variant, seed });
      expect(ours).toEqual(theirs);
      expect(interior(theirs, variant.signed)).toBeGreaterThan(0.5);
    }
  });

  it.each(VARIANTS)('QLinearConv depthwise (group = channels), %o', async (variant) => {
    for (const seed of [4, 5, 6]) {
      const { ours, theirs } = await convCase({ depthwise: true, ...variant, seed });
      expect(ours).toEqual(theirs);
      expect(interior(theirs, variant.signed)).toBeGreaterThan(0.5);
    }
  });

  it.each(VARIANTS)('QLinearMatMul, %o', async ({ perChannel, signed }) => {
    for (const seed of [7, 8, 9]) {
      const { ours, theirs } = await matMulCase(perChannel, signed, seed);
      expect(ours).toEqual(theirs);
      expect(interior(theirs, signed)).toBeGreaterThan(0.5);
    }
  });
});
