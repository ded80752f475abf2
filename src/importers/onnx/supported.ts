/** The ONNX ops the importer takes, in both quantized forms, and the error for any other. */
import { InputError } from '../../errors.js';
import type { OnnxNode } from './model.js';

/** QOperator: onnxruntime's integer ops (ai.onnx and com.microsoft), and the ops that act on quantized tensors as they are. */
export const QOPERATOR_OPS = [
  'QLinearConv',
  'QLinearMatMul',
  'QGemm',
  'QLinearAdd',
  'QLinearAveragePool',
  'QLinearGlobalAveragePool',
  'QLinearConcat',
  'MaxPool',
  'Reshape',
  'Flatten',
  'Clip',
  'Relu',
  'QuantizeLinear',
  'DequantizeLinear',
] as const;

/** QDQ: float ops between DequantizeLinear and QuantizeLinear, each run as its fused integer kernel. */
export const QDQ_OPS = [
  'Conv',
  'Gemm',
  'MatMul',
  'Add',
  'AveragePool',
  'GlobalAveragePool',
  'MaxPool',
  'Concat',
  'Reshape',
  'Flatten',
  'Relu',
  'Clip',
] as const;

export function describeNode(node: OnnxNode): string {
  const domain = node.domain === '' ? '' : `${node.domain}.`;
  return `node ${node.index} (${domain}${node.opType}${node.name === '' ? '' : ` "${node.name}"`}, producing "${node.outputs[0] ?? ''}")`;
}

export function unsupportedOp(node: OnnxNode, file: string, why?: string): InputError {
  return new InputError(
    `${describeNode(node)}: op ${node.opType} is not supported${why === undefined ? '' : ` (${why})`}; npusim imports QOperator models (${QOPERATOR_OPS.join(', ')}) and QDQ models (QuantizeLinear/DequantizeLinear around ${QDQ_OPS.join(', ')})`,
    file,
  );
}

/** A node npusim reads but whose use here it cannot compute exactly. */
export function nodeError(node: OnnxNode, file: string, message: string): InputError {
  return new InputError(`${describeNode(node)}: ${message}`, file);
}
