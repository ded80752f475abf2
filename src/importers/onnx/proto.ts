/**
 * Decoding an .onnx file with onnx-proto (protobufjs code generated from onnx.proto): the raw
 * ModelProto, and the few conversions every reader of it needs (protobuf int64 fields arrive as
 * Long objects, optional fields as null).
 */
import { createRequire } from 'node:module';
import type onnxProto from 'onnx-proto';
import { InputError } from '../../errors.js';
import { readUpTo } from '../../formats/readFile.js';

/** The generated messages, loaded on the first .onnx file read: commands that read none should not start slower for them. */
function messages(): typeof onnxProto.onnx {
  return (createRequire(import.meta.url)('onnx-proto') as typeof onnxProto).onnx;
}
export type ModelProto = onnxProto.onnx.ModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

/** Protobuf caps a message at 2 GiB; larger models keep their weights in external data, which npusim does not read. */
export const MAX_ONNX_BYTES = 2 ** 31 - 1;

type LongLike = number | { toNumber(): number; toString(): string } | null | undefined;

/** A protobuf int64 as a number; one beyond 2^53 is refused rather than rounded. */
export function int64(value: LongLike, what: string, file: string): number {
  if (value === null || value === undefined) return 0;
  const number = typeof value === 'number' ? value : value.toNumber();
  if (!Number.isSafeInteger(number))
    throw new InputError(`${what}: ${String(value)} is outside the integers npusim handles exactly (|x| < 2^53)`, file);
  return number;
}

/** The bytes of an .onnx file, bounded by what a protobuf message can hold. */
export function readOnnxBytes(file: string): Uint8Array {
  const { bytes, truncated } = readUpTo(file, MAX_ONNX_BYTES, 'an ONNX model (.onnx)');
  if (truncated)
    throw new InputError(
      `holds more than ${MAX_ONNX_BYTES} bytes, more than a protobuf ONNX model can; models with external data are not supported`,
      file,
    );
  return bytes;
}

/** Decodes a ModelProto; a truncated or non-protobuf file is an InputError naming the file. */
export function decodeModel(bytes: Uint8Array, file: string): ModelProto {
  // Protobuf writes fields in number order, so a model starts with ir_version (field 1, a varint: tag 0x08).
  if (bytes.length === 0 || bytes[0] !== 0x08)
    throw new InputError('not an ONNX model (an .onnx file is a protobuf ModelProto that begins with its ir_version)', file);
  let model: ModelProto;
  try {
    model = messages().ModelProto.decode(bytes);
  } catch (error) {
    const reason = (error as Error).message;
    const truncated = /index out of range/.test(reason);
    throw new InputError(
      `${truncated ? 'the file ends in the middle of an ONNX model (truncated?)' : 'not an ONNX model (the protobuf does not decode)'}: ${reason}`,
      file,
    );
  }
  if (model.graph === null || model.graph === undefined || int64(model.irVersion, 'ir_version', file) <= 0) {
    throw new InputError('not an ONNX model: no ir_version or no graph (is this an .onnx file?)', file);
  }
  return model;
}
