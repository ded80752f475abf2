/**
 * An ONNX graph as the importer reads it: the opsets checked, constants (initializers and Constant
 * nodes) decoded to numbers, the graph inputs with static shapes, and the nodes with their
 * attributes by name. Everything npusim cannot take at this level (an unsupported opset, a dynamic
 * shape, an element type it has no kernel for, external data) is an InputError naming the file.
 */
import { InputError } from '../../errors.js';
import {
  type AttributeProto,
  decodeModel,
  int64,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './proto.js';

/** The ai.onnx opsets whose quantized ops npusim reads (QLinearConv and QuantizeLinear exist from 10; per-axis quantization from 13). */
export const MIN_OPSET = 10;
export const MAX_OPSET = 22;
/** onnxruntime's com.microsoft domain (QLinearAdd, QGemm, QLinearConcat, pooling) has version 1. */
const MICROSOFT_DOMAIN = 'com.microsoft';

/** TensorProto.DataType numbers (onnx.proto; onnx-proto's copy predates the 4-bit and float8 types). */
export const ELEMENT = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;
const ELEMENT_NAMES: Record<number, string> = {
  0: 'UNDEFINED',
  1: 'FLOAT',
  2: 'UINT8',
  3: 'INT8',
  4: 'UINT16',
  5: 'INT16',
  6: 'INT32',
  7: 'INT64',
  8: 'STRING',
  9: 'BOOL',
  10: 'FLOAT16',
  11: 'DOUBLE',
  12: 'UINT32',
  13: 'UINT64',
  14: 'COMPLEX64',
  15: 'COMPLEX128',
  16: 'BFLOAT16',
  17: 'FLOAT8E4M3FN',
  18: 'FLOAT8E4M3FNUZ',
  19: 'FLOAT8E5M2',
  20: 'FLOAT8E5M2FNUZ',
  21: 'UINT4',
  22: 'INT4',
  23: 'FLOAT4E2M1',
};

export function elementName(type: number): string {
  return ELEMENT_NAMES[type] ?? `element type ${type}`;
}

/** A constant: its dims and values (float32 values as numbers, integers exactly). */
export interface OnnxConstant {
  readonly name: string;
  readonly elemType: number;
  readonly dims: readonly number[];
  readonly values: readonly number[];
}

export interface OnnxValue {
  readonly name: string;
  readonly elemType: number;
  readonly dims: readonly number[];
}

export interface OnnxNode {
  /** Position in the graph's node list (0-based), as messages name it. */
  readonly index: number;
  readonly opType: string;
  readonly domain: string;
  readonly name: string;
  /** Input names; an omitted optional input is "". */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, AttributeProto>;
}

export interface OnnxGraph {
  readonly file: string;
  readonly name: string;
  readonly opset: number;
  readonly inputs: readonly OnnxValue[];
  readonly outputs: readonly string[];
  readonly constants: ReadonlyMap<string, OnnxConstant>;
  /** Compute nodes in graph order (Constant nodes are in `constants`). */
  readonly nodes: readonly OnnxNode[];
}

const ACCEPTED_TYPES: readonly number[] = [ELEMENT.FLOAT, ELEMENT.UINT8, ELEMENT.INT8, ELEMENT.INT32, ELEMENT.INT64];

function acceptedType(type: number, what: string, file: string): number {
  if (!ACCEPTED_TYPES.includes(type)) {
    throw new InputError(
      `${what} has element type ${elementName(type)}; npusim imports FLOAT, UINT8, INT8, INT32 (biases) and INT64 (shapes) tensors${type === 21 || type === 22 ? ' (int4 ONNX tensors are not supported yet)' : ''}`,
      file,
    );
  }
  return type;
}

function decodeRaw(raw: Uint8Array, type: number, count: number, what: string, file: string): number[] {
  const width = type === ELEMENT.INT64 ? 8 : type === ELEMENT.FLOAT || type === ELEMENT.INT32 ? 4 : 1;
  if (raw.length !== count * width)
    throw new InputError(`${what}: raw_data holds ${raw.length} bytes, its shape needs ${count * width}`, file);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const values: number[] = new Array(count);
  // One loop per element type (a weight tensor holds millions of values): the byte types read
  // through a typed view, the wider ones through the DataView, which needs no alignment.
  if (type === ELEMENT.INT8 || type === ELEMENT.UINT8) {
    const bytes = type === ELEMENT.INT8 ? new Int8Array(raw.buffer, raw.byteOffset, count) : raw;
    for (let index = 0; index < count; index += 1) values[index] = bytes[index] as number;
  } else if (type === ELEMENT.FLOAT) {
    for (let index = 0; index < count; index += 1) values[index] = view.getFloat32(index * 4, true);
  } else if (type === ELEMENT.INT32) {
    for (let index = 0; index < count; index += 1) values[index] = view.getInt32(index * 4, true);
  } else {
    for (let index = 0; index < count; index += 1) {
      const big = view.getBigInt64(index * 8, true);
      if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER))
        values[index] = big > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
      else values[index] = Number(big);
    }
  }
  return values;
}

