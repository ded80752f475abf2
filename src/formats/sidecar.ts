/**
 * Little-endian sidecar data: s8/u8 one byte, s16/u16 two, s32 four; s4/u4 two values a byte, low
 * nibble first (as ONNX, TFLite and CMSIS-NN pack int4).
 */
import type { TensorType } from '../graph/model.js';

export function byteLength(type: TensorType, count: number): number {
  return type.bits === 4 ? Math.ceil(count / 2) : (count * type.bits) / 8;
}

/** Whether this machine stores multi-byte integers little-endian, as the sidecar does. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function decodeElements(bytes: Uint8Array, type: TensorType, count: number): Int32Array {
  const fast = widenedView(bytes, type, count);
  if (fast !== undefined) return new Int32Array(fast);
  const values = new Int32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let index = 0; index < count; index += 1) {
    switch (type.bits) {
      case 4: {
        const byte = bytes[index >> 1] ?? 0;
        const nibble = index % 2 === 0 ? byte & 0x0f : byte >> 4;
        values[index] = type.signed && nibble >= 8 ? nibble - 16 : nibble;
        break;
      }
      case 8:
        values[index] = type.signed ? view.getInt8(index) : view.getUint8(index);
        break;
      case 16:
        values[index] = type.signed ? view.getInt16(index * 2, true) : view.getUint16(index * 2, true);
        break;
      default:
        values[index] = view.getInt32(index * 4, true);
    }
  }
  return values;
}

/**
 * The bytes as a typed array of their element type, for the Int32Array constructor to widen in
 * native code (a few times faster than a loop over a model's millions of weights): 8-bit always,
 * 16- and 32-bit where the machine is little-endian and the data aligned. Undefined otherwise.
 */
function widenedView(
  bytes: Uint8Array,
  type: TensorType,
  count: number,
): Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | undefined {
  const { buffer, byteOffset } = bytes;
  if (type.bits === 8) return type.signed ? new Int8Array(buffer, byteOffset, count) : new Uint8Array(buffer, byteOffset, count);
  if (!LITTLE_ENDIAN || (type.bits !== 16 && type.bits !== 32) || byteOffset % (type.bits / 8) !== 0) return undefined;
  if (type.bits === 16) return type.signed ? new Int16Array(buffer, byteOffset, count) : new Uint16Array(buffer, byteOffset, count);
  return new Int32Array(buffer, byteOffset, count);
}

export function encodeElements(values: ArrayLike<number>, type: TensorType): Uint8Array {
  const bytes = new Uint8Array(byteLength(type, values.length));
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index] ?? 0;
    switch (type.bits) {
      case 4: {
        const nibble = value & 0x0f;
        bytes[index >> 1] = (bytes[index >> 1] ?? 0) | (index % 2 === 0 ? nibble : nibble << 4);
        break;
      }
      case 8:
        view.setUint8(index, value & 0xff);
        break;
      case 16:
        view.setUint16(index * 2, value & 0xffff, true);
        break;
      default:
        view.setInt32(index * 4, value, true);
    }
  }
  return bytes;
}

/**
 * A sidecar being written: each constant encoded little-endian at its width and padded to 4 bytes,
 * so every tensor's data starts aligned; `add` gives the data reference a graph file writes.
 */
export class SidecarWriter {
  private readonly chunks: Uint8Array[] = [];
  private bytes = 0;

  constructor(private readonly file: string) {}

  add(values: ArrayLike<number>, type: TensorType): { file: string; offset: number } {
    const encoded = encodeElements(values, type);
    const offset = this.bytes;
    this.chunks.push(encoded);
    const padded = Math.ceil(encoded.length / 4) * 4;
    if (padded > encoded.length) this.chunks.push(new Uint8Array(padded - encoded.length));
    this.bytes += padded;
    return { file: this.file, offset };
  }

  /** Everything added, in order. */
  contents(): Uint8Array {
    const sidecar = new Uint8Array(this.bytes);
    let position = 0;
    for (const chunk of this.chunks) {
      sidecar.set(chunk, position);
      position += chunk.length;
    }
    return sidecar;
  }
}
