/**
 * SCALE-Sim topology CSV files: conv layers (name, IFMAP height, IFMAP width, filter height, filter
 * width, channels, filters, stride[, stride width]) or GEMM layers (name, M, N, K) as read with
 * `-i gemm`. Accepted: what SCALE-Sim's own files contain (a header line, spaces around fields,
 * a trailing comma or none, blank lines, CRLF, the "DP" depthwise naming). Anything else is an
 * InputError naming file, line and column.
 */
import { InputError } from '../errors.js';
import { MAX_OPERAND_WORDS, MAX_REPORT_ROWS, shownText } from './limits.js';

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
  /** 1-based column of the row's layer name (for messages about the whole row). */
  column?: number;
}

interface Field {
  text: string;
  /** 1-based column of the field's first non-blank character (or of its start when empty). */
  column: number;
}

/** More fields than any row may hold: a longer row is refused without splitting all of it. */
const MAX_FIELDS = 11;

/**
 * The comma-separated fields of a line, at most MAX_FIELDS of them (a megabyte of commas must not
 * become a million strings); `count` is the true number of fields, `lastEmpty` whether the last
 * one is blank.
 */
function splitFields(line: string): { fields: Field[]; count: number; lastEmpty: boolean } {
  const fields: Field[] = [];
  let start = 0;
  let count = 0;
  for (;;) {
    const end = line.indexOf(',', start);
    const raw = end < 0 ? line.slice(start) : line.slice(start, end);
    count += 1;
    if (fields.length < MAX_FIELDS) {
      const leading = raw.length - raw.trimStart().length;
      fields.push({ text: raw.trim(), column: start + leading + 1 });
    }
    if (end < 0) return { fields, count, lastEmpty: raw.trim() === '' };
    start = end + 1;
  }
}

const CONV_COLUMNS = [
  'layer name',
  'IFMAP height',
  'IFMAP width',
  'filter height',
  'filter width',
  'channels',
  'number of filters',
  'stride',
  'stride width',
] as const;
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
      this.fail(
        `${what} must be a positive integer, got ${field.text === '' ? 'an empty field' : `"${shownText(field.text)}"`}`,
        field.column,
      );
    }
    const value = Number(field.text);
    if (value <= 0) this.fail(`${what} must be a positive integer, got ${field.text}`, field.column);
    if (value > MAX_OPERAND_WORDS)
      this.fail(
        `${what} must be at most ${MAX_OPERAND_WORDS} (SCALE-Sim's addresses are 32-bit), got ${shownText(field.text)}`,
        field.column,
      );
    return value;
  }
}

/**
 * The data fields of a row. SCALE-Sim drops the last comma-separated field of every row, which is
 * the empty one after the customary trailing comma; a row written without the trailing comma keeps
 * all its fields here (SCALE-Sim would silently lose the last value).
 */
function dataFields(line: string): RowFields {
  const { fields, count, lastEmpty } = splitFields(line);
  if (count > 1 && lastEmpty) {
    if (fields.length === count) fields.pop();
    return { fields, count: count - 1 };
  }
  return { fields, count };
}

interface RowFields {
  /** The first MAX_FIELDS fields. */
  fields: Field[];
  count: number;
}

function expectColumns(
  reader: RowReader,
  { fields, count }: RowFields,
  line: string,
  allowed: readonly number[],
  names: readonly string[],
): void {
  if (allowed.includes(count)) return;
  const expected = allowed.map((allowedCount) => String(allowedCount)).join(' or ');
  const column = count > Math.max(...allowed) ? (fields[Math.max(...allowed)]?.column ?? 1) : line.trimEnd().length + 1;
  reader.fail(`expected ${expected} fields (${names.slice(0, Math.max(...allowed)).join(', ')}), got ${count}`, column);
}

/**
 * A conv row's layers, appended to `layers`: one, or for a "DP" row one per channel (appended one
 * by one: a million channels must not become a million call arguments).
 */
function parseConvRow(reader: RowReader, row: RowFields, line: string, lineNumber: number, layers: ScaleSimLayer[]): void {
  expectColumns(reader, row, line, [8, 9], CONV_COLUMNS);
  const [nameField, ...numberFields] = row.fields as [Field, ...Field[]];
  if (nameField.text === '') reader.fail('the layer name is empty', nameField.column);
  const values = numberFields.map((field, index) => reader.positiveInteger(field, CONV_COLUMNS[index + 1] ?? 'value'));
  const [ifmapHeight = 0, ifmapWidth = 0, filterHeight = 0, filterWidth = 0, channels = 0, numFilters = 0, strideHeight = 0] = values;
  const strideWidth = values[7] ?? strideHeight;
  if (filterHeight > ifmapHeight)
    reader.fail(
      `filter height ${filterHeight} is larger than the IFMAP height ${ifmapHeight} (SCALE-Sim has no padding: give the padded size)`,
      numberFields[2]?.column ?? 1,
    );
  if (filterWidth > ifmapWidth)
    reader.fail(
      `filter width ${filterWidth} is larger than the IFMAP width ${ifmapWidth} (SCALE-Sim has no padding: give the padded size)`,
      numberFields[3]?.column ?? 1,
    );
  const layer: ScaleSimLayer = {
    name: nameField.text,
    ifmapHeight,
    ifmapWidth,
    filterHeight,
    filterWidth,
    channels,
    numFilters,
    strideHeight,
    strideWidth,
    line: lineNumber,
    column: nameField.column,
  };
  checkOperandSizes(reader, layer, nameField.column);
  // SCALE-Sim's depthwise hack: a name containing "DP" runs as one single-channel layer per channel.
  if (!layer.name.includes('DP')) {
    checkReportRows(reader, layers.length + 1, nameField.column, `layer "${shownText(layer.name)}"`);
    layers.push(layer);
    return;
  }
  checkReportRows(
    reader,
    layers.length + channels,
    numberFields[4]?.column ?? nameField.column,
    `"DP" layer "${shownText(layer.name)}" runs as one layer per channel (${channels})`,
  );
  for (let channel = 0; channel < channels; channel += 1) layers.push({ ...layer, name: `${layer.name}Channel_${channel}`, channels: 1 });
}

