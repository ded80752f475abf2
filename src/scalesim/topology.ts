/**
 * SCALE-Sim topology CSV files: conv layers (name, IFMAP height, IFMAP width, filter height, filter
 * width, channels, filters, stride[, stride width]) or GEMM layers (name, M, N, K) as read with
 * `-i gemm`. Accepted: what SCALE-Sim's own files contain (a header line, spaces around fields,
 * a trailing comma or none, blank lines, CRLF, the "DP" depthwise naming). Anything else is an
 * InputError naming file, line and column.
 */
import { InputError } from '../errors.js';

export type TopologyInputType = 'conv' | 'gemm';

/** One layer as SCALE-Sim simulates it (GEMM rows already turned into their conv form). */
export interface ScaleSimLayer {
  name: string;
  ifmapHeight: number;
  ifmapWidth: number;
  filterHeight: number;
  filterWidth: number;
  channels: number;
  numFilters: number;
  strideHeight: number;
  strideWidth: number;
  /** 1-based line of the row in the topology file (for messages). */
  line: number;
}

/** SCALE-Sim keeps addresses in int32 ('>i4' numpy arrays); larger operands would wrap there. */
const MAX_OPERAND_WORDS = 2 ** 31 - 1;

interface Field {
  text: string;
  /** 1-based column of the field's first non-blank character (or of its start when empty). */
  column: number;
}

function splitFields(line: string): Field[] {
  const fields: Field[] = [];
  let start = 0;
  for (const raw of line.split(',')) {
    const leading = raw.length - raw.trimStart().length;
    fields.push({ text: raw.trim(), column: start + leading + 1 });
    start += raw.length + 1;
  }
  return fields;
}

const CONV_COLUMNS = ['layer name', 'IFMAP height', 'IFMAP width', 'filter height', 'filter width', 'channels', 'number of filters', 'stride', 'stride width'] as const;
const GEMM_COLUMNS = ['layer name', 'M', 'N', 'K'] as const;

class RowReader {
  constructor(
    private readonly file: string,
    private readonly lineNumber: number,
  ) {}

  fail(message: string, column: number): never {
    throw new InputError(message, this.file, `${this.lineNumber}:${column}`);
  }

  positiveInteger(field: Field, what: string): number {
    if (!/^\+?\d+$/.test(field.text)) {
      this.fail(`${what} must be a positive integer, got ${field.text === '' ? 'an empty field' : `"${field.text}"`}`, field.column);
    }
    const value = Number(field.text);
    if (value <= 0) this.fail(`${what} must be a positive integer, got ${field.text}`, field.column);
    if (value > MAX_OPERAND_WORDS) this.fail(`${what} is too large (${field.text}; SCALE-Sim's addresses are 32-bit)`, field.column);
    return value;
  }
}

/**
 * The data fields of a row. SCALE-Sim drops the last comma-separated field of every row, which is
 * the empty one after the customary trailing comma; a row written without the trailing comma keeps
 * all its fields here (SCALE-Sim would silently lose the last value).
 */
function dataFields(line: string): Field[] {
  const fields = splitFields(line);
  const last = fields[fields.length - 1];
  if (fields.length > 1 && last !== undefined && last.text === '') fields.pop();
  return fields;
}

function expectColumns(reader: RowReader, fields: Field[], line: string, allowed: readonly number[], names: readonly string[]): void {
  if (allowed.includes(fields.length)) return;
  const expected = allowed.map((count) => String(count)).join(' or ');
  const column = fields.length > Math.max(...allowed) ? (fields[Math.max(...allowed)]?.column ?? 1) : line.trimEnd().length + 1;
  reader.fail(`expected ${expected} fields (${names.slice(0, Math.max(...allowed)).join(', ')}), got ${fields.length}`, column);
}

