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
    expect(decodeNpy(Buffer.from(NUMPY_INT8_2x3, 'hex'), 'a.npy')).toEqual({ shape: [2, 3], values: Int32Array.from([1, -2, 3, 4, 5, -128]) });
    expect(decodeNpy(Buffer.from(NUMPY_INT16_3, 'hex'), 'b.npy')).toEqual({ shape: [3], values: Int32Array.from([1, -300, 32767]) });
  });

  it('rejects what it cannot read, naming the file', () => {
    expect(() => decodeNpy(new Uint8Array([1, 2, 3]), 'x.npy')).toThrow(InputError);
    const floats = Buffer.from(NUMPY_INT8_2x3, 'hex').toString('latin1').replace("'|i1'", "'<f4'");
    expect(() => decodeNpy(Buffer.from(floats, 'latin1'), 'f.npy')).toThrow('dtype <f4 is not an integer type npusim reads');
    const short = Buffer.from(NUMPY_INT8_2x3, 'hex').subarray(0, 130);
    expect(() => decodeNpy(short, 's.npy')).toThrow('the file holds fewer than the 6 values its shape (2, 3) declares');
  });
});