/** A TensorProto's values: raw_data (little-endian) or the typed repeated fields. */
export function decodeTensor(tensor: TensorProto, what: string, file: string): OnnxConstant {
  const name = tensor.name ?? '';
  const type = acceptedType(tensor.dataType ?? 0, what, file);
  if (tensor.dataLocation === 1 || (tensor.externalData ?? []).length > 0)
    throw new InputError(
      `${what} keeps its data outside the model (external data), which npusim does not read; save the model with its weights inside`,
      file,
    );
  const dims = (tensor.dims ?? []).map((dim) => int64(dim, `${what} dims`, file));
  if (dims.some((dim) => dim < 0)) throw new InputError(`${what} has a negative dimension`, file);
  const count = dims.reduce((a, b) => a * b, 1);
  let values: number[];
  if (tensor.rawData !== null && tensor.rawData !== undefined && tensor.rawData.length > 0) {
    values = decodeRaw(tensor.rawData, type, count, what, file);
  } else {
    const field =
      type === ELEMENT.FLOAT
        ? (tensor.floatData ?? []).map((value) => Math.fround(value))
        : type === ELEMENT.INT64
          ? (tensor.int64Data ?? []).map((value) => int64(value, what, file))
          : (tensor.int32Data ?? []).map((value) =>
              type === ELEMENT.INT8 ? (value << 24) >> 24 : type === ELEMENT.UINT8 ? value & 0xff : value,
            );
    if (field.length !== count)
      throw new InputError(`${what}: holds ${field.length} values, its shape [${dims.join(',')}] needs ${count}`, file);
    values = field;
  }
  return { name, elemType: type, dims, values };
}

function valueOf(info: ValueInfoProto, what: string, file: string): OnnxValue {
  const name = info.name ?? '';
  const tensorType = info.type?.tensorType;
  if (tensorType === null || tensorType === undefined)
    throw new InputError(`${what} "${name}" is not a tensor (sequences and maps are not supported)`, file);
  const elemType = acceptedType(tensorType.elemType ?? 0, `${what} "${name}"`, file);
  const dims = (tensorType.shape?.dim ?? []).map((dim, axis) => {
    const value = dim.dimValue === null || dim.dimValue === undefined ? undefined : int64(dim.dimValue, `${what} "${name}"`, file);
    if (value === undefined || value <= 0) {
      const symbol = dim.dimParam ? ` ("${dim.dimParam}")` : '';
      throw new InputError(
        `${what} "${name}" has a dynamic shape: dimension ${axis}${symbol} is not a fixed positive size; npusim needs static shapes (fix the batch and image size, e.g. with onnxruntime's make_dynamic_shape_fixed)`,
        file,
      );
    }
    return value;
  });
  if (tensorType.shape === null || tensorType.shape === undefined)
    throw new InputError(`${what} "${name}" has no shape; npusim needs static shapes`, file);
  return { name, elemType, dims };
}

function attributes(node: NodeProto): Map<string, AttributeProto> {
  return new Map((node.attribute ?? []).map((attribute) => [attribute.name ?? '', attribute]));
}

