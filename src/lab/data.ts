/**
 * The data a lab command evaluates or calibrates on, as inputs of a float model: `mnist` and
 * `fashion-mnist` (28 x 28 grey images, pixel / 255 in [0, 1], the preprocessing the shipped models
 * were trained with), or a folder of .npy images with a labels.json. A folder's images are in the
 * model's own terms (an ONNX model's NCHW): float32, or for a model dequantized from an integer one
 * its integer input, dequantized with that model's input scale and zero point.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DATASET_NAMES, type DatasetName, type DatasetSplit, imageAt, loadImageDataset } from '../datasets/index.js';
import { InputError } from '../errors.js';
import { decodeNpy, decodeNpyFloat32 } from '../formats/npy.js';
import { readJsonFile } from '../formats/readJson.js';
import type { FloatGraph } from '../graph/float.js';
import { nativeSourceTensor, type SourceTensor } from '../graph/model.js';
import { fromSourceOrder } from '../pipeline/sourceView.js';

export interface LabData {
  readonly name: string;
  readonly count: number;
  readonly classes: number;
  readonly labels: Int32Array;
  /** Image `index` as the float model's inputs (NHWC float32 by input name). */
  input(index: number): Map<string, Float32Array>;
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function theInput(float: FloatGraph, data: string): { name: string; shape: readonly number[]; source: SourceTensor } {
  if (float.inputs.length !== 1)
    throw new InputError(`the model has ${float.inputs.length} inputs; lab data sets feed models with one input`, data);
  const name = float.inputs[0] as string;
  const shape = float.tensors.get(name)?.shape ?? [];
  return { name, shape, source: float.source?.tensors.get(name) ?? nativeSourceTensor(name, shape) };
}

function imageData(float: FloatGraph, name: DatasetName, split: DatasetSplit): LabData {
  const dataset = loadImageDataset(name, split);
  const input = theInput(float, name);
  const pixels = dataset.rows * dataset.columns;
  if (elementCount(input.shape) !== pixels || (input.shape[input.shape.length - 1] ?? 1) !== (input.shape.length === 4 ? 1 : pixels))
    throw new InputError(
      `${name} images are ${dataset.rows} x ${dataset.columns} x 1; the model's input "${input.source.name}" is [${input.source.shape.join(', ')}]`,
      name,
    );
  return {
    name: `${name} (${split})`,
    count: dataset.count,
    classes: dataset.classes,
    labels: Int32Array.from(dataset.labels),
    input: (index) => {
      // Plain loops here and below: a typed array's from() with a mapping function is several times slower, once an image.
      const pixels = imageAt(dataset, index);
      const image = new Float32Array(pixels.length);
      for (let at = 0; at < pixels.length; at += 1) image[at] = (pixels[at] as number) / 255;
      return new Map([[input.name, image]]);
    },
  };
}

/** A folder: labels.json maps each .npy file name to its class; images are read in file-name order. */
function folderData(float: FloatGraph, folder: string): LabData {
  const labelsFile = join(folder, 'labels.json');
  const labels = readJsonFile(labelsFile, 'labels (JSON: {"image.npy": class, ...})');
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels))
    throw new InputError('expected an object mapping each .npy file name to its class index', labelsFile);
  const entries = Object.entries(labels as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) throw new InputError('names no image', labelsFile);
  for (const [file, label] of entries) {
    if (!Number.isInteger(label) || (label as number) < 0)
      throw new InputError(`expected a class index (a whole number >= 0), got ${JSON.stringify(label)}`, labelsFile, `$["${file}"]`);
  }
  const present = new Set(readdirSync(folder));
  const missing = entries.find(([file]) => !present.has(file));
  if (missing !== undefined) throw new InputError(`names ${missing[0]}, which is not in ${folder}`, labelsFile, `$["${missing[0]}"]`);
  const input = theInput(float, labelsFile);
  const count = elementCount(input.source.shape);
  // npusim's element i is the source's element order[i]: the source-to-npusim permutation of the indices.
  const order = fromSourceOrder(
    Int32Array.from({ length: count }, (_, index) => index),
    input.source,
  );
  const dequantize = float.origin.kind === 'dequantized' ? float.origin.inputs.find((entry) => entry.tensor === input.name) : undefined;
  const classes = Math.max(...entries.map(([, label]) => label as number)) + 1;
  return {
    name: folder,
    count: entries.length,
    classes,
    labels: Int32Array.from(entries, ([, label]) => label as number),
    input: (index) => {
      const file = join(folder, (entries[index] as [string, unknown])[0]);
      const bytes = new Uint8Array(readFileSync(file));
      const isFloat = /descr'\s*:\s*'<f4'/.test(new TextDecoder('latin1').decode(bytes.subarray(0, 256)));
      let values: ArrayLike<number>;
      let shape: readonly number[];
      if (isFloat) ({ values, shape } = decodeNpyFloat32(bytes, file));
      else if (dequantize !== undefined) {
        const decoded = decodeNpy(bytes, file);
        shape = decoded.shape;
        const integers = decoded.values;
        const real = new Float32Array(integers.length);
        for (let at = 0; at < integers.length; at += 1) real[at] = dequantize.scale * ((integers[at] as number) - dequantize.zeroPoint);
        values = real;
      } else throw new InputError(`holds integers; the model "${float.name}" is a float model and takes float32 (<f4) images`, file);
      if (shape.join(',') !== input.source.shape.join(','))
        throw new InputError(
          `holds shape (${shape.join(', ')}); the model's input "${input.source.name}" is (${input.source.shape.join(', ')})`,
          file,
        );
      const image = new Float32Array(order.length);
      for (let at = 0; at < order.length; at += 1) image[at] = values[order[at] as number] ?? 0;
      return new Map([[input.name, image]]);
    },
  };
}

/** `--data mnist | fashion-mnist | FOLDER`, for a float model's input. */
export function loadLabData(spec: string, float: FloatGraph, split: DatasetSplit = 'test'): LabData {
  if ((DATASET_NAMES as readonly string[]).includes(spec)) return imageData(float, spec as DatasetName, split);
  let isFolder = false;
  try {
    isFolder = statSync(spec).isDirectory();
  } catch {
    isFolder = false;
  }
  if (!isFolder) throw new InputError(`expected ${DATASET_NAMES.join(' or ')}, or a folder holding .npy images and a labels.json`, spec);
  return folderData(float, spec);
}
