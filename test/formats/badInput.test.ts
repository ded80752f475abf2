/**
 * Every kind of bad input ends in one message naming the file, the JSON path and what was expected,
 * with exit code 2, no stack trace, and the user's files untouched.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { digestFolder, fixtureCopy, readJson, REPO, writeJson } from '../support/files.js';

type Json = Record<string, any>;

let directory = '';
let before: Record<string, string> = {};

function setUp(): { graph: string; hardware: string; graphJson: Json; hardwareJson: Json } {
  directory = fixtureCopy();
  const hardware = join(directory, 'hw.json');
  const hardwareJson = readJson(join(REPO, 'configs/edge-npu.json'));
  delete hardwareJson.$schema;
  writeJson(hardware, hardwareJson);
  return { graph: join(directory, 'tiny-graph.json'), hardware, graphJson: readJson(join(directory, 'tiny-graph.json')), hardwareJson };
}

async function expectBadInput(argv: string[], message: string): Promise<void> {
  before = digestFolder(directory);
  const run = await runCli(argv);
  expect(run.stderr).toBe(`error: ${message}\n`);
  expect(run.exitCode).toBe(2);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(digestFolder(directory)).toEqual(before);
}

afterEach(() => {
  directory = '';
});

describe('bad hardware configs', () => {
  it('malformed JSON names the line and column', async () => {
    const { hardware } = setUp();
    writeFileSync(hardware, '{\n  "name": "x",\n  "clockMHz": 800,\n}\n');
    await expectBadInput(
      ['validate', hardware],
      `${hardware}:4:1: not valid JSON: a property name in double quotes was expected (no trailing commas in JSON)`,
    );
  });

  it('a wrong type', async () => {
    const { hardware, hardwareJson } = setUp();
    writeJson(hardware, { ...hardwareJson, clockMHz: '800' });
    await expectBadInput(['validate', hardware], `${hardware}:$.clockMHz: expected a number, got "800"`);
  });

  it('a missing key', async () => {
    const { hardware, hardwareJson } = setUp();
    delete hardwareJson.accumulator.overflow;
    writeJson(hardware, hardwareJson);
    await expectBadInput(['validate', hardware], `${hardware}:$.accumulator.overflow: missing; expected one of "wrap", "saturate"`);
  });

  it('an unknown key, with a did-you-mean', async () => {
    const { hardware, hardwareJson } = setUp();
    hardwareJson.array.dataflw = 'ws';
    writeJson(hardware, hardwareJson);
    await expectBadInput(
      ['validate', hardware],
      `${hardware}:$.array.dataflw: unknown key "dataflw" (did you mean "dataflow"?); expected keys: rows, columns, dataflow, operandModes, zeroGating`,
    );
  });

  it('an out-of-range value', async () => {
    const { hardware, hardwareJson } = setUp();
    hardwareJson.accumulator.bits = 64;
    writeJson(hardware, hardwareJson);
    await expectBadInput(['validate', hardware], `${hardware}:$.accumulator.bits: expected a value <= 48, got 64`);
  });

  it('a rounding that contradicts a library mode', async () => {
    const { hardware, hardwareJson } = setUp();
    hardwareJson.requant.rounding = 'half-even';
    writeJson(hardware, hardwareJson);
    await expectBadInput(
      ['validate', hardware],
      `${hardware}:$.requant.rounding: the tflite-double mode fixes its own rounding (half-up (SRDHM) then half-away (RDBPOT)); remove "rounding", or choose the hvx or shift-only mode to set one`,
    );
  });

  it('an energy table that does not exist', async () => {
    const { hardware, hardwareJson } = setUp();
    hardwareJson.energy = { table: 'horowitz' };
    writeJson(hardware, hardwareJson);
    await expectBadInput(
      ['validate', hardware],
      `${hardware}:$.energy.table: no energy table named "horowitz" (did you mean "horowitz45"?); the tables in configs/energy/ are: aladdin40-cacti, horowitz45`,
    );
  });

  it('a file that does not exist', async () => {
    setUp();
    const missing = join(directory, 'nope.json');
    await expectBadInput(['validate', missing], `${missing}: no such file (expected a hardware config, graph or energy table (JSON))`);
  });
});

describe('bad graphs', () => {
  it('shapes that do not connect', async () => {
    const { graph, graphJson } = setUp();
    graphJson.tensors['dw.out'].shape = [1, 4, 4, 3];
    writeJson(graph, graphJson);
    await expectBadInput(
      ['validate', graph],
      `${graph}:$.ops[1].output: tensor "dw.out" has shape [1,4,4,3], but depthwise_conv2d of [1,4,4,3] with [1,3,3,3], stride [2,2], padding "same" gives [1,2,2,3]`,
    );
  });

  it('a source-model section that does not fit the graph: an unknown tensor, a count that differs, a permutation that is not one', async () => {
    const { graph, graphJson } = setUp();
    const view = { name: 'x', shape: [1, 2, 4, 4], layout: 'NCHW', view: [1, 4, 4, 2], permutation: [0, 3, 1, 2] };
    graphJson.source = { format: 'onnx', model: 'm.onnx', inputs: [{ tensor: 'input', dtype: 'uint8' }], tensors: { input: view } };
    writeJson(graph, graphJson);
    expect((await runCli(['validate', graph])).exitCode).toBe(0);
    graphJson.source.tensors = { inputs: view };
    writeJson(graph, graphJson);
    await expectBadInput(['validate', graph], `${graph}:$.source.tensors.inputs: "inputs" is not a tensor of the graph`);
    graphJson.source.tensors = { input: { ...view, shape: [1, 2, 4, 5] } };
    writeJson(graph, graphJson);
    await expectBadInput(
      ['validate', graph],
      `${graph}:$.source.tensors.input.shape: [1,2,4,5] holds 40 elements; tensor "input" holds 32`,
    );
    graphJson.source.tensors = { input: { ...view, permutation: [0, 3, 1, 1] } };
    writeJson(graph, graphJson);
    await expectBadInput(
      ['validate', graph],
      `${graph}:$.source.tensors.input.permutation: permutation [0,3,1,1] is not a permutation of the 4 axes of the view`,
    );
    graphJson.source.tensors = { input: view };
    graphJson.source.inputs = [{ tensor: 'conv.out', dtype: 'uint8' }];
    writeJson(graph, graphJson);
    await expectBadInput(['validate', graph], `${graph}:$.source.inputs[0].tensor: "conv.out" is not an input of the graph`);
  });

  it('a tensor referenced but not defined', async () => {
    const { graph, graphJson } = setUp();
    graphJson.ops[4].weights = 'fc.weight';
    writeJson(graph, graphJson);
    await expectBadInput(
      ['validate', graph],
      `${graph}:$.ops[4].weights: tensor "fc.weight" is not defined in $.tensors (did you mean "fc.weights"?)`,
    );
  });

  it('a per-channel scale count that does not match the channels', async () => {
    const { graph, graphJson } = setUp();
    graphJson.tensors['conv.weights'].quant.scale = [0.01, 0.02];
    writeJson(graph, graphJson);
    await expectBadInput(
      ['validate', graph],
      `${graph}:$.tensors["conv.weights"].quant.scale: expected 3 scales (one per channel along axis 0 of shape [3,3,3,2]), got 2`,
    );
  });

  it('a missing sidecar file', async () => {
    const { graph, graphJson } = setUp();
    graphJson.tensors['conv.weights'].data.file = 'missing.bin';
    writeJson(graph, graphJson);
    await expectBadInput(
      ['validate', graph],
      `${graph}:$.tensors["conv.weights"].data.file: sidecar file ${join(directory, 'missing.bin')}: no such file (expected the sidecar of ${graph})`,
    );
  });

  it('a short sidecar file', async () => {
    const { graph, graphJson } = setUp();
    graphJson.tensors['conv.bias'].data.offset = 60;
    writeJson(graph, graphJson);
    await expectBadInput(
      ['validate', graph],
      `${graph}:$.tensors["conv.bias"].data: sidecar tiny.bin is too short: 3 s32 values need bytes 60..71, the file has 66`,
    );
  });

  it('an operand width the array does not support', async () => {
    const { graph, graphJson, hardware, hardwareJson } = setUp();
    hardwareJson.array.operandModes = [{ weights: 's8', activations: 'u8', macsPerPePerCycle: 1 }];
    writeJson(hardware, hardwareJson);
    writeJson(graph, graphJson);
    await expectBadInput(
      ['validate', graph, '--hw', hardware],
      `${graph}:$.ops[0]: conv2d "conv" needs operand mode s8xs8 (s8 weights x s8 activations), which the array of ${hardware} does not support; its modes are s8xu8`,
    );
  });

  it('a layer that cannot be tiled into the memory', async () => {
    const { graph, hardware, hardwareJson } = setUp();
    hardwareJson.memory.sram = { unified: { kib: 0.0625, bytesPerCycle: 8 } };
    writeJson(hardware, hardwareJson);
    await expectBadInput(
      ['validate', graph, '--hw', hardware],
      // ws: one fold holds K = 3*3*2 rows x 3 filter columns of s8 weights (54 bytes); one streamed step
      // is one s8 input vector down the 18 rows (18) and 3 partial sums of 4 bytes (12); doubled: 168 > 64.
      `${graph}:$.ops[0]: conv2d "conv" cannot be tiled into the memory of ${hardware}: one step of one fold needs 54 bytes of weights, 18 of inputs and 12 of outputs, twice over with double buffering; the unified SRAM holds 64`,
    );
  });

  it('an operand mode no energy table prices', async () => {
    const { hardware, hardwareJson } = setUp();
    hardwareJson.array.operandModes.push({ weights: 's4', activations: 's16', macsPerPePerCycle: 0.5 });
    writeJson(hardware, hardwareJson);
    const index = hardwareJson.array.operandModes.length - 1;
    await expectBadInput(
      ['validate', hardware],
      `${hardware}:$.array.operandModes[${index}]: operand mode s4xs16 has no MAC energy action; energy tables price w4a4, w4a8, w8a8, w8a16, w16a8, w16a16 (w = weight bits, a = activation bits)`,
    );
  });

  it('a stochastic seed without stochastic rounding', async () => {
    const { hardware, hardwareJson } = setUp();
    hardwareJson.requant = { mode: 'shift-only', rounding: 'half-even', stochasticSeed: 7 };
    writeJson(hardware, hardwareJson);
    await expectBadInput(
      ['validate', hardware],
      `${hardware}:$.requant.stochasticSeed: stochasticSeed is only used with "rounding": "stochastic"; remove it or choose stochastic rounding`,
    );
  });

  it('stochastic rounding without a seed', async () => {
    const { hardware, hardwareJson } = setUp();
    hardwareJson.requant = { mode: 'hvx', rounding: 'stochastic' };
    writeJson(hardware, hardwareJson);
    await expectBadInput(
      ['validate', hardware],
      `${hardware}:$.requant.stochasticSeed: missing: stochastic rounding needs a stochasticSeed (a whole number), so that runs repeat`,
    );
  });

  it('a max pool that changes the quantization', async () => {
    const { graph, graphJson, hardware } = setUp();
    graphJson.tensors['pool.out'].quant = { scale: 0.4, zeroPoint: 0 };
    writeJson(graph, graphJson);
    await expectBadInput(
      ['validate', graph, '--hw', hardware],
      `${graph}:$.ops[2].output: max_pool "pool": max_pool moves values without rescaling them; give the output the input's type and quantization (s8, {"kind":"affine","scales":[0.2],"zeroPoints":[0]})`,
    );
  });

  it('a windowed average pool under the ort-float mode whose averages pass int32', async () => {
    const { graph, graphJson, hardware, hardwareJson } = setUp();
    graphJson.ops[2] = { name: 'pool', op: 'avg_pool', input: 'dw.out', output: 'pool.out', filter: [1, 1], stride: [2, 2] };
    graphJson.tensors['pool.out'].quant = { scale: 1e-9, zeroPoint: 0 };
    graphJson.tensors.flat.quant = { scale: 1e-9, zeroPoint: 0 };
    hardwareJson.requant = { mode: 'ort-float' };
    writeJson(graph, graphJson);
    writeJson(hardware, hardwareJson);
    await expectBadInput(
      ['validate', graph, '--hw', hardware],
      `${graph}:$.tensors["pool.out"].quant.scale: avg_pool "pool": averages up to 5.12e10 output steps (s_in 0.2 / s_out 1e-9) pass int32, outside what ort-float can represent`,
    );
  });

  it('an op name that is not an op, with a did-you-mean', async () => {
    const { graph, graphJson } = setUp();
    graphJson.ops[2].op = 'maxpool';
    writeJson(graph, graphJson);
    await expectBadInput(
      ['validate', graph],
      `${graph}:$.ops[2].op: expected one of "conv2d", "depthwise_conv2d", "fully_connected", "add", "max_pool", "avg_pool", "global_avg_pool", "concat", "reshape", "pad", "softmax", "mean", "quantize", "transpose", got "maxpool" (did you mean "max_pool"?)`,
    );
  });

  it('a valid graph and config pass', async () => {
    const { graph, hardware } = setUp();
    const run = await runCli(['validate', graph, hardware, '--hw', hardware]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(
      `valid ${graph}: graph "tiny": 5 ops, 978 MACs, 92 parameters, runs on edge-npu\n` +
        `valid ${hardware}: hardware "edge-npu": 32x32 ws, 32-bit wrap accumulators, tflite-double requantization, energy table "horowitz45"\n`,
    );
  });
});