/** The checked graph of a decoded model. */
export function readOnnxGraph(model: ModelProto, file: string): OnnxGraph {
  let opset: number | undefined;
  for (const entry of model.opsetImport ?? []) {
    const domain = entry.domain ?? '';
    const version = int64(entry.version, 'opset_import', file);
    if (domain === '' || domain === 'ai.onnx') {
      opset = version;
      if (version < MIN_OPSET || version > MAX_OPSET)
        throw new InputError(
          `ai.onnx opset ${version} is not supported; npusim reads opsets ${MIN_OPSET} to ${MAX_OPSET} (convert the model with onnx.version_converter)`,
          file,
        );
    } else if (domain === MICROSOFT_DOMAIN) {
      if (version !== 1) throw new InputError(`${domain} opset ${version} is not supported; npusim reads ${domain} version 1`, file);
    } else {
      throw new InputError(
        `opset domain "${domain}" (version ${version}) is not supported; npusim reads ai.onnx opsets ${MIN_OPSET} to ${MAX_OPSET} and ${MICROSOFT_DOMAIN} 1`,
        file,
      );
    }
  }
  if (opset === undefined) throw new InputError('the model imports no ai.onnx opset', file);
  const graph = model.graph;
  if (graph === null || graph === undefined) throw new InputError('not an ONNX model: no graph', file);
  const constants = new Map<string, OnnxConstant>();
  for (const tensor of graph.initializer ?? [])
    constants.set(tensor.name ?? '', decodeTensor(tensor, `initializer "${tensor.name ?? ''}"`, file));
  if ((graph.sparseInitializer ?? []).length > 0) throw new InputError('sparse initializers are not supported', file);
  const nodes: OnnxNode[] = [];
  (graph.node ?? []).forEach((node, index) => {
    const opType = node.opType ?? '';
    const outputs = node.output ?? [];
    if (opType === 'Constant' && (node.domain ?? '') === '') {
      const value = attributes(node).get('value')?.t;
      if (value === null || value === undefined)
        throw new InputError(`node ${index} (Constant "${node.name ?? ''}"): only a Constant with a "value" tensor is supported`, file);
      const name = outputs[0] ?? '';
      constants.set(name, { ...decodeTensor(value, `Constant node ${index} ("${name}")`, file), name });
      return;
    }
    nodes.push({
      index,
      opType,
      domain: node.domain ?? '',
      name: node.name ?? '',
      inputs: node.input ?? [],
      outputs,
      attributes: attributes(node),
    });
  });
  const inputs = (graph.input ?? []).filter((info) => !constants.has(info.name ?? '')).map((info) => valueOf(info, 'graph input', file));
  if (inputs.length === 0) throw new InputError('the model has no graph input', file);
  return {
    file,
    name: graph.name || 'onnx',
    opset,
    inputs,
    outputs: (graph.output ?? []).map((info) => info.name ?? ''),
    constants,
    nodes,
  };
}

/** Reads and checks an ONNX model from its bytes. */
export function parseOnnx(bytes: Uint8Array, file: string): OnnxGraph {
  return readOnnxGraph(decodeModel(bytes, file), file);
}

/** Attribute readers: ints, an int, a float, a string; `fallback` when absent. */
export function intsAttribute(node: OnnxNode, name: string, file: string): number[] | undefined {
  const attribute = node.attributes.get(name);
  return attribute === undefined
    ? undefined
    : (attribute.ints ?? []).map((value) => int64(value, `node ${node.index} attribute ${name}`, file));
}

export function intAttribute(node: OnnxNode, name: string, fallback: number, file: string): number {
  const attribute = node.attributes.get(name);
  return attribute === undefined ? fallback : int64(attribute.i, `node ${node.index} attribute ${name}`, file);
}

export function floatAttribute(node: OnnxNode, name: string, fallback: number): number {
  const attribute = node.attributes.get(name);
  return attribute === undefined ? fallback : Math.fround(attribute.f ?? 0);
}

export function stringAttribute(node: OnnxNode, name: string, fallback: string): string {
  const attribute = node.attributes.get(name);
  if (attribute === undefined) return fallback;
  const bytes = attribute.s;
  return bytes === null || bytes === undefined ? fallback : new TextDecoder().decode(bytes);
}
