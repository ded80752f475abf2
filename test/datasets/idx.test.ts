/** The IDX reader: exact values from hand-made files, raw and gzip, and every malformed file refused by name. */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeIdx } from '../../src/datasets/index.js';
import { InputError } from '../../src/errors.js';

function idx(type: number, shape: readonly number[], data: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * shape.length + data.length);
  bytes.set([0, 0, type, shape.length]);
  const view = new DataView(bytes.buffer);
  shape.forEach((size, axis) => view.setUint32(4 + 4 * axis, size, false));
  bytes.set(data, 4 + 4 * shape.length);
  return bytes;
}

function refusal(bytes: Uint8Array): string {
  try {
    decodeIdx(bytes, 'f.idx');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).message;
  }
  throw new Error('accepted');
}

describe('IDX files', () => {
  const file = idx(0x08, [2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);

  it('reads the shape (big-endian) and the bytes row-major, raw or gzip-compressed', () => {
    for (const bytes of [file, new Uint8Array(gzipSync(file))]) {
      const array = decodeIdx(bytes, 'f.idx');
      expect(array.shape).toEqual([2, 2, 3]);
      expect(Array.from(array.data)).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
    }
    // A label file: rank 1, 70000 would need 3 bytes big-endian, here 258 (0x0102).
    const labels = decodeIdx(idx(0x08, [258], new Array(258).fill(7)), 'l.idx');
    expect(labels.shape).toEqual([258]);
  });

  it('refuses what is not an unsigned-byte IDX file of exactly its length', () => {
    expect(refusal(new Uint8Array([1, 0, 8, 1]))).toBe(
      'not an IDX file (it must start with two zero bytes, the element type and the rank)',
    );
    expect(refusal(idx(0x0d, [1], [0, 0, 0, 0]))).toBe('IDX element type 0x0d; npusim reads unsigned bytes (0x08)');
    expect(refusal(idx(0x08, [], []))).toBe('an IDX rank of 0; npusim reads 1 to 4 dimensions');
    expect(refusal(file.subarray(0, 10))).toBe('the file ends inside its IDX header (10 of 16 bytes)');
    expect(refusal(file.subarray(0, file.length - 1))).toBe('IDX shape [2, 2, 3] needs 12 data bytes, the file has 11 (truncated)');
    expect(refusal(new Uint8Array([...file, 9]))).toBe('IDX shape [2, 2, 3] needs 12 data bytes, the file has 13 (trailing bytes)');
    expect(refusal(idx(0x08, [0, 5], []))).toBe('IDX shape [0, 5]: every dimension must be positive and the total at most 2147483647');
    expect(refusal(new Uint8Array([0x1f, 0x8b, 1, 2, 3]))).toMatch(/^not a readable gzip file \(/);
  });
});
