/**
 * Sidecar decoding: the typed-array fast paths (8-bit, aligned little-endian 16- and 32-bit) give
 * what a byte-by-byte little-endian reading of the file format gives, at every offset a sidecar
 * slice can start at, and encoding then decoding gives the values back.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeElements, encodeElements } from '../../src/formats/sidecar.js';
import { type TensorType, tensorType } from '../../src/graph/model.js';
import { checkProperty } from '../support/property.js';

const TYPES: readonly TensorType[] = (['s4', 'u4', 's8', 'u8', 's16', 'u16', 's32'] as const).map(tensorType);

/** The format as docs/graph.md states it, one byte at a time. */
function byteByByte(bytes: Uint8Array, type: TensorType, count: number): number[] {
  const values: number[] = [];
  for (let index = 0; index < count; index += 1) {
    let raw: number;
    if (type.bits === 4) raw = index % 2 === 0 ? (bytes[index >> 1] as number) & 0x0f : (bytes[index >> 1] as number) >> 4;
    else {
      const width = type.bits / 8;
      raw = 0;
      for (let byte = width - 1; byte >= 0; byte -= 1) raw = raw * 256 + (bytes[index * width + byte] as number);
    }
    values.push(type.signed && raw >= 2 ** (type.bits - 1) ? raw - 2 ** type.bits : raw);
  }
  return values;
}

describe('decodeElements', () => {
  it('equals the byte-by-byte reading for every type, at aligned and unaligned offsets', () => {
    const cases = fc.record({
      type: fc.constantFrom(...TYPES),
      offset: fc.integer({ min: 0, max: 7 }),
      bytes: fc.uint8Array({ minLength: 0, maxLength: 64 }),
    });
    checkProperty(
      'sidecar decode',
      cases,
      ({ type, offset, bytes }) => {
        const backing = new Uint8Array(offset + bytes.length);
        backing.set(bytes, offset);
        const slice = backing.subarray(offset);
        const count = type.bits === 4 ? bytes.length * 2 : Math.floor(bytes.length / (type.bits / 8));
        expect(Array.from(decodeElements(slice, type, count))).toEqual(byteByByte(slice, type, count));
      },
      2000,
    );
  });

  it('gives back what encodeElements wrote', () => {
    for (const type of TYPES) {
      const low = type.signed ? -(2 ** (type.bits - 1)) : 0;
      const high = type.signed ? 2 ** (type.bits - 1) - 1 : 2 ** type.bits - 1;
      const values = [low, high, 0, low + 1, high - 1, Math.floor((low + high) / 3)];
      expect(Array.from(decodeElements(encodeElements(values, type), type, values.length))).toEqual(values);
    }
  });
});