function parseConvRow(reader: RowReader, fields: Field[], line: string, lineNumber: number): ScaleSimLayer[] {
  expectColumns(reader, fields, line, [8, 9], CONV_COLUMNS);
  const [nameField, ...numberFields] = fields as [Field, ...Field[]];
  if (nameField.text === '') reader.fail('the layer name is empty', nameField.column);
  const values = numberFields.map((field, index) => reader.positiveInteger(field, CONV_COLUMNS[index + 1] ?? 'value'));
  const [ifmapHeight = 0, ifmapWidth = 0, filterHeight = 0, filterWidth = 0, channels = 0, numFilters = 0, strideHeight = 0] = values;
  const strideWidth = values[7] ?? strideHeight;
  if (filterHeight > ifmapHeight) reader.fail(`filter height ${filterHeight} is larger than the IFMAP height ${ifmapHeight} (SCALE-Sim has no padding: give the padded size)`, numberFields[2]?.column ?? 1);
  if (filterWidth > ifmapWidth) reader.fail(`filter width ${filterWidth} is larger than the IFMAP width ${ifmapWidth} (SCALE-Sim has no padding: give the padded size)`, numberFields[3]?.column ?? 1);
  const layer: ScaleSimLayer = { name: nameField.text, ifmapHeight, ifmapWidth, filterHeight, filterWidth, channels, numFilters, strideHeight, strideWidth, line: lineNumber };
  checkOperandSizes(reader, layer, nameField.column);
  // SCALE-Sim's depthwise hack: a name containing "DP" runs as one single-channel layer per channel.
  if (layer.name.includes('DP')) {
    return Array.from({ length: channels }, (_, channel) => ({ ...layer, name: `${layer.name}Channel_${channel}`, channels: 1 }));
  }
  return [layer];
}

function parseGemmRow(reader: RowReader, fields: Field[], line: string, lineNumber: number): ScaleSimLayer {
  expectColumns(reader, fields, line, [4], GEMM_COLUMNS);
  const [nameField, mField, nField, kField] = fields as [Field, Field, Field, Field];
  if (nameField.text === '') reader.fail('the layer name is empty', nameField.column);
  const m = reader.positiveInteger(mField, 'M');
  const n = reader.positiveInteger(nField, 'N');
  const k = reader.positiveInteger(kField, 'K');
  // SCALE-Sim's GEMM form: IFMAP M x K, a 1 x K filter, one channel, N filters, stride 1.
  const layer: ScaleSimLayer = { name: nameField.text, ifmapHeight: m, ifmapWidth: k, filterHeight: 1, filterWidth: k, channels: 1, numFilters: n, strideHeight: 1, strideWidth: 1, line: lineNumber };
  checkOperandSizes(reader, layer, nameField.column);
  return layer;
}

/** Output size as SCALE-Sim computes it: ceil((in - filter + stride) / stride), which rounds up. */
export function outputSize(input: number, filter: number, stride: number): number {
  return Math.ceil((input - filter) / stride) + 1;
}

function checkOperandSizes(reader: RowReader, layer: ScaleSimLayer, column: number): void {
  const ofmapPixels = outputSize(layer.ifmapHeight, layer.filterHeight, layer.strideHeight) * outputSize(layer.ifmapWidth, layer.filterWidth, layer.strideWidth);
  const window = layer.filterHeight * layer.filterWidth * layer.channels;
  const sizes: Array<[string, number]> = [
    ['IFMAP', layer.ifmapHeight * layer.ifmapWidth * layer.channels],
    ['filter', window * layer.numFilters],
    ['OFMAP', ofmapPixels * layer.numFilters],
    ['IFMAP operand matrix', ofmapPixels * window],
  ];
  for (const [what, words] of sizes) {
    if (words > MAX_OPERAND_WORDS) reader.fail(`the ${what} of layer "${layer.name}" has ${words} words, more than SCALE-Sim's 32-bit addresses hold`, column);
  }
}

/** Parses a topology file's text; `file` names it in messages. */
export function parseTopology(text: string, file: string, inputType: TopologyInputType): ScaleSimLayer[] {
  const lines = text.split('\n');
  const layers: ScaleSimLayer[] = [];
  lines.forEach((rawLine, index) => {
    // Like SCALE-Sim, the first line is the header whatever it holds, and blank lines are skipped.
    if (index === 0) return;
    const line = rawLine.replace(/\r$/, '');
    if (line.trim() === '') return;
    const reader = new RowReader(file, index + 1);
    const fields = dataFields(line);
    if (inputType === 'gemm') layers.push(parseGemmRow(reader, fields, line, index + 1));
    else layers.push(...parseConvRow(reader, fields, line, index + 1));
  });
  if (layers.length === 0) {
    throw new InputError(`no layers: expected a header line, then one ${inputType === 'gemm' ? 'name, M, N, K' : 'conv layer'} row per line`, file);
  }
  return layers;
}
