/**
 * NumPy .npy files (format version 1.0) of integer tensors, so that npusim's inputs and layer
 * dumps can be compared with other tools: little-endian, C order.
 */
import { InputError } from '../errors.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const GROWTH_AXIS_MAX_DIGITS = 21;

interface DtypeInfo {
  readonly bytes: number;
  readonly read: (view: DataView, offset: number) => number;
  readonly write: (view: DataView, offset: number, value: number) => void;
}

const DTYPES: Record<string, DtypeInfo> = {
  '|i1': { bytes: 1, read: (v, o) => v.getInt8(o), write: (v, o, x) => v.setInt8(o, x) },
  '|u1': { bytes: 1, read: (v, o) => v.getUint8(o), write: (v, o, x) => v.setUint8(o, x) },
  '<i2': { bytes: 2, read: (v, o) => v.getInt16(o, true), write: (v, o, x) => v.setInt16(o, x, true) },
  '<u2': { bytes: 2, read: (v, o) => v.getUint16(o, true), write: (v, o, x) => v.setUint16(o, x, true) },
  '<i4': { bytes: 4, read: (v, o) => v.getInt32(o, true), write: (v, o, x) => v.setInt32(o, x, true) },
};

/** The .npy dtype that holds a tensor type (int4 values are stored one a byte). */
export function npyDtype(bits: number, signed: boolean): string {
  if (bits <= 8) return signed ? '|i1' : '|u1';
  if (bits <= 16) return signed ? '<i2' : '<u2';
  return '<i4';
}

export function encodeNpy(values: Int32Array, shape: readonly number[], dtype: string): Uint8Array {
  const info = DTYPES[dtype];
  if (info === undefined) throw new Error(`unsupported npy dtype ${dtype}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  // As numpy writes it: room for the first axis to grow to 21 digits, then spaces to a multiple of 64.
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  if (shape.length > 0) header += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length);
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const bytes = new Uint8Array(MAGIC.length + 4 + header.length + values.length * info.bytes);
  bytes.set(MAGIC, 0);
  bytes[6] = 1;
  bytes[7] = 0;
  const view = new DataView(bytes.buffer);
  view.setUint16(8, header.length, true);
  for (let index = 0; index < header.length; index += 1) bytes[10 + index] = header.charCodeAt(index);
  const start = 10 + header.length;
  values.forEach((value, index) => info.write(view, start + index * info.bytes, value));
  return bytes;
}

/** Reads an integer .npy (int8, uint8, int16, uint16, int32; C order). */
export function decodeNpy(bytes: Uint8Array, file: string): { shape: number[]; values: Int32Array } {
  const fail = (message: string): never => {
    throw new InputError(message, file);
  };
  if (bytes.length < 10 || MAGIC.some((byte, index) => bytes[index] !== byte)) fail('not a .npy file (no \\x93NUMPY magic)');
  const major = bytes[6] ?? 0;
  if (major !== 1 && major !== 2) fail(`unsupported .npy version ${major}.${bytes[7] ?? 0}; expected 1.0 or 2.0`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) return fail('malformed .npy header');
  const normalised = descr === '<i1' ? '|i1' : descr === '<u1' ? '|u1' : descr;
  const info = DTYPES[normalised];
  if (info === undefined) return fail(`dtype ${descr} is not an integer type npusim reads; expected int8, uint8, int16, uint16 or int32`);
  if (fortran === 'True') fail('Fortran-order arrays are not supported; save with C order');
  const shape = shapeText.split(',').map((part) => part.trim()).filter((part) => part !== '').map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const start = headerStart + headerLength;
  if (bytes.length < start + count * info.bytes) fail(`the file holds fewer than the ${count} values its shape (${shape.join(', ')}) declares`);
  const values = new Int32Array(count);
  for (let index = 0; index < count; index += 1) values[index] = info.read(view, start + index * info.bytes);
  return { shape, values };
}
