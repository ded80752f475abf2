/**
 * Class names, so a classifier's output reads as what it means: ImageNet's 1000 (vendored in
 * models/imagenet_classes.json from the npm package @tensorflow-models/mobilenet, Apache-2.0),
 * person_detect's two, the ten digits and Fashion-MNIST's ten; or a JSON file of names given by
 * the user, one per output index.
 */
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';
import { readJsonFile } from '../formats/readJson.js';

export const LABEL_SET_NAMES = ['imagenet', 'person', 'mnist', 'fashion-mnist'] as const;
export type LabelSetName = (typeof LABEL_SET_NAMES)[number];

/** The most names a labels file may hold (ImageNet-21k has 21,843). */
export const MAX_LABELS = 100_000;

const BUILT_IN: Readonly<Record<Exclude<LabelSetName, 'imagenet'>, readonly string[]>> = {
  // tflite-micro's person_detection example: output index 0 is "no person", 1 "person".
  person: ['no person', 'person'],
  mnist: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  // Fashion-MNIST's README (zalandoresearch/fashion-mnist), in label order.
  'fashion-mnist': ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
};

/** models/ sits two folders up from both src/datasets/ and dist/datasets/. */
const IMAGENET_FILE = fileURLToPath(new URL('../../models/imagenet_classes.json', import.meta.url));

export function isLabelSetName(name: string): name is LabelSetName {
  return (LABEL_SET_NAMES as readonly string[]).includes(name);
}

/** A labels file: a JSON array of 1..MAX_LABELS strings, the name of output index i at position i. */
export function readLabelsFile(file: string): readonly string[] {
  const value = readJsonFile(file, 'a JSON array of class names');
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LABELS)
    throw new InputError(`expected a JSON array of 1 to ${MAX_LABELS} class names, one per output index`, file);
  const bad = value.findIndex((name) => typeof name !== 'string');
  if (bad >= 0) throw new InputError(`expected a class name (a string), got ${JSON.stringify(value[bad])}`, file, `$[${bad}]`);
  return value as string[];
}

/** A built-in label set by name, or a labels file. */
export function loadLabels(nameOrFile: string): readonly string[] {
  if (!isLabelSetName(nameOrFile)) return readLabelsFile(nameOrFile);
  return nameOrFile === 'imagenet' ? readLabelsFile(IMAGENET_FILE) : BUILT_IN[nameOrFile];
}
