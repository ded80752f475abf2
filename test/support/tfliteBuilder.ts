/**
 * Writing small TFLite flatbuffers for tests: models with one odd thing each (an unsupported op, a
 * float32 or int4 tensor, a dynamic shape), to check what the importer refuses. The writer lays the
 * buffer out front to back: each table's vtable just before it, every referenced object after its
 * referrer (flatbuffer offsets to tables, vectors and strings point forward).
 */
type Scalar = { kind: 'i8' | 'u8' | 'i32' | 'u32' | 'f32'; value: number };
type Field =
  | Scalar
  | { kind: 'table'; value: FbTable }
  | { kind: 'string'; value: string }
  | { kind: 'vector'; element: 'i32' | 'f32' | 'u8'; values: readonly number[] }
  | { kind: 'vector'; element: 'i64'; values: readonly bigint[] }
  | { kind: 'vector'; element: 'table'; values: readonly FbTable[] };

/** Fields by id (the schema's declaration order); undefined leaves a field absent. */
export type FbTable = readonly (Field | undefined)[];

const SCALAR_BYTES = { i8: 1, u8: 1, i32: 4, u32: 4, f32: 4 } as const;

class Writer {
  bytes: number[] = [];
  private readonly view = new DataView(new ArrayBuffer(8));

  align(n: number, offsetAfter = 0): void {
    while ((this.bytes.length + offsetAfter) % n !== 0) this.bytes.push(0);
  }

  put(kind: Scalar['kind'] | 'i64' | 'u16', value: number | bigint, at = this.bytes.length): void {
    const size = kind === 'i64' ? 8 : kind === 'u16' ? 2 : SCALAR_BYTES[kind];
    if (kind === 'i64') this.view.setBigInt64(0, value as bigint, true);
    else if (kind === 'u16') this.view.setUint16(0, value as number, true);
    else if (kind === 'f32') this.view.setFloat32(0, value as number, true);
    else if (kind === 'i8' || kind === 'u8') this.view.setUint8(0, (value as number) & 0xff);
    else this.view.setUint32(0, (value as number) >>> 0, true);
    for (let i = 0; i < size; i += 1) this.bytes[at + i] = this.view.getUint8(i);
  }

  /** Writes the object a reference points at, then patches the reference at `from`. */
  private refer(from: number, write: () => number): void {
    const target = write();
    this.put('u32', target - from, from);
  }

  table(fields: FbTable): number {
    this.align(2);
    const vtable = this.bytes.length;
    const slots = fields.length;
    for (let i = 0; i < 2 + slots; i += 1) this.put('u16', 0);
    this.align(8);
    const table = this.bytes.length;
    this.put('i32', table - vtable);
    const pending: Array<() => void> = [];
    fields.forEach((field, id) => {
      if (field === undefined) return;
      const scalar = field.kind === 'i8' || field.kind === 'u8' || field.kind === 'i32' || field.kind === 'u32' || field.kind === 'f32';
      this.align(scalar ? SCALAR_BYTES[field.kind] : 4);
      const at = this.bytes.length;
      this.put('u16', at - table, vtable + 4 + 2 * id);
      if (scalar) {
        this.put(field.kind, field.value);
        return;
      }
      this.put('u32', 0);
      const reference = field as Exclude<Field, Scalar>;
      pending.push(() => this.refer(at, () => this.object(reference)));
    });
    this.put('u16', (2 + slots) * 2, vtable);
    this.put('u16', this.bytes.length - table, vtable + 2);
    for (const write of pending) write();
    return table;
  }

  private object(field: Exclude<Field, Scalar>): number {
    if (field.kind === 'table') return this.table(field.value);
    if (field.kind === 'string') {
      this.align(4);
      const at = this.bytes.length;
      const encoded = new TextEncoder().encode(field.value);
      this.put('u32', encoded.length);
      this.bytes.push(...encoded, 0);
      return at;
    }
    const width = field.element === 'i64' ? 8 : field.element === 'u8' ? 1 : 4;
    this.align(Math.max(4, width), 4);
    const at = this.bytes.length;
    this.put('u32', field.values.length);
    if (field.element === 'table') {
      const slots = field.values.map(() => {
        const slot = this.bytes.length;
        this.put('u32', 0);
        return slot;
      });
      field.values.forEach((table, index) => this.refer(slots[index] as number, () => this.table(table)));
      return at;
    }
    if (field.element === 'i64') for (const value of field.values) this.put('i64', value);
    else for (const value of field.values) this.put(field.element, value);
    return at;
  }
}

