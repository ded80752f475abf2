/**
 * Tensors computed by the real TFLite Micro interpreter and reference kernels (the shared anchors,
 * ../shared/anchors/tflite-models/FORMAT.md, and the fixtures scripts/tflm/generate.mjs makes in
 * the same format), and the check that `npusim run MODEL.tflite --dump DIR` equals every one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import type { DumpManifestEntry } from '../../src/cli/commands/run.js';
import { decodeNpy } from '../../src/formats/npy.js';
import { runCli } from './cli.js';
import { REPO, temporaryDirectory } from './files.js';

export interface AnchorTensor {
  readonly tensor: string;
  readonly index: number;
  readonly op: number;
  readonly opType: string;
  readonly dtype: 'int8' | 'int16' | 'int32';
  readonly shape: readonly number[];
  readonly offset: number;
  readonly bytes: number;
}

const HW = join(REPO, 'configs/edge-npu.json');

function anchorValues(blob: Buffer, tensor: AnchorTensor): number[] {
  const view = new DataView(blob.buffer, blob.byteOffset + tensor.offset, tensor.bytes);
  const size = tensor.dtype === 'int8' ? 1 : tensor.dtype === 'int16' ? 2 : 4;
  return Array.from({ length: tensor.bytes / size }, (_, i) =>
    size === 1 ? view.getInt8(i) : size === 2 ? view.getInt16(i * 2, true) : view.getInt32(i * 4, true),
  );
}

/** Runs the model on `inputs` through the CLI (on edge-npu, or `hw`) and returns the dump folder and its manifest. */
export async function runWithDump(
  model: string,
  inputs: readonly string[],
  hw: string = HW,
): Promise<{ folder: string; manifest: DumpManifestEntry[] }> {
  const folder = join(temporaryDirectory(), 'dump');
  const run = await runCli([
    'run',
    model,
    '--hw',
    hw,
    ...inputs.flatMap((input) => ['--input', input]),
    '--dump',
    folder,
    '--format',
    'csv',
  ]);
  expect(run.stderr).toContain('layer outputs');
  expect(run.exitCode).toBe(0);
  return { folder, manifest: JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as DumpManifestEntry[] };
}

/**
 * `model` run on the inputs of the anchor `folder` (its .npy files in name order, or those of
 * `inputsFolder`) dumps every op output the anchor holds, found by its TFLite tensor name, with the
 * anchor's shape, dtype and values; on edge-npu, or on `hw`.
 */
export async function expectEqualsAnchor(
  model: string,
  folder: string,
  options: { readonly hw?: string; readonly inputsFolder?: string } = {},
): Promise<void> {
  const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as { inputs: string[]; tensors: AnchorTensor[] };
  const inputsFolder = options.inputsFolder ?? folder;
  const inputs = readdirSync(inputsFolder)
    .filter((name) => name.endsWith('.npy'))
    .sort()
    .map((name) => join(inputsFolder, name));
  expect(inputs.length).toBe(manifest.inputs.length);
  const blob = gunzipSync(readFileSync(join(folder, 'tensors.bin.gz')));
  const dump = await runWithDump(model, inputs, options.hw);
  expect(dump.manifest.length).toBe(manifest.tensors.length);
  for (const tensor of manifest.tensors) {
    const entry = dump.manifest.find((e) => e.sourceTensor === tensor.tensor);
    expect(entry, `op ${tensor.op} (${tensor.opType}) output "${tensor.tensor}" in the dump`).toBeDefined();
    if (entry === undefined) continue;
    expect([entry.shape, entry.dtype]).toEqual([tensor.shape, tensor.dtype]);
    const { values } = decodeNpy(new Uint8Array(readFileSync(join(dump.folder, entry.file))), entry.file);
    const expected = anchorValues(blob, tensor);
    const differing = expected.findIndex((value, index) => values[index] !== value);
    expect(differing, `op ${tensor.op} (${tensor.opType}) "${tensor.tensor}": first difference at element ${differing}`).toBe(-1);
    expect(values.length).toBe(expected.length);
  }
}
