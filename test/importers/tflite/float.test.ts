/**
 * A float TFLite model into the quantization lab: TFLite Micro's hello_world sine model
 * (models/hello_world_float.tflite) imports through the same op mapping as the int8 models, meets
 * TFLite Micro's own float test (|sin x - y| <= 0.05 at x = 0, 1, 3, 5: hello_world_test.cc), and,
 * quantized by npusim's PTQ and run exactly on the NPU, meets the test TFLite Micro gives its int8
 * model (the same tolerance at x = 0.77, 1.57, 2.3, 3.14).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zeroPointOf } from '../../../src/engine/layerNumerics.js';
import { runFloat } from '../../../src/float/index.js';
import { loadHardwareFile } from '../../../src/formats/loadHardware.js';
import { realScaleOf } from '../../../src/graph/quantization.js';
import { isFloatTfliteModel, readTfliteFile } from '../../../src/importers/tflite/index.js';
import { DEFAULT_SCHEME, integerInputs, loadFloatModel, quantizeModel } from '../../../src/lab/index.js';
import { simulate } from '../../../src/pipeline/index.js';
import { runCli } from '../../support/cli.js';
import { REPO, temporaryDirectory } from '../../support/files.js';
import { float32Npy } from '../../support/onnxCompare.js';

const FLOAT_MODEL = join(REPO, 'models/hello_world_float.tflite');
const HW = join(REPO, 'configs/edge-npu.json');

describe('a float TFLite model', () => {
  const float = loadFloatModel(FLOAT_MODEL);
  const input = float.inputs[0] as string;
  const output = float.outputs[0] as string;

  it('is told apart from an int8 one, and imports as three fully connected layers (relu, relu, none) with float32 weights', () => {
    expect(isFloatTfliteModel(readTfliteFile(FLOAT_MODEL))).toBe(true);
    expect(isFloatTfliteModel(readTfliteFile(join(REPO, 'models/hello_world_int8.tflite')))).toBe(false);
    expect(float.origin).toEqual({ kind: 'float' });
    expect(float.ops.map((op) => [op.op, 'activation' in op ? op.activation : undefined])).toEqual([
      ['fully_connected', 'relu'],
      ['fully_connected', 'relu'],
      ['fully_connected', 'none'],
    ]);
    const weights = float.ops.map((op) => ('weights' in op ? float.tensors.get(op.weights)?.shape : undefined));
    expect(weights).toEqual([
      [16, 1],
      [16, 16],
      [1, 16],
    ]);
    expect(float.tensors.get(input)?.shape).toEqual([1, 1]);
    expect(float.source?.format).toBe('tflite');
  });

  it("meets TFLite Micro's float test: |sin x - y| <= 0.05 at x = 0, 1, 3, 5", () => {
    for (const x of [0, 1, 3, 5]) {
      const y = runFloat(float, new Map([[input, Float32Array.of(x)]])).get(output)?.[0] ?? Number.NaN;
      expect(Math.abs(Math.sin(x) - y), `x = ${x}`).toBeLessThanOrEqual(0.05);
    }
  });

  it("quantized by npusim (W8A8 per channel, 64 calibration points on [0, 2pi]) and run exactly, it meets TFLite Micro's int8 test", () => {
    const calibration = Array.from({ length: 64 }, (_, k) => new Map([[input, Float32Array.of(Math.fround((2 * Math.PI * k) / 63))]]));
    const model = quantizeModel({ float, scheme: DEFAULT_SCHEME, calibration, modelReference: FLOAT_MODEL, sidecarFile: 'memory' });
    expect(model.graph.tensors.get(input)?.type.name).toBe('s8');
    const hardware = loadHardwareFile(HW);
    const result = model.graph.tensors.get(output);
    if (result === undefined) throw new Error('no output');
    for (const x of [0.77, 1.57, 2.3, 3.14]) {
      const run = simulate(model.graph, hardware, { inputs: integerInputs(model.graph, new Map([[input, Float32Array.of(x)]])) });
      const q = run.tensors.get(output)?.[0] ?? Number.NaN;
      const y = (q - zeroPointOf(result)) * realScaleOf(result);
      expect(Math.abs(Math.sin(x) - y), `x = ${x}`).toBeLessThanOrEqual(0.05);
    }
  });

  it('npusim quantize reads it from a path, and run of the graph takes float input', async () => {
    const folder = temporaryDirectory();
    const data = join(folder, 'points');
    mkdirSync(data);
    const labels: Record<string, number> = {};
    for (let k = 0; k < 8; k += 1) {
      writeFileSync(join(data, `x${k}.npy`), float32Npy(Float32Array.of((2 * Math.PI * k) / 7), [1, 1]));
      labels[`x${k}.npy`] = 0;
    }
    writeFileSync(join(data, 'labels.json'), JSON.stringify(labels));
    const graph = join(folder, 'sine.json');
    const quantize = await runCli(['quantize', FLOAT_MODEL, '--calib', data, '--out', graph]);
    expect(quantize.stderr).toBe('');
    expect(quantize.exitCode).toBe(0);
    expect(quantize.stdout).toMatch(/op2_fully_connected +fully_connected +w8a8/);
    const run = await runCli(['run', graph, '--hw', HW, '--input', join(data, 'x2.npy'), '--format', 'json']);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout).layers.map((layer: { name: string }) => layer.name)).toEqual([
      'op0_fully_connected',
      'op1_fully_connected',
      'op2_fully_connected',
    ]);
  });
});