/** SCALE-Sim writes one report row per layer; npusim keeps them all in memory (docs/scalesim.md, "Limits"). */
function checkReportRows(reader: RowReader, layers: number, column: number, what: string): void {
  if (layers > MAX_REPORT_ROWS) {
    reader.fail(
      `${what}: ${layers} layers in all, more than the ${MAX_REPORT_ROWS} npusim runs at a time (one report row each); split the topology`,
      column,
    );
  }
}

function parseGemmRow(reader: RowReader, row: RowFields, line: string, lineNumber: number, layers: ScaleSimLayer[]): void {
  expectColumns(reader, row, line, [4], GEMM_COLUMNS);
  const [nameField, mField, nField, kField] = row.fields as [Field, Field, Field, Field];
  if (nameField.text === '') reader.fail('the layer name is empty', nameField.column);
  const m = reader.positiveInteger(mField, 'M');
  const n = reader.positiveInteger(nField, 'N');
  const k = reader.positiveInteger(kField, 'K');
  // SCALE-Sim's GEMM form: IFMAP M x K, a 1 x K filter, one channel, N filters, stride 1.
  const layer: ScaleSimLayer = {
    name: nameField.text,
    ifmapHeight: m,
    ifmapWidth: k,
    filterHeight: 1,
    filterWidth: k,
    channels: 1,
    numFilters: n,
    strideHeight: 1,
    strideWidth: 1,
    line: lineNumber,
    column: nameField.column,
  };
  checkOperandSizes(reader, layer, nameField.column);
  checkReportRows(reader, layers.length + 1, nameField.column, `layer "${shownText(layer.name)}"`);
  layers.push(layer);
}

/** Output size as SCALE-Sim computes it: ceil((in - filter + stride) / stride), which rounds up. */
export function outputSize(input: number, filter: number, stride: number): number {
  return Math.ceil((input - filter) / stride) + 1;
}

function checkOperandSizes(reader: RowReader, layer: ScaleSimLayer, column: number): void {
  // BigInt: the products of four 31-bit fields are printed exactly.
  const ofmapPixels =
    BigInt(outputSize(layer.ifmapHeight, layer.filterHeight, layer.strideHeight)) *
    BigInt(outputSize(layer.ifmapWidth, layer.filterWidth, layer.strideWidth));
  const window = BigInt(layer.filterHeight) * BigInt(layer.filterWidth) * BigInt(layer.channels);
  const sizes: Array<[string, bigint]> = [
    ['IFMAP', BigInt(layer.ifmapHeight) * BigInt(layer.ifmapWidth) * BigInt(layer.channels)],
    ['filter', window * BigInt(layer.numFilters)],
    ['OFMAP', ofmapPixels * BigInt(layer.numFilters)],
    ['IFMAP operand matrix', ofmapPixels * window],
  ];
  for (const [what, words] of sizes) {
    if (words > BigInt(MAX_OPERAND_WORDS))
      reader.fail(
        `the ${what} of layer "${shownText(layer.name)}" has ${words} words, more than SCALE-Sim's 32-bit addresses hold (at most ${MAX_OPERAND_WORDS})`,
        column,
      );
  }
}

/** Parses a topology file's text; `file` names it in messages. */
export function parseTopology(text: string, file: string, inputType: TopologyInputType): ScaleSimLayer[] {
  const layers: ScaleSimLayer[] = [];
  // Like SCALE-Sim, the first line is the header whatever it holds, and blank lines are skipped.
  let start = text.indexOf('\n');
  for (let lineNumber = 2; start >= 0; lineNumber += 1) {
    const end = text.indexOf('\n', start + 1);
    const line = text.slice(start + 1, end < 0 ? text.length : end).replace(/\r$/, '');
    start = end;
    if (line.trim() === '') continue;
    const reader = new RowReader(file, lineNumber);
    const row = dataFields(line);
    if (inputType === 'gemm') parseGemmRow(reader, row, line, lineNumber, layers);
    else parseConvRow(reader, row, line, lineNumber, layers);
  }
  if (layers.length === 0) {
    throw new InputError(
      `no layers: expected a header line, then one ${inputType === 'gemm' ? 'name, M, N, K' : 'conv layer'} row per line`,
      file,
    );
  }
  return layers;
}
