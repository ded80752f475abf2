/** .npy files: byte-identical to what numpy's np.save writes, read back, and clear errors. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { decodeNpy, encodeNpy } from '../../src/formats/npy.js';

// Written by numpy 2.4.6: np.save of each array below.
const NUMPY_INT8_2x3 =
  '934e554d5059010076007b276465736372273a20277c6931272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a01fe03040580';
const NUMPY_INT16_3 =
  '934e554d5059010076007b276465736372273a20273c6932272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0100d4feff7f';

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

describe('npy', () => {
  it('writes what numpy writes', () => {
    expect(hex(encodeNpy(Int32Array.from([1, -2, 3, 4, 5, -128]), [2, 3], '|i1'))).toBe(NUMPY_INT8_2x3);
    expect(hex(encodeNpy(Int32Array.from([1, -300, 32767]), [3], '<i2'))).toBe(NUMPY_INT16_3);
  });

  it("reads numpy's files", () => {
    expect(decodeNpy(Buffer.from(NUMPY_INT8_2x3, 'hex'), 'a.npy')).toEqual({
      shape: [2, 3],
      dtype: '|i1',
      values: Int32Array.from([1, -2, 3, 4, 5, -128]),
    });
    expect(decodeNpy(Buffer.from(NUMPY_INT16_3, 'hex'), 'b.npy')).toEqual({
      shape: [3],
      dtype: '<i2',
      values: Int32Array.from([1, -300, 32767]),
    });
  });

  it('rejects what it cannot read, naming the file', () => {
    expect(() => decodeNpy(new Uint8Array([1, 2, 3]), 'x.npy')).toThrow(InputError);
    const floats = Buffer.from(NUMPY_INT8_2x3, 'hex').toString('latin1').replace("'|i1'", "'<f4'");
    expect(() => decodeNpy(Buffer.from(floats, 'latin1'), 'f.npy')).toThrow('dtype <f4 is not an integer type npusim reads');
    const short = Buffer.from(NUMPY_INT8_2x3, 'hex').subarray(0, 130);
    expect(() => decodeNpy(short, 's.npy')).toThrow('shape (2, 3) of int8 needs 6 data bytes, the file has 2');
  });

  /** numpy's bytes with the header text replaced (the length field kept consistent). */
  function withHeader(header: string, data = Uint8Array.from([1, 2, 3, 4, 5, 6]), version = 1): Uint8Array {
    const preamble = version === 1 ? 10 : 12;
    const bytes = new Uint8Array(preamble + header.length + data.length);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
    const view = new DataView(bytes.buffer);
    if (version === 1) view.setUint16(8, header.length, true);
    else view.setUint32(8, header.length, true);
    for (let index = 0; index < header.length; index += 1) bytes[preamble + index] = header.charCodeAt(index);
    bytes.set(data, preamble + header.length);
    return bytes;
  }

  it('reads versions 2.0 and 3.0, whose header length takes four bytes', () => {
    const header = "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3), }\n";
    expect(decodeNpy(withHeader(header, undefined, 2), 'v2.npy').shape).toEqual([2, 3]);
    expect(decodeNpy(withHeader(header, undefined, 3), 'v3.npy').values).toEqual(Int32Array.from([1, 2, 3, 4, 5, 6]));
  });

  it('refuses what the old reader accepted or crashed on', () => {
    // A version-2 file shorter than its 12-byte preamble used to read past the end.
    expect(() => decodeNpy(Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 5]), 'v2short.npy')).toThrow(
      'the file ends inside the .npy 2.0 preamble (9 bytes, a preamble is 12)',
    );
    expect(() => decodeNpy(withHeader("{'descr': '|i1', 'fortran_order': False, 'shape': (-1,), }\n"), 'neg.npy')).toThrow(
      'shape (-1,) has dimension "-1"; expected non-negative whole numbers',
    );
    expect(() => decodeNpy(withHeader("{'descr': '|i1', 'fortran_order': False, 'shape': (2.5,), }\n"), 'frac.npy')).toThrow(
      'has dimension "2.5"',
    );
    expect(() => decodeNpy(withHeader("{'descr': '|i1', 'fortran_order': False, 'shape': (4,), }\n"), 'trailing.npy')).toThrow(
      'shape (4) of int8 needs 4 data bytes, the file has 6 (trailing bytes)',
    );
    expect(() => decodeNpy(withHeader("'descr': '|i1'"), 'nodict.npy')).toThrow('malformed .npy header');
    expect(() => decodeNpy(withHeader("{'descr': '>i2', 'fortran_order': False, 'shape': (3,), }\n"), 'big.npy')).toThrow(
      'dtype >i2 is not an integer type npusim reads',
    );
    expect(() =>
      decodeNpy(withHeader("{'descr': '|i1', 'fortran_order': False, 'shape': (100000000000, 100000000000), }\n"), 'huge.npy'),
    ).toThrow('shape (100000000000, 100000000000) declares more elements than any input npusim can hold');
  });
});
