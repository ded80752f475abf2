/**
 * The zoo's real models: quantized networks as their authors shipped them, vendored under models/
 * (provenance and licence in models/README.md). `zoo:NAME` of one loads its file; the seeded
 * networks (networks.ts) are built instead, and only they take quantization options.
 */
import { fileURLToPath } from 'node:url';
import type { LabelSetName } from '../datasets/labels.js';

export const REAL_ZOO_MODELS = {
  /** MobileNet v1 0.25, 96x96x1 int8, person / no person (tflite-micro's person_detection example). */
  person_detect: 'person_detect.tflite',
  /** MobileNetV2 1.0, ImageNet, per-channel int8, exported from PyTorch (tflite-micro's Xtensa example). */
  mobilenet_v2_int8: 'mobilenet_v2_quantized_1x3x224x224.tflite',
} as const;

export type RealZooName = keyof typeof REAL_ZOO_MODELS;
export const REAL_ZOO_NAMES = Object.keys(REAL_ZOO_MODELS) as RealZooName[];

export function isRealZooName(name: string): name is RealZooName {
  return Object.hasOwn(REAL_ZOO_MODELS, name);
}

/** The vendored file of a real model: models/ sits two folders up from both src/zoo/ and dist/zoo/. */
export function realZooModelFile(name: RealZooName): string {
  return fileURLToPath(new URL(`../../models/${REAL_ZOO_MODELS[name]}`, import.meta.url));
}

/** Whether a GRAPH argument is a seeded zoo network (`zoo:NAME`, built in memory, quantization options apply). */
export function isSeededZooArgument(argument: string): boolean {
  const name = argument.slice('zoo:'.length);
  return argument.startsWith('zoo:') && !isRealZooName(name) && !isFloatZooName(name);
}

/** The zoo's float models: small CNNs trained by scripts/train-cnn.mjs, vendored under models/ as float ONNX. */
export const FLOAT_ZOO_MODELS = {
  /** MNIST digits, input [1,1,28,28] = pixel / 255. */
  mnist_cnn: 'mnist_cnn.onnx',
  /** Fashion-MNIST, the same architecture and preprocessing. */
  fashion_cnn: 'fashion_cnn.onnx',
} as const;

export type FloatZooName = keyof typeof FLOAT_ZOO_MODELS;
export const FLOAT_ZOO_NAMES = Object.keys(FLOAT_ZOO_MODELS) as FloatZooName[];

export function isFloatZooName(name: string): name is FloatZooName {
  return Object.hasOwn(FLOAT_ZOO_MODELS, name);
}

export function floatZooModelFile(name: FloatZooName): string {
  return fileURLToPath(new URL(`../../models/${FLOAT_ZOO_MODELS[name]}`, import.meta.url));
}

/** The class names of each zoo model's output, which `run --top` prints. */
const ZOO_LABELS: Readonly<Record<RealZooName | FloatZooName, LabelSetName>> = {
  person_detect: 'person',
  mobilenet_v2_int8: 'imagenet',
  mnist_cnn: 'mnist',
  fashion_cnn: 'fashion-mnist',
};

/** The label set of a `zoo:NAME` argument whose model has one. */
export function zooLabelSet(argument: string): LabelSetName | undefined {
  const name = argument.slice('zoo:'.length);
  if (!argument.startsWith('zoo:') || !(isRealZooName(name) || isFloatZooName(name))) return undefined;
  return ZOO_LABELS[name];
}
