/**
 * The float model: the same ops as the integer graph (graph/ops.ts), over float32 tensors. A float
 * ONNX model imports into it, a quantized graph dequantizes into it, and the quantization lab
 * calibrates on it and quantizes it back into an integer graph with the same tensor names, so
 * that every integer tensor has a float twin to be compared with.
 */
import type { SourceModel } from './model.js';
import type { GraphOp } from './ops.js';

export interface FloatTensor {
  readonly name: string;
  /** NHWC activations; OHWI conv weights, [1, KH, KW, C x M] depthwise, [O, K] fully connected. */
  readonly shape: readonly number[];
  /** Constants (weights, biases), row-major; undefined for activations. */
  readonly data: Float32Array | undefined;
}

/** Where a float model's numbers came from: trained in float, or dequantized from an integer model. */
export type FloatOrigin =
  | { readonly kind: 'float' }
  | {
      readonly kind: 'dequantized';
      readonly from: string;
      /** The integer model's input quantization: an integer image in its terms is scale x (q - zeroPoint) here. */
      readonly inputs: readonly { readonly tensor: string; readonly scale: number; readonly zeroPoint: number }[];
    };

export interface FloatGraph {
  readonly name: string;
  /** The file it was read from (or a description for graphs built in memory). */
  readonly file: string;
  readonly origin: FloatOrigin;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly tensors: ReadonlyMap<string, FloatTensor>;
  /** Quantize ops (a dequantized model's requantizations) are identities in float. */
  readonly ops: readonly GraphOp[];
  /** For an imported model: its tensors in the model's own terms (NCHW for ONNX). */
  readonly source?: SourceModel | undefined;
}

export function floatTensor(graph: FloatGraph, name: string): FloatTensor {
  const tensor = graph.tensors.get(name);
  if (tensor === undefined) throw new Error(`float graph ${graph.name} has no tensor ${name}`);
  return tensor;
}
