/**
 * Little-endian sidecar data: s8/u8 one byte, s16/u16 two, s32 four; s4/u4 two values a byte, low
 * nibble first (as ONNX, TFLite and CMSIS-NN pack int4).
 */
import type { TensorType } from '../graph/model.js';

export function byteLength(type: TensorType, count: number): number {
  return type.bits === 4 ? Math.ceil(count / 2) : (count * type.bits) / 8;
}

export function decodeElements(bytes: Uint8Array, type: TensorType, count: number): Int32Array {
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
