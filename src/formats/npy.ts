/**
 * NumPy .npy files (format versions 1.0, 2.0 and 3.0) of integer tensors, so that npusim's inputs
 * and layer dumps can be compared with other tools: little-endian, C order. Reading is strict: the
 * header must be the dictionary numpy writes, every dimension a whole number, and the data exactly
 * as long as the shape says.
 */
import { InputError } from '../errors.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const GROWTH_AXIS_MAX_DIGITS = 21;
/** Bytes before the header text: magic, version, header length (2 bytes in 1.0, 4 in 2.0 and 3.0). */
const PREAMBLE = { 1: 10, 2: 12, 3: 12 } as const;
/** numpy writes headers of a few hundred bytes; anything longer is not a file npusim should read. */
export const MAX_NPY_HEADER_BYTES = 65_536;

interface DtypeInfo {
  readonly bytes: number;
  readonly name: string;
  readonly read: (view: DataView, offset: number) => number;
  readonly write: (view: DataView, offset: number, value: number) => void;
}

const DTYPES: Record<string, DtypeInfo> = {
  '|i1': { bytes: 1, name: 'int8', read: (v, o) => v.getInt8(o), write: (v, o, x) => v.setInt8(o, x) },
  '|u1': { bytes: 1, name: 'uint8', read: (v, o) => v.getUint8(o), write: (v, o, x) => v.setUint8(o, x) },
  '<i2': { bytes: 2, name: 'int16', read: (v, o) => v.getInt16(o, true), write: (v, o, x) => v.setInt16(o, x, true) },
  '<u2': { bytes: 2, name: 'uint16', read: (v, o) => v.getUint16(o, true), write: (v, o, x) => v.setUint16(o, x, true) },
  '<i4': { bytes: 4, name: 'int32', read: (v, o) => v.getInt32(o, true), write: (v, o, x) => v.setInt32(o, x, true) },
};

/** The .npy dtype that holds a tensor type (int4 values are stored one a byte). */
export function npyDtype(bits: number, signed: boolean): string {
  if (bits <= 8) return signed ? '|i1' : '|u1';
  if (bits <= 16) return signed ? '<i2' : '<u2';
  return '<i4';
}

/** numpy's name of a dtype string: int8, uint16, ... */
export function npyDtypeName(dtype: string): string {
  return DTYPES[dtype]?.name ?? dtype;
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

export interface NpyHeader {
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Where the data starts. */
  readonly dataOffset: number;
}

/** The header of a .npy file: its dtype (normalised: |i1 for int8), shape and data offset. */
export function decodeNpyHeader(bytes: Uint8Array, file: string, acceptFloat32 = false): NpyHeader {
  const fail = (message: string): never => {
    throw new InputError(message, file);
  };
  if (bytes.length < 8 || MAGIC.some((byte, index) => bytes[index] !== byte)) fail('not a .npy file (no \\x93NUMPY magic)');
  const major = bytes[6] ?? 0;
  if (major !== 1 && major !== 2 && major !== 3) fail(`unsupported .npy version ${major}.${bytes[7] ?? 0}; expected 1.0, 2.0 or 3.0`);
  const preamble = PREAMBLE[major as 1 | 2 | 3];
  if (bytes.length < preamble) fail(`the file ends inside the .npy ${major}.0 preamble (${bytes.length} bytes, a preamble is ${preamble})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerLength > MAX_NPY_HEADER_BYTES)
    fail(`the header claims ${headerLength} bytes; npusim reads headers of up to ${MAX_NPY_HEADER_BYTES}`);
  if (bytes.length < preamble + headerLength)
    fail(`the file ends inside its header (${preamble + headerLength} bytes declared, ${bytes.length} present)`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(preamble, preamble + headerLength));
  const dictionary = /^\{\s*(.*?)\s*,?\s*\}\s*$/s.exec(header)?.[1];
  if (dictionary === undefined)
    return fail(
      `malformed .npy header ${JSON.stringify(header.trim().slice(0, 80))}: expected a dictionary {'descr': ..., 'fortran_order': ..., 'shape': (...)}`,
    );
  const descr = /'descr':\s*'([^']+)'/.exec(dictionary)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(dictionary)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(dictionary)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    return fail("malformed .npy header: expected the keys 'descr', 'fortran_order' and 'shape'");
  const dtype = descr === '<i1' ? '|i1' : descr === '<u1' ? '|u1' : descr;
  if (DTYPES[dtype] === undefined && !(acceptFloat32 && dtype === '<f4'))
    return fail(
      `dtype ${descr} is not an integer type npusim reads; expected int8 (|i1), uint8 (|u1), int16 (<i2), uint16 (<u2) or int32 (<i4), little-endian`,
    );
  if (fortran === 'True') fail('Fortran-order arrays are not supported; save with C order');
  const parts = shapeText.split(',').map((part) => part.trim());
  // "(3,)" has an empty last part; "()" is a scalar.
  if (parts[parts.length - 1] === '') parts.pop();
  const shape = parts.map((part) => {
    if (!/^\d+$/.test(part) || !Number.isSafeInteger(Number(part)))
      fail(`shape (${shapeText}) has dimension "${part}"; expected non-negative whole numbers`);
    return Number(part);
  });
  return { dtype, shape, dataOffset: preamble + headerLength };
}

/** Reads an integer .npy (int8, uint8, int16, uint16, int32; C order), exactly as long as its shape says. */
export function decodeNpy(bytes: Uint8Array, file: string): { shape: number[]; dtype: string; values: Int32Array } {
  const header = decodeNpyHeader(bytes, file);
  const info = DTYPES[header.dtype] as DtypeInfo;
  const count = header.shape.reduce((a, b) => a * b, 1);
  const needed = count * info.bytes;
  if (!Number.isSafeInteger(needed))
    throw new InputError(`shape (${header.shape.join(', ')}) declares more elements than any input npusim can hold`, file);
  const present = bytes.length - header.dataOffset;
  if (present !== needed) {
    throw new InputError(
      `shape (${header.shape.join(', ')}) of ${info.name} needs ${needed} data bytes, the file has ${present}${present > needed ? ' (trailing bytes)' : ''}`,
      file,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Int32Array(count);
  for (let index = 0; index < count; index += 1) values[index] = info.read(view, header.dataOffset + index * info.bytes);
  return { shape: [...header.shape], dtype: header.dtype, values };
}

/** Reads a float32 .npy (little-endian '<f4', C order): an imported model's float input. */
export function decodeNpyFloat32(bytes: Uint8Array, file: string): { shape: number[]; dtype: string; values: Float32Array } {
  const header = decodeNpyHeader(bytes, file, true);
  if (header.dtype !== '<f4') throw new InputError(`holds ${npyDtypeName(header.dtype)} (${header.dtype}); expected float32 (<f4)`, file);
  const count = header.shape.reduce((a, b) => a * b, 1);
  const width = 4;
  const present = bytes.length - header.dataOffset;
  if (!Number.isSafeInteger(count * width))
    throw new InputError(`shape (${header.shape.join(', ')}) declares more elements than any input npusim can hold`, file);
  if (present !== count * width)
    throw new InputError(`shape (${header.shape.join(', ')}) needs ${count * width} data bytes, the file has ${present}`, file);
  const values = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let index = 0; index < count; index += 1) values[index] = view.getFloat32(header.dataOffset + index * 4, true);
  return { shape: [...header.shape], dtype: header.dtype, values };
}
