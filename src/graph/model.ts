/** The validated graph the rest of npusim works on: resolved tensor types, quantization and data. */
import type { RequantMode } from '../numeric/index.js';
import { type GraphOp, opInputs, type TensorTypeName } from './ops.js';

export { opInputs };

export type { GraphOp, TensorTypeName };

export interface TensorType {
  readonly name: TensorTypeName;
  readonly bits: number;
  readonly signed: boolean;
}

export type Quantization =
  | {
      readonly kind: 'affine';
      /** One scale per tensor, or one per channel along `axis`. */
      readonly scales: readonly number[];
      readonly zeroPoints: readonly number[];
      readonly axis: number | undefined;
    }
  | { readonly kind: 'dfp'; readonly fractionalBits: number; readonly shiftBias: number };

export interface Tensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly type: TensorType;
  readonly quant: Quantization | undefined;
  /** Constant data (weights, biases), flat row-major. */
  readonly data: Int32Array | undefined;
}

export interface Graph {
  readonly name: string;
  /** The file it was read from (or a description for graphs built in memory). */
  readonly file: string;
  /** Every file it was read from: the graph file and its sidecars (none for graphs built in memory). */
  readonly sourceFiles: readonly string[];
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly tensors: ReadonlyMap<string, Tensor>;
  readonly ops: readonly GraphOp[];
  /** The requantization mode the graph's scales were made for (a TFLite model's tflite-double, an ONNX model's ort-float). */
  readonly quantizedFor?: RequantMode | undefined;
  /** For a model imported from another format: its inputs and tensors in that model's terms (what `--input` reads and `--dump` writes). */
  readonly source?: SourceModel | undefined;
  /** For a graph written by `npusim quantize`: its float model (zoo:NAME, or a path relative to the graph file) and scheme. */
  readonly quantizedFrom?: { readonly model: string; readonly scheme: Readonly<Record<string, string | number | boolean>> } | undefined;
}

/**
 * A tensor in the source model's terms. npusim's values (row-major in npusim's shape) viewed as
 * `view`, with their axes permuted so that source axis j is view axis `permutation[j]`, then read as
 * `shape`, are the source tensor: an ONNX NCHW activation has view [N,H,W,C] and permutation [0,3,1,2];
 * an ONNX Flatten of one has the same view and permutation and shape [N, C*H*W]; a TFLite tensor is
 * npusim's as it is (identity permutation).
 */
export interface SourceTensor {
  readonly name: string;
  readonly shape: readonly number[];
  /** How the source model lays the axes out, for people: NCHW, NHWC, NC, ... */
  readonly layout: string;
  readonly view: readonly number[];
  readonly permutation: readonly number[];
}

/** npusim's activations are NHWC (and so are a TFLite model's): the layout's name for a rank. */
export function nhwcLayoutName(rank: number): string {
  return ['C', 'NC', 'NWC', 'NHWC'][rank - 1] ?? `rank ${rank}`;
}

/** A tensor whose source terms are npusim's own (a TFLite tensor; any tensor of a JSON or zoo graph). */
export function nativeSourceTensor(name: string, shape: readonly number[]): SourceTensor {
  return { name, shape: [...shape], layout: nhwcLayoutName(shape.length), view: [...shape], permutation: shape.map((_, axis) => axis) };
}

/** A graph input as the source model takes it: its dtype, and for a float32 input the QuantizeLinear that turns it into integers. */
export interface SourceInput {
  /** The npusim input tensor (its source terms are `SourceModel.tensors.get(tensor)`). */
  readonly tensor: string;
  readonly dtype: 'int8' | 'uint8' | 'int16' | 'float32';
  /** A float32 input is quantized as onnxruntime's QuantizeLinear does, with this scale and zero point. */
  readonly quantizeLinear?: { readonly scale: number; readonly zeroPoint: number } | undefined;
}

export interface SourceModel {
  readonly format: 'tflite' | 'onnx';
  /** The model file's name (no folder, so a graph written from it is the same on any machine). */
  readonly model: string;
  readonly inputs: readonly SourceInput[];
  /** Every activation tensor, by npusim tensor name. */
  readonly tensors: ReadonlyMap<string, SourceTensor>;
}

export function tensorType(name: TensorTypeName): TensorType {
  return { name, bits: Number(name.slice(1)), signed: name.startsWith('s') };
}

export function typeRange(type: TensorType): { min: number; max: number } {
  return type.signed ? { min: -(2 ** (type.bits - 1)), max: 2 ** (type.bits - 1) - 1 } : { min: 0, max: 2 ** type.bits - 1 };
}

/** Multiply-accumulates of an op (0 for ops the vector unit runs). */
export function opMacs(op: GraphOp, tensors: ReadonlyMap<string, Tensor>): number {
  const output = tensors.get(op.output);
  const weights = 'weights' in op ? tensors.get(op.weights) : undefined;
  if (output === undefined || weights === undefined) return 0;
  const outputs = output.shape.reduce((a, b) => a * b, 1);
  if (op.op === 'conv2d') {
    const [, kh = 1, kw = 1, cPerGroup = 1] = weights.shape;
    return outputs * kh * kw * cPerGroup;
  }
  if (op.op === 'depthwise_conv2d') {
    const [, kh = 1, kw = 1] = weights.shape;
    return outputs * kh * kw;
  }
  if (op.op === 'fully_connected') return outputs * (weights.shape[1] ?? 1);
  return 0;
}
