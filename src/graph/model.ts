/** The validated graph the rest of npusim works on: resolved tensor types, quantization and data. */
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
  /** For a model imported from another format: each input as that model gives it (what `--input` reads). */
  readonly sourceInputs?: readonly SourceInput[];
}

/** A graph input in the source model's terms: its layout, dtype and how it becomes the npusim tensor. */
export interface SourceInput {
  /** The npusim input tensor. */
  readonly tensor: string;
  /** The source model's input name and shape. */
  readonly source: string;
  readonly shape: readonly number[];
  /** npusim's axis i is the source's axis `permutation[i]` (NCHW to NHWC: [0, 2, 3, 1]). */
  readonly permutation: readonly number[];
  readonly dtype: 'int8' | 'uint8' | 'float32';
  /** A float32 input is quantized as onnxruntime's QuantizeLinear does, with this scale and zero point. */
  readonly quantizeLinear?: { readonly scale: number; readonly zeroPoint: number };
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