export const i32 = (value: number): Scalar => ({ kind: 'i32', value });
export const i8 = (value: number): Scalar => ({ kind: 'i8', value });
export const u32 = (value: number): Scalar => ({ kind: 'u32', value });
export const f32 = (value: number): Scalar => ({ kind: 'f32', value });
export const str = (value: string): Field => ({ kind: 'string', value });
export const ints = (values: readonly number[]): Field => ({ kind: 'vector', element: 'i32', values });
export const floats = (values: readonly number[]): Field => ({ kind: 'vector', element: 'f32', values });
export const longs = (values: readonly bigint[]): Field => ({ kind: 'vector', element: 'i64', values });
export const bytes = (values: readonly number[]): Field => ({ kind: 'vector', element: 'u8', values });
export const tables = (values: readonly FbTable[]): Field => ({ kind: 'vector', element: 'table', values });
export const table = (value: FbTable): Field => ({ kind: 'table', value });

/** A flatbuffer with `root` as its root table and the four-byte file identifier. */
export function flatbuffer(root: FbTable, identifier = 'TFL3'): Uint8Array {
  const writer = new Writer();
  writer.put('u32', 0);
  writer.bytes.push(...[...identifier].map((c) => c.charCodeAt(0)));
  const at = writer.table(root);
  writer.put('u32', at, 0);
  return Uint8Array.from(writer.bytes);
}

export interface TensorSketch {
  readonly name: string;
  readonly shape: readonly number[];
  /** TensorType: 0 float32, 2 int32, 4 int64, 7 int16, 9 int8, 17 int4. */
  readonly type: number;
  readonly scale?: number;
  readonly zeroPoint?: number;
  /** Constant data (a buffer of its own). */
  readonly data?: readonly number[];
  readonly signature?: readonly number[];
}

export interface OperatorSketch {
  readonly code: number;
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly options?: FbTable;
}

/** A one-subgraph TFLite model from tensors and operators (field ids as in schema.fbs). */
export function tfliteModel(
  tensors: readonly TensorSketch[],
  operators: readonly OperatorSketch[],
  inputs: readonly number[],
  outputs: readonly number[],
): Uint8Array {
  const codes = [...new Set(operators.map((op) => op.code))];
  const buffers: FbTable[] = [[]];
  const tensorTables = tensors.map((tensor): FbTable => {
    let buffer = 0;
    if (tensor.data !== undefined) {
      buffers.push([bytes(tensor.data)]);
      buffer = buffers.length - 1;
    }
    const quant: FbTable | undefined =
      tensor.scale === undefined ? undefined : [undefined, undefined, floats([tensor.scale]), longs([BigInt(tensor.zeroPoint ?? 0)])];
    return [
      ints(tensor.shape),
      i8(tensor.type),
      u32(buffer),
      str(tensor.name),
      quant === undefined ? undefined : table(quant),
      undefined,
      undefined,
      tensor.signature === undefined ? undefined : ints(tensor.signature),
    ];
  });
  const operatorTables = operators.map(
    (op): FbTable => [
      u32(codes.indexOf(op.code)),
      ints(op.inputs),
      ints(op.outputs),
      undefined,
      op.options === undefined ? undefined : table(op.options),
    ],
  );
  const subgraph: FbTable = [tables(tensorTables), ints(inputs), ints(outputs), tables(operatorTables), str('main')];
  const operatorCodes = codes.map((code): FbTable => [i8(Math.min(code, 127)), undefined, i32(1), i32(code)]);
  return flatbuffer([u32(3), tables(operatorCodes), tables([subgraph]), str('test model'), tables(buffers)]);
}
