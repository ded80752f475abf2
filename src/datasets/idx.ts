/**
 * IDX files (the format MNIST and Fashion-MNIST are published in): a 4-byte magic (two zero bytes,
 * the element type, the number of dimensions), each dimension as a big-endian uint32, then the
 * elements row-major. npusim reads unsigned-byte files (type 0x08), raw or gzip-compressed, and
 * checks the length exactly: a truncated file or trailing bytes are errors, not silent data.
 */
import { gunzipSync } from 'node:zlib';
import { InputError } from '../errors.js';

export interface IdxArray {
  readonly shape: readonly number[];
  /** The elements, row-major. */
  readonly data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;
const GZIP_MAGIC = [0x1f, 0x8b] as const;
/** The most elements an IDX file may declare (MNIST's training images are 47 million). */
export const MAX_IDX_ELEMENTS = 2 ** 31 - 1;

/** Decodes an IDX file's bytes (gunzipped first when they start with gzip's magic). */
export function decodeIdx(bytes: Uint8Array, file: string): IdxArray {
  let raw = bytes;
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    try {
      raw = new Uint8Array(gunzipSync(bytes));
    } catch (error) {
      throw new InputError(`not a readable gzip file (${(error as Error).message})`, file);
    }
  }
  if (raw.length < 4 || raw[0] !== 0 || raw[1] !== 0)
    throw new InputError('not an IDX file (it must start with two zero bytes, the element type and the rank)', file);
  const type = raw[2] as number;
  if (type !== UNSIGNED_BYTE)
    throw new InputError(`IDX element type 0x${type.toString(16).padStart(2, '0')}; npusim reads unsigned bytes (0x08)`, file);
  const rank = raw[3] as number;
  if (rank < 1 || rank > 4) throw new InputError(`an IDX rank of ${rank}; npusim reads 1 to 4 dimensions`, file);
  const headerBytes = 4 + 4 * rank;
  if (raw.length < headerBytes) throw new InputError(`the file ends inside its IDX header (${raw.length} of ${headerBytes} bytes)`, file);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const shape = Array.from({ length: rank }, (_, axis) => view.getUint32(4 + 4 * axis, false));
  const count = shape.reduce((a, b) => a * b, 1);
  if (shape.some((size) => size === 0) || count > MAX_IDX_ELEMENTS)
    throw new InputError(
      `IDX shape [${shape.join(', ')}]: every dimension must be positive and the total at most ${MAX_IDX_ELEMENTS}`,
      file,
    );
  const present = raw.length - headerBytes;
  if (present !== count)
    throw new InputError(
      `IDX shape [${shape.join(', ')}] needs ${count} data bytes, the file has ${present}${present > count ? ' (trailing bytes)' : ' (truncated)'}`,
      file,
    );
  return { shape, data: raw.subarray(headerBytes) };
}
