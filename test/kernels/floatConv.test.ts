/**
 * The float reference's convolutions in the SIMD kernels give the plain loops' float32 values bit
 * for bit (zeros' signs included), on every tensor of real models: the trained MNIST and
 * Fashion-MNIST CNNs on seeded inputs, MobileNetV2 int8 dequantized on its dog image (depthwise with
 * a multiplier of 1, padding, strides) and person_detect dequantized on a seeded input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seededIntegers } from '../../src/engine/random.js';
import { dequantizeGraph, dequantizeInput, runFloat } from '../../src/float/index.js';
import { decodeNpy } from '../../src/formats/npy.js';
import type { FloatGraph } from '../../src/graph/float.js';
import { loadTfliteGraph } from '../../src/importers/tflite/index.js';
import { loadFloatModel } from '../../src/lab/floatModel.js';
import { REPO } from '../support/files.js';

afterEach(() => {
  delete process.env.NPUSIM_KERNELS;
});

function valuesWith(kernels: 'simd' | 'plain', graph: FloatGraph, inputs: ReadonlyMap<string, Float32Array>): Map<string, Buffer> {
  process.env.NPUSIM_KERNELS = kernels;
  const values = runFloat(graph, inputs);
  return new Map([...values].map(([name, tensor]) => [name, Buffer.from(tensor.buffer, tensor.byteOffset, tensor.byteLength)]));
}

function expectSameValues(graph: FloatGraph, inputs: ReadonlyMap<string, Float32Array>): void {
  const simd = valuesWith('simd', graph, inputs);
  const plain = valuesWith('plain', graph, inputs);
  expect([...simd.keys()]).toEqual([...plain.keys()]);
  for (const [name, bytes] of plain) expect(simd.get(name)?.equals(bytes), `${graph.name}: ${name}`).toBe(true);
}

function seededInput(graph: FloatGraph, seed: number): Map<string, Float32Array> {
  const name = graph.inputs[0] ?? '';
  const shape = graph.tensors.get(name)?.shape ?? [];
  const count = shape.reduce((a, b) => a * b, 1);
  return new Map([[name, Float32Array.from(seededIntegers(seed, count, -1000, 1000), (value) => value / 1000)]]);
}

describe('float convolutions: SIMD equals plain', () => {
  for (const model of ['zoo:mnist_cnn', 'zoo:fashion_cnn']) {
    it(`every tensor of ${model}, on five seeded inputs`, () => {
      const graph = loadFloatModel(model);
      for (let seed = 1; seed <= 5; seed += 1) expectSameValues(graph, seededInput(graph, seed));
    });
  }

  it('every tensor of MobileNetV2 int8 dequantized, on the dog image', () => {
    const graph = loadTfliteGraph(join(REPO, 'models/mobilenet_v2_quantized_1x3x224x224.tflite'));
    const float = dequantizeGraph(graph);
    const input = graph.tensors.get(graph.inputs[0] ?? '');
    if (input === undefined) throw new Error('no input');
    const dog = decodeNpy(new Uint8Array(readFileSync(join(REPO, 'models/dog.npy'))), 'dog.npy');
    expectSameValues(float, new Map([[input.name, dequantizeInput(input, dog.values)]]));
  });

  it('every tensor of person_detect dequantized, on a seeded input', () => {
    const float = dequantizeGraph(loadTfliteGraph(join(REPO, 'models/person_detect.tflite')));
    expectSameValues(float, seededInput(float, 7));
  });
});
