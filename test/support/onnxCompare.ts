/**
 * One model, two runs: onnxruntime-node (CPU, every QDQ group fused) and npusim's ort-float run of
 * the same .onnx bytes through `npusim run MODEL.onnx --dump`; every tensor of the manifest compared.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { DumpManifestEntry } from '../../src/cli/commands/run.js';
import { seededIntegers } from '../../src/engine/random.js';
import { decodeNpy, encodeNpy } from '../../src/formats/npy.js';
import type { Graph } from '../../src/graph/model.js';
import { typeRange } from '../../src/graph/model.js';
import { importOnnx } from '../../src/importers/onnx/index.js';
import { expectSameElements } from './arrays.js';
import { runCli } from './cli.js';
import { temporaryDirectory } from './files.js';
import { FLOAT_COMPUTE_OPS, runOrt } from './onnx.js';
import type { ExportedModel } from './onnxExport.js';
import { ortHardwareConfig } from './ortHardware.js';

export interface Comparison {
  /** Tensors compared, and their elements. */
  readonly tensors: number;
  readonly elements: number;
  /** The op types onnxruntime ran. */
  readonly optimizedOps: string[];
  /** Elements strictly inside their type's range (the cases exercise requantization, not just saturation). */
  readonly interior: number;
}

/** A float32 .npy (npusim writes only integer ones). */
export function float32Npy(values: ArrayLike<number>, dims: readonly number[]): Uint8Array {
  const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims.join(', ')}${dims.length === 1 ? ',' : ''}), }`;
  const padded = header + ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const bytes = new Uint8Array(10 + padded.length + values.length * 4);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const view = new DataView(bytes.buffer);
  view.setUint16(8, padded.length, true);
  for (let i = 0; i < padded.length; i++) bytes[10 + i] = padded.charCodeAt(i);
  for (let i = 0; i < values.length; i++) view.setFloat32(10 + padded.length + 4 * i, values[i] as number, true);
  return bytes;
}

/**
 * Runs both and expects every tensor of the --dump manifest equal to onnxruntime's tensor of that
 * name, in ONNX's shape and layout; QDQ models must leave no float compute op in onnxruntime. npusim
 * runs as a user runs it: `npusim run model.onnx --input x.npy --dump DIR`, the input in the model's terms.
 */
export async function compareWithOnnxruntime(model: ExportedModel, seed: number, level: 'disabled' | 'all'): Promise<Comparison> {
  const imported = importOnnx(model.bytes, 'model.onnx', 'model.bin');
  const graph: Graph = imported.graph;
  const input = graph.tensors.get(graph.inputs[0] as string);
  if (input === undefined) throw new Error('no input');
  const { min, max } = typeRange(input.type);
  const integers = seededIntegers(
    seed,
    input.shape.reduce((a, b) => a * b, 1),
    min,
    max,
  );
  const quant = input.quant?.kind === 'affine' ? input.quant : undefined;
  const feed =
    model.input.type === 'float32'
      ? Array.from(integers, (x) => Math.fround((x - (quant?.zeroPoints[0] ?? 0)) * (quant?.scales[0] ?? 1)))
      : Array.from(integers);
  const theirs = await runOrt(
    model.bytes,
    { [model.input.name]: { type: model.input.type, data: feed, dims: model.input.dims } },
    { level },
  );
  if (model.input.type === 'float32') {
    // The QuantizeLinear at the input is the only one; every other group fused into its integer kernel.
    const leftover = theirs.optimizedOps.filter((op) => FLOAT_COMPUTE_OPS.includes(op) || op === 'DequantizeLinear');
    expect(leftover, `float ops onnxruntime did not fuse: ${theirs.optimizedOps.join(', ')}`).toEqual([]);
    expect(theirs.optimizedOps.filter((op) => op === 'QuantizeLinear')).toHaveLength(1);
  }

  const folder = temporaryDirectory('npusim-ort-compare-');
  try {
    const modelFile = join(folder, 'model.onnx');
    const hardwareFile = join(folder, 'edge-npu-ort.json');
    const inputFile = join(folder, 'input.npy');
    writeFileSync(modelFile, model.bytes);
    writeFileSync(hardwareFile, JSON.stringify(ortHardwareConfig()));
    const dtype = { uint8: '|u1', int8: '|i1' } as const;
    writeFileSync(
      inputFile,
      model.input.type === 'float32'
        ? float32Npy(feed, model.input.dims)
        : encodeNpy(Int32Array.from(integers), model.input.dims, dtype[model.input.type]),
    );
    const dump = join(folder, 'dump');
    const run = await runCli(['run', modelFile, '--hw', hardwareFile, '--input', inputFile, '--dump', dump, '--format', 'json']);
    expect(run.stderr.replace(/^wrote .*\n/m, ''), 'npusim run').toBe('');
    expect(run.exitCode).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dump, 'manifest.json'), 'utf8')) as DumpManifestEntry[];
    expect(manifest).toHaveLength(graph.ops.length);
    let elements = 0;
    let interior = 0;
    let tensors = 0;
    for (const entry of manifest) {
      const expected = theirs.outputs[entry.sourceTensor];
      if (expected === undefined) continue;
      const dumped = decodeNpy(readFileSync(join(dump, entry.file)), entry.file);
      expect(dumped.shape, `shape of "${entry.sourceTensor}"`).toEqual(expected.dims);
      expect(entry.shape).toEqual(expected.dims);
      expect(entry.dtype).toBe(expected.type);
      expectSameElements(dumped.values, expected.data, `tensor "${entry.sourceTensor}"`);
      const type = graph.tensors.get(entry.sourceTensor)?.type;
      const range = type === undefined ? { min: 0, max: 0 } : typeRange(type);
      tensors += 1;
      elements += expected.data.length;
      interior += expected.data.filter((value) => value > range.min && value < range.max).length;
    }
    // Every tensor onnxruntime was asked for is in the manifest.
    expect(tensors).toBe(model.outputs.size);
    return { tensors, elements, optimizedOps: theirs.optimizedOps, interior };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
