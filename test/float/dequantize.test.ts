/**
 * Dequantizing a real int8 model: MobileNetV2 from TFLite Micro's Xtensa example, its weights
 * scale x (q - zp) per channel and its biases q x s_in x s_w, run by the float executor on the
 * example's dog image (the int8 input dequantized): the float twin's top-1 is the int8 model's
 * 258 (Samoyed), as TFLite Micro reports for the int8 model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dequantizeGraph, dequantizeInput, runFloat } from '../../src/float/index.js';
import { decodeNpy } from '../../src/formats/npy.js';
import { loadTfliteGraph } from '../../src/importers/tflite/index.js';
import { REPO } from '../support/files.js';

describe('a dequantized int8 model', () => {
  it('MobileNetV2 int8 dequantized: float top-1 on the dog image is 258, and every weight is scale x q', () => {
    const graph = loadTfliteGraph(join(REPO, 'models/mobilenet_v2_quantized_1x3x224x224.tflite'));
    const float = dequantizeGraph(graph);
    expect(float.origin).toMatchObject({ kind: 'dequantized', from: graph.file });
    const firstConv = graph.ops.find((op) => op.op === 'conv2d');
    if (firstConv === undefined || firstConv.op !== 'conv2d') throw new Error('no conv');
    const weights = graph.tensors.get(firstConv.weights);
    const floatWeights = float.tensors.get(firstConv.weights)?.data;
    if (weights?.data === undefined || weights.quant?.kind !== 'affine' || floatWeights === undefined) throw new Error('no weights');
    const perChannel = weights.data.length / (weights.shape[0] ?? 1);
    // Element k of output channel o is scale[o] x q, in float32.
    expect(floatWeights[perChannel * 5 + 7]).toBe(Math.fround((weights.quant.scales[5] ?? 0) * (weights.data[perChannel * 5 + 7] ?? 0)));
    const input = graph.tensors.get(graph.inputs[0] ?? '');
    if (input === undefined) throw new Error('no input');
    const dog = decodeNpy(new Uint8Array(readFileSync(join(REPO, 'models/dog.npy'))), 'dog.npy');
    const values = runFloat(float, new Map([[input.name, dequantizeInput(input, dog.values)]]));
    const logits = values.get(graph.outputs[0] ?? '') ?? new Float32Array(0);
    expect(logits.length).toBe(1000);
    expect(logits.indexOf(Math.max(...logits))).toBe(258);
  });
});
