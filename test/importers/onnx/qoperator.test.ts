/**
 * Importer paths the exporter does not write, on hand-built QOperator models compared with
 * onnxruntime-node: Relu on int8 (opset 14, the integer max with 0), a Flatten of a C x H x W tensor
 * into QLinearMatMul (npusim reorders the weight columns), QLinearAveragePool with
 * count_include_pad and auto_pad SAME_UPPER, a Reshape with 0 and -1, and QLinearConv with
 * auto_pad SAME_LOWER on an even kernel (the odd padding row on top).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from '../../../src/formats/npy.js';
import { runCli } from '../../support/cli.js';
import { temporaryDirectory } from '../../support/files.js';
import { ortHardwareConfig } from '../../support/ortHardware.js';
import { seededIntegers } from '../../../src/engine/random.js';
import { importOnnx, nchwToNhwc, nhwcToNchw } from '../../../src/importers/onnx/index.js';
import { simulate } from '../../../src/pipeline/index.js';
import { attribute, DataType, initializer, modelBytes, runOrt, valueInfo } from '../../support/onnx.js';
import { ortHardware } from '../../support/ortHardware.js';

const S8 = DataType.INT8;

describe('hand-built QOperator models equal onnxruntime', () => {
  it('QLinearConv (SAME_LOWER, even kernel) -> Relu int8 -> QLinearAveragePool (count_include_pad, SAME_UPPER) -> Flatten -> QLinearMatMul; Reshape', async () => {
    const [c, h, w, o] = [3, 6, 5, 4];
    const weights = seededIntegers(11, o * c * 2 * 2, -127, 127);
    const matmul = seededIntegers(12, o * 15 * 5, -127, 127);
    const bytes = modelBytes({
      opset: 14,
      nodes: [
        {
          opType: 'QLinearConv',
          input: ['x', 's1', 'z1', 'w', 'ws', 'wz', 's2', 'z2', 'b'],
          output: ['conv'],
          attribute: [attribute.string('auto_pad', 'SAME_LOWER'), attribute.ints('kernel_shape', [2, 2])],
        },
        { opType: 'Relu', input: ['conv'], output: ['relu'] },
        {
          opType: 'QLinearAveragePool',
          domain: 'com.microsoft',
          input: ['relu', 's2', 'z2', 's3', 'z3'],
          output: ['pool'],
          attribute: [
            attribute.ints('kernel_shape', [3, 2]),
            attribute.ints('strides', [2, 1]),
            attribute.string('auto_pad', 'SAME_UPPER'),
            attribute.int('count_include_pad', 1),
          ],
        },
        { opType: 'Flatten', input: ['pool'], output: ['flat'] },
        { opType: 'QLinearMatMul', input: ['flat', 's3', 'z3', 'm', 'ms', 'mz', 's4', 'z4'], output: ['mm'] },
        { opType: 'Reshape', input: ['mm', 'shape'], output: ['out'] },
      ],
      initializers: [
        initializer('s1', DataType.FLOAT, [], [0.031]),
        initializer('z1', S8, [], [-7]),
        initializer('w', S8, [o, c, 2, 2], weights),
        initializer('ws', DataType.FLOAT, [o], [0.004, 0.006, 0.005, 0.003]),
        initializer('wz', S8, [o], [0, 0, 0, 0]),
        initializer('s2', DataType.FLOAT, [], [0.06]),
        initializer('z2', S8, [], [-20]),
        initializer('b', DataType.INT32, [o], [500, -800, 0, 1200]),
        initializer('s3', DataType.FLOAT, [], [0.045]),
        initializer('z3', S8, [], [5]),
        initializer('m', S8, [o * 3 * 5, 5], matmul),
        initializer('ms', DataType.FLOAT, [], [0.003]),
        initializer('mz', S8, [], [0]),
        initializer('s4', DataType.FLOAT, [], [0.09]),
        initializer('z4', S8, [], [3]),
        initializer('shape', DataType.INT64, [2], [0, -1]),
      ],
      inputs: [valueInfo('x', S8, [1, c, h, w])],
      outputs: [
        valueInfo('relu', S8, [1, o, h, w]),
        valueInfo('pool', S8, [1, o, 3, 5]),
        valueInfo('flat', S8, [1, o * 15]),
        valueInfo('out', S8, [1, 5]),
      ],
    });
    const nchw = seededIntegers(13, c * h * w, -128, 127);
    const theirs = await runOrt(bytes, { x: { type: 'int8', data: nchw, dims: [1, c, h, w] } }, { level: 'disabled' });
    const imported = importOnnx(bytes, 'hand.onnx', 'hand.bin');
    const ours = simulate(imported.graph, ortHardware(), { inputs: new Map([['x', nchwToNhwc(nchw, [1, c, h, w])]]) });
    // The Relu is folded into the convolution, so "conv" itself is no npusim tensor.
    expect(ours.tensors.has('conv')).toBe(false);
    expect(Array.from(nhwcToNchw(ours.tensors.get('relu') ?? [], [1, o, h, w]))).toEqual(theirs.outputs.relu?.data);
    expect(Array.from(nhwcToNchw(ours.tensors.get('pool') ?? [], [1, o, 3, 5]))).toEqual(theirs.outputs.pool?.data);
    expect(Array.from(ours.tensors.get('out') ?? [])).toEqual(theirs.outputs.out?.data);
    // The Flatten's source terms: npusim's NHWC values viewed as NCHW, then read as [N, C*H*W].
    expect(imported.graph.source?.tensors.get('flat')).toEqual({
      name: 'flat',
      shape: [1, o * 15],
      layout: 'NC (C x H x W flattened)',
      view: [1, 3, 5, o],
      permutation: [0, 3, 1, 2],
    });
    expect(theirs.outputs.relu?.data.some((value) => value === 0)).toBe(true);
  });
});

describe('a model with two inputs', () => {
  it('QLinearAdd of two NCHW int8 inputs: npusim run takes --input once per input, in the model order, and equals onnxruntime', async () => {
    const dims = [1, 3, 4, 5];
    const count = 3 * 4 * 5;
    const bytes = modelBytes({
      opset: 13,
      nodes: [
        {
          opType: 'QLinearAdd',
          domain: 'com.microsoft',
          input: ['a', 'sa', 'za', 'b', 'sb', 'zb', 'so', 'zo'],
          output: ['sum'],
        },
      ],
      initializers: [
        initializer('sa', DataType.FLOAT, [], [0.02]),
        initializer('za', S8, [], [3]),
        initializer('sb', DataType.FLOAT, [], [0.035]),
        initializer('zb', S8, [], [-9]),
        initializer('so', DataType.FLOAT, [], [0.05]),
        initializer('zo', S8, [], [1]),
      ],
      inputs: [valueInfo('a', S8, dims), valueInfo('b', S8, dims)],
      outputs: [valueInfo('sum', S8, dims)],
    });
    const a = seededIntegers(21, count, -128, 127);
    const b = seededIntegers(22, count, -128, 127);
    const theirs = await runOrt(bytes, { a: { type: 'int8', data: a, dims }, b: { type: 'int8', data: b, dims } }, { level: 'disabled' });
    const folder = temporaryDirectory();
    const model = join(folder, 'two.onnx');
    const hardware = join(folder, 'ort.json');
    writeFileSync(model, bytes);
    writeFileSync(hardware, JSON.stringify(ortHardwareConfig()));
    for (const [name, values] of [
      ['a', a],
      ['b', b],
    ] as const)
      writeFileSync(join(folder, `${name}.npy`), encodeNpy(Int32Array.from(values), dims, '|i1'));
    const dump = join(folder, 'dump');
    const run = await runCli([
      'run',
      model,
      '--hw',
      hardware,
      '--input',
      join(folder, 'a.npy'),
      '--input',
      join(folder, 'b.npy'),
      '--dump',
      dump,
    ]);
    expect(run.exitCode).toBe(0);
    const [entry] = JSON.parse(readFileSync(join(dump, 'manifest.json'), 'utf8')) as { file: string; shape: number[]; layout: string }[];
    expect(entry).toMatchObject({ shape: dims, layout: 'NCHW' });
    expect(Array.from(decodeNpy(readFileSync(join(dump, entry?.file ?? '')), 'sum').values)).toEqual(theirs.outputs.sum?.data);
    // Swapped inputs are different numbers, not an error: but one input alone is refused, naming both.
    const one = await runCli(['run', model, '--hw', hardware, '--input', join(folder, 'a.npy')]);
    expect(one.exitCode).toBe(2);
    expect(one.stderr).toContain('the graph has 2 inputs ("a", "b"); give one .npy file for each, in that order (got 1)');
  });
});
