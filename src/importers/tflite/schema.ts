/**
 * The TFLite model as plain data, read from the flatbuffer with the field ids of TFLite's schema
 * (tensorflow/compiler/mlir/lite/schema/schema.fbs in tensorflow/tflite-micro at 90b983c; Apache-2.0):
 * only the tables and fields the importer uses. Field ids are the declaration order, a union taking
 * two (its type, then its value).
 */
import { FlatBuffer, FlatbufferError, type Table } from './flatbuffer.js';

export { FlatbufferError };

/** TensorType values the importer names (schema.fbs `enum TensorType`). */
export const TENSOR_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'FLOAT32',
  1: 'FLOAT16',
  2: 'INT32',
  3: 'UINT8',
  4: 'INT64',
  5: 'STRING',
  6: 'BOOL',
  7: 'INT16',
  8: 'COMPLEX64',
  9: 'INT8',
  10: 'FLOAT64',
  11: 'COMPLEX128',
  12: 'UINT64',
  13: 'RESOURCE',
  14: 'VARIANT',
  15: 'UINT32',
  16: 'UINT16',
  17: 'INT4',
  18: 'BFLOAT16',
  19: 'INT2',
  20: 'UINT4',
  21: 'FLOAT8_E4M3FN',
  22: 'FLOAT8_E5M2',
};

export interface TfliteQuantization {
  readonly scales: readonly number[];
  readonly zeroPoints: readonly bigint[];
  readonly quantizedDimension: number;
  /** A QuantizationDetails union is set (custom or blockwise quantization). */
  readonly hasDetails: boolean;
}

export interface TfliteTensor {
  readonly index: number;
  readonly name: string;
  readonly shape: readonly number[];
  /** shape_signature: -1 marks a dynamic dimension. */
  readonly shapeSignature: readonly number[] | undefined;
  readonly type: number;
  readonly buffer: number;
  readonly quantization: TfliteQuantization | undefined;
  readonly sparse: boolean;
  readonly isVariable: boolean;
}

export interface TfliteOperator {
  readonly index: number;
  readonly opcodeIndex: number;
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** The builtin options table (read per op by the importer), if any. */
  readonly options: Table | undefined;
}

export interface TfliteOperatorCode {
  readonly builtinCode: number;
  readonly customCode: string | undefined;
  readonly version: number;
}

export interface TfliteSubgraph {
  readonly name: string;
  readonly tensors: readonly TfliteTensor[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly operators: readonly TfliteOperator[];
}

export interface TfliteBuffer {
  readonly data: Uint8Array | undefined;
  /** offset/size of data stored after the flatbuffer (models over 2 GB); 0 when inline. */
  readonly offset: bigint;
  readonly size: bigint;
}

export interface TfliteModel {
  readonly version: number;
  readonly description: string | undefined;
  readonly operatorCodes: readonly TfliteOperatorCode[];
  readonly subgraphs: readonly TfliteSubgraph[];
  readonly buffers: readonly TfliteBuffer[];
}

export const TFLITE_IDENTIFIER = 'TFL3';

function readTensor(table: Table, index: number): TfliteTensor {
  // Tensor: shape 0, type 1, buffer 2, name 3, quantization 4, is_variable 5, sparsity 6, shape_signature 7.
  const quant = table.table(4, `tensor ${index}'s quantization`);
  return {
    index,
    name: table.string(3) ?? `tensor${index}`,
    shape: table.i32s(0) ?? [],
    shapeSignature: table.i32s(7),
    type: table.i8(1),
    buffer: table.u32(2),
    // QuantizationParameters: min 0, max 1, scale 2, zero_point 3, details_type 4, details 5, quantized_dimension 6.
    quantization:
      quant === undefined
        ? undefined
        : { scales: quant.f32s(2) ?? [], zeroPoints: quant.i64s(3) ?? [], quantizedDimension: quant.i32(6), hasDetails: quant.u8(4) !== 0 },
    sparse: table.has(6),
    isVariable: table.bool(5),
  };
}

function readOperator(table: Table, index: number): TfliteOperator {
  // Operator: opcode_index 0, inputs 1, outputs 2, builtin_options_type 3, builtin_options 4.
  return {
    index,
    opcodeIndex: table.u32(0),
    inputs: table.i32s(1) ?? [],
    outputs: table.i32s(2) ?? [],
    options: table.table(4, `operator ${index}'s options`),
  };
}

function readSubgraph(table: Table, index: number): TfliteSubgraph {
  // SubGraph: tensors 0, inputs 1, outputs 2, operators 3, name 4.
  return {
    name: table.string(4) ?? `subgraph${index}`,
    tensors: (table.tables(0, 'tensor') ?? []).map(readTensor),
    inputs: table.i32s(1) ?? [],
    outputs: table.i32s(2) ?? [],
    operators: (table.tables(3, 'operator') ?? []).map(readOperator),
  };
}

/**
 * The model in `bytes`; a FlatbufferError for a file that is not a TFLite flatbuffer. The builtin
 * code is the larger of the deprecated int8 field and the int32 one, as TFLite's GetBuiltinCode
 * does (older files only have the first).
 */
export function readTfliteModel(bytes: Uint8Array): TfliteModel {
  if (bytes.byteLength < 8)
    throw new FlatbufferError(`${bytes.byteLength} bytes is too short for a flatbuffer (truncated or not a TFLite model)`);
  const buffer = new FlatBuffer(bytes);
  const identifier = buffer.identifier();
  if (identifier !== TFLITE_IDENTIFIER) {
    const shown = /^[\x20-\x7e]{4}$/.test(identifier)
      ? `"${identifier}"`
      : `bytes ${[...bytes.subarray(4, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
    throw new FlatbufferError(`file identifier ${shown} is not "${TFLITE_IDENTIFIER}": not a TFLite model`);
  }
  const root = buffer.root();
  // Model: version 0, operator_codes 1, subgraphs 2, description 3, buffers 4.
  const operatorCodes = (root.tables(1, 'operator code') ?? []).map((code) => ({
    // OperatorCode: deprecated_builtin_code 0 (int8), custom_code 1, version 2, builtin_code 3.
    builtinCode: Math.max(code.i8(0), code.i32(3)),
    customCode: code.string(1),
    version: code.i32(2, 1),
  }));
  return {
    version: root.u32(0),
    description: root.string(3),
    operatorCodes,
    subgraphs: (root.tables(2, 'subgraph') ?? []).map(readSubgraph),
    // Buffer: data 0, offset 1, size 2.
    buffers: (root.tables(4, 'buffer') ?? []).map((table) => ({ data: table.bytes(0), offset: table.u64(1), size: table.u64(2) })),
  };
}
