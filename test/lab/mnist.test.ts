/**
 * The lab on the shipped MNIST model (models/mnist_cnn.onnx, trained by scripts/train-cnn.mjs): the
 * float importer equals onnxruntime on real images, 8-bit per-channel PTQ keeps top-1 within half a
 * point on the first 1,000 test images, evaluate's integers are `npusim run`'s, image by image, and
 * the scheme's knobs change the graph as documented.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadHardwareFile } from '../../src/formats/loadHardware.js';
import { decodeNpy } from '../../src/formats/npy.js';
import { runFloat } from '../../src/float/index.js';
import type { FloatGraph } from '../../src/graph/float.js';
import {
  calibrationInputs,
  DEFAULT_SCHEME,
  evaluateImages,
  type LabData,
  loadFloatModel,
  loadLabData,
  type QuantizedModel,
  quantizeModel,
  summarizeEvaluation,
} from '../../src/lab/index.js';
import { runCli } from '../support/cli.js';
import { REPO, temporaryDirectory } from '../support/files.js';
import { float32Npy } from '../support/onnxCompare.js';
import { runOrt } from '../support/onnx.js';

const MODEL = join(REPO, 'models/mnist_cnn.onnx');
const HW = join(REPO, 'configs/edge-npu.json');

let float: FloatGraph;
let test: LabData;
let quantized: QuantizedModel;

beforeAll(() => {
  float = loadFloatModel('zoo:mnist_cnn');
  test = loadLabData('mnist', float, 'test');
  const train = loadLabData('mnist', float, 'train');
  quantized = quantizeModel({
    float,
    scheme: DEFAULT_SCHEME,
    calibration: calibrationInputs(train, 200),
    modelReference: 'zoo:mnist_cnn',
    sidecarFile: 'memory',
  });
});

describe('the shipped MNIST model', () => {
  it('imports as a float graph whose outputs equal onnxruntime on test images', async () => {
    const bytes = new Uint8Array(readFileSync(MODEL));
    for (const index of [0, 1, 2]) {
      const image = test.input(index).get('input') as Float32Array;
      const theirs = await runOrt(bytes, { input: { type: 'float32', data: image, dims: [1, 1, 28, 28] } }, { level: 'disabled' });
      const ours = runFloat(float, test.input(index)).get('logits') as Float32Array;
      const expected = theirs.outputs.logits?.data ?? [];
      const peak = Math.max(...expected.map(Math.abs));
      for (const [k, value] of ours.entries()) expect(Math.abs(value - (expected[k] ?? 0))).toBeLessThan(1e-5 * peak);
    }
  });

  it('8-bit per-channel PTQ (minmax, 200 calibration images) stays within 0.5 points of float on 1,000 test images', () => {
    const tally = evaluateImages({
      graph: quantized.graph,
      hardware: loadHardwareFile(HW),
      float,
      data: test,
      first: 0,
      end: 1000,
      aloneImages: 20,
    });
    const evaluation = summarizeEvaluation(tally, quantized.graph, float, {
      graph: 'mnist w8a8',
      floatModel: 'zoo:mnist_cnn',
      hardware: HW,
      data: test.name,
      classes: 10,
      sqnrThresholdDb: 20,
    });
    expect(evaluation.images).toBe(1000);
    expect(evaluation.floatAccuracy - evaluation.accuracy).toBeLessThanOrEqual(0.005);
    expect(evaluation.agreement).toBeGreaterThan(0.99);
    expect(evaluation.layers.map((layer) => layer.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'fc1', 'fc2']);
    for (const layer of evaluation.layers) {
      expect(layer.sqnrDb).toBeGreaterThan(25);
      expect(layer.sqnrDbAlone).toBeGreaterThan(25);
    }
    // 26,698 parameters: weights one byte each, biases four.
    expect(evaluation.weightBytes).toBe(26896);
    expect(evaluation.firstLayerBelowThreshold).toBeNull();
  });

  it('4-bit per-tensor weights lose more SQNR than 4-bit per-channel ones', () => {
    const train = loadLabData('mnist', float, 'train');
    const sqnr = (perChannel: boolean) => {
      const model = quantizeModel({
        float,
        scheme: { ...DEFAULT_SCHEME, weightBits: 4, perChannel },
        calibration: calibrationInputs(train, 50),
        modelReference: 'zoo:mnist_cnn',
        sidecarFile: 'memory',
      });
      const tally = evaluateImages({
        graph: model.graph,
        hardware: loadHardwareFile(HW),
        float,
        data: test,
        first: 0,
        end: 50,
        aloneImages: 0,
      });
      const summary = summarizeEvaluation(tally, model.graph, float, {
        graph: 'g',
        floatModel: 'f',
        hardware: HW,
        data: 'mnist',
        classes: 10,
        sqnrThresholdDb: 20,
      });
      return summary.layers.find((layer) => layer.name === 'conv1')?.sqnrDb ?? 0;
    };
    expect(sqnr(false)).toBeLessThan(sqnr(true));
  });

  it('npusim evaluate gives, image by image, the integers npusim run gives for the same image', async () => {
    const folder = temporaryDirectory();
    const graphFile = join(folder, 'm8.json');
    const written = await runCli(['quantize', 'zoo:mnist_cnn', '--calib', 'mnist', '--calib-images', '50', '--out', graphFile]);
    expect(written.stderr).toBe('');
    expect(written.exitCode).toBe(0);
    const json = await runCli([
      'evaluate',
      graphFile,
      '--hw',
      HW,
      '--data',
      'mnist',
      '--limit',
      '20',
      '--sqnr-images',
      '5',
      '--format',
      'json',
    ]);
    expect(json.exitCode).toBe(0);
    const report = JSON.parse(json.stdout) as {
      images: number;
      accuracy: number;
      floatAccuracy: number;
      agreement: number;
      weightBytes: number;
      layers: { name: string; sqnrDb: number; sqnrDbAlone: number }[];
    };
    expect(report.images).toBe(20);
    expect(report.layers.map((layer) => Object.keys(layer).includes('sqnrDbAlone'))).toEqual([true, true, true, true, true, true]);
    const { loadGraphFile } = await import('../../src/formats/loadGraph.js');
    const graph = loadGraphFile(graphFile);
    const outputs: Int32Array[] = [];
    evaluateImages({
      graph,
      hardware: loadHardwareFile(HW),
      float,
      data: test,
      first: 0,
      end: 3,
      aloneImages: 0,
      onOutput: (_, output) => outputs.push(output),
    });
    for (const index of [0, 1, 2]) {
      const input = join(folder, `image${index}.npy`);
      writeFileSync(input, float32Npy(test.input(index).get('input') as Float32Array, [1, 1, 28, 28]));
      const dump = join(folder, `dump${index}`);
      const run = await runCli(['run', graphFile, '--hw', HW, '--input', input, '--dump', dump, '--format', 'json']);
      expect(run.exitCode).toBe(0);
      const logits = decodeNpy(new Uint8Array(readFileSync(join(dump, 'fc2.npy'))), 'fc2.npy').values;
      expect(Array.from(logits)).toEqual(Array.from(outputs[index] ?? []));
    }
    expect(correctOf(report)).toBeGreaterThan(0.9);
  });
});

function correctOf(report: { accuracy: number }): number {
  return report.accuracy;
}
