/**
 * Just enough of the FlatBuffers binary format to read a TFLite model: tables through their vtables,
 * vectors of scalars, tables and strings, and unions. Every offset is checked against the buffer, so
 * a truncated or corrupt file ends in a FlatbufferError naming the byte offset instead of reading
 * outside the file or looping. (Hand-written rather than generated: TFLite needs eight tables and a
 * handful of fields, and a reader that checks every offset is smaller than the generated code plus a
 * runtime that does not.)
 */

export class FlatbufferError extends Error {}

/** The most elements a vector may claim: any larger count cannot fit in a file npusim reads. */
const MAX_VECTOR_LENGTH = 2 ** 31;

export class FlatBuffer {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  private need(offset: number, size: number, what: string): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + size > this.bytes.byteLength) {
      throw new FlatbufferError(
        `${what} at byte ${offset} lies outside the ${this.bytes.byteLength}-byte file (truncated or not a flatbuffer)`,
      );
    }
  }

  u8(offset: number): number {
    this.need(offset, 1, 'a byte');
    return this.view.getUint8(offset);
  }

  i8(offset: number): number {
    this.need(offset, 1, 'a byte');
    return this.view.getInt8(offset);
  }

  u16(offset: number): number {
    this.need(offset, 2, 'a 16-bit value');
    return this.view.getUint16(offset, true);
  }

  i16(offset: number): number {
    this.need(offset, 2, 'a 16-bit value');
    return this.view.getInt16(offset, true);
  }

  i32(offset: number): number {
    this.need(offset, 4, 'a 32-bit value');
    return this.view.getInt32(offset, true);
  }

  u32(offset: number): number {
    this.need(offset, 4, 'a 32-bit value');
    return this.view.getUint32(offset, true);
  }

  i64(offset: number): bigint {
    this.need(offset, 8, 'a 64-bit value');
    return this.view.getBigInt64(offset, true);
  }

  u64(offset: number): bigint {
    this.need(offset, 8, 'a 64-bit value');
    return this.view.getBigUint64(offset, true);
  }

  f32(offset: number): number {
    this.need(offset, 4, 'a float');
    return this.view.getFloat32(offset, true);
  }

  /** The file identifier: four bytes after the root offset. */
  identifier(): string {
    this.need(4, 4, 'the file identifier');
    return String.fromCharCode(...this.bytes.subarray(4, 8));
  }

  root(): Table {
    return new Table(this, this.u32(0), 'the root table');
  }
}

/** One table: fields by their id in the schema (the n-th field declared, unions taking two). */
export class Table {
  private readonly vtable: number;
  private readonly vtableSize: number;

  constructor(
    private readonly buffer: FlatBuffer,
    readonly offset: number,
    private readonly what: string,
  ) {
    this.vtable = offset - buffer.i32(offset);
    this.vtableSize = buffer.u16(this.vtable);
    if (this.vtableSize < 4 || this.vtableSize % 2 !== 0) throw new FlatbufferError(`${what} at byte ${offset} has a malformed vtable`);
    buffer.u16(this.vtable + this.vtableSize - 2);
  }

  /** The field's absolute offset, or undefined when the field is absent (its default applies). */
  private field(id: number): number | undefined {
    const slot = 4 + 2 * id;
    if (slot >= this.vtableSize) return undefined;
    const relative = this.buffer.u16(this.vtable + slot);
    return relative === 0 ? undefined : this.offset + relative;
  }

  has(id: number): boolean {
    return this.field(id) !== undefined;
  }

  u8(id: number, fallback = 0): number {
    const at = this.field(id);
    return at === undefined ? fallback : this.buffer.u8(at);
  }

  i8(id: number, fallback = 0): number {
    const at = this.field(id);
    return at === undefined ? fallback : this.buffer.i8(at);
  }

  bool(id: number, fallback = false): boolean {
    const at = this.field(id);
    return at === undefined ? fallback : this.buffer.u8(at) !== 0;
  }

  i32(id: number, fallback = 0): number {
    const at = this.field(id);
    return at === undefined ? fallback : this.buffer.i32(at);
  }

  u32(id: number, fallback = 0): number {
    const at = this.field(id);
    return at === undefined ? fallback : this.buffer.u32(at);
  }

  u64(id: number, fallback = 0n): bigint {
    const at = this.field(id);
    return at === undefined ? fallback : this.buffer.u64(at);
  }

  f32(id: number, fallback = 0): number {
    const at = this.field(id);
    return at === undefined ? fallback : this.buffer.f32(at);
  }

  private indirect(id: number): number | undefined {
    const at = this.field(id);
    return at === undefined ? undefined : at + this.buffer.u32(at);
  }

  table(id: number, what: string): Table | undefined {
    const at = this.indirect(id);
    return at === undefined ? undefined : new Table(this.buffer, at, what);
  }

  string(id: number): string | undefined {
    const at = this.indirect(id);
    if (at === undefined) return undefined;
    const length = this.vectorLength(at, 1, 'a string');
    return new TextDecoder('utf-8', { fatal: false }).decode(this.buffer.bytes.subarray(at + 4, at + 4 + length));
  }

  private vectorLength(at: number, elementBytes: number, what: string): number {
    const length = this.buffer.u32(at);
    if (length > MAX_VECTOR_LENGTH || at + 4 + length * elementBytes > this.buffer.length) {
      throw new FlatbufferError(
        `${what} of ${length} elements at byte ${at} in ${this.what} runs past the end of the ${this.buffer.length}-byte file (truncated or not a flatbuffer)`,
      );
    }
    return length;
  }

  /** A vector of scalars read one by one; undefined when absent. */
  private scalars<T>(id: number, elementBytes: number, read: (offset: number) => T, what: string): T[] | undefined {
    const at = this.indirect(id);
    if (at === undefined) return undefined;
    const length = this.vectorLength(at, elementBytes, what);
    return Array.from({ length }, (_, index) => read(at + 4 + index * elementBytes));
  }

  i32s(id: number): number[] | undefined {
    return this.scalars(id, 4, (o) => this.buffer.i32(o), 'an int vector');
  }

  f32s(id: number): number[] | undefined {
    return this.scalars(id, 4, (o) => this.buffer.f32(o), 'a float vector');
  }

  i64s(id: number): bigint[] | undefined {
    return this.scalars(id, 8, (o) => this.buffer.i64(o), 'a long vector');
  }

  /** A vector of bytes as a view into the file (no copy). */
  bytes(id: number): Uint8Array | undefined {
    const at = this.indirect(id);
    if (at === undefined) return undefined;
    const length = this.vectorLength(at, 1, 'a byte vector');
    return this.buffer.bytes.subarray(at + 4, at + 4 + length);
  }

  tables(id: number, what: string): Table[] | undefined {
    const at = this.indirect(id);
    if (at === undefined) return undefined;
    const length = this.vectorLength(at, 4, `a vector of ${what}`);
    return Array.from({ length }, (_, index) => {
      const element = at + 4 + index * 4;
      return new Table(this.buffer, element + this.buffer.u32(element), `${what} ${index}`);
    });
  }
}
