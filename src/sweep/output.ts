/**
 * Sweep files: CSV (one header line, one row per point) or JSON Lines (one object per point, the
 * same keys in the same order), chosen by the extension. Rows are cells, written and read back
 * without reformatting, so a file resumed or merged from shards is byte-identical to one written
 * in one go.
 */
import { closeSync, existsSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { InputError } from '../errors.js';
import { READ_LIMITS, readTextFile } from '../formats/readFile.js';
import type { SweepRow } from './evaluate.js';
import type { SweepPoint } from './points.js';
import type { SweepParameter } from './ranges.js';

export type SweepFormat = 'csv' | 'jsonl';
export type Cell = string | number | boolean | null;

/** A sweep file in memory: its columns and its rows, each a list of cells in column order. */
export interface SweepTable {
  readonly columns: readonly string[];
  readonly rows: Cell[][];
}

export const POINT_COLUMN = 'point';
export const PARETO_COLUMN = 'pareto';
/** The sweep's identity on every row: a hash of what was swept, then the number of points. */
export const SWEEP_COLUMN = 'sweep';
export const RESULT_COLUMNS = [
  'macs',
  'cycles',
  'latencyMs',
  'energyPj',
  'accumulatorTransient',
  'accumulatorFinal',
  'outputClipped',
  'vectorSaturated',
  'requantInputSaturated',
  'safeAccumulatorBits',
] as const;
/** The overflow event counts the Pareto view adds up. */
export const OVERFLOW_EVENT_COLUMNS = ['accumulatorTransient', 'accumulatorFinal', 'outputClipped', 'vectorSaturated', 'requantInputSaturated'] as const;

export function formatOf(file: string): SweepFormat {
  if (file.endsWith('.csv')) return 'csv';
  if (file.endsWith('.jsonl')) return 'jsonl';
  throw new InputError('the sweep file format follows the extension: .csv or .jsonl', file);
}

export function sweepColumns(parameters: readonly SweepParameter[]): string[] {
  return [POINT_COLUMN, ...parameters.map((parameter) => parameter.path), ...RESULT_COLUMNS, PARETO_COLUMN, SWEEP_COLUMN];
}

/** A row's cells; the pareto cell stays empty until the whole file is known. */
export function rowCells(point: SweepPoint, row: SweepRow, sweepId: string): Cell[] {
  const overflow = row.overflow;
  const events: Cell[] =
    overflow === undefined
      ? [null, null, null, null, null, null]
      : [overflow.accumulatorTransient, overflow.accumulatorFinal, overflow.outputClipped, overflow.vectorSaturated, overflow.requantInputSaturated, overflow.safeAccumulatorBits];
  return [point.index, ...point.values.map((value) => value.value), row.macs, row.cycles, row.latencyMs, row.energyPj, ...events, null, sweepId];
}

/** A parameter's cell as the sweep writes it, for comparing with a cell read back. */
export function cellText(cell: Cell): string {
  if (cell === null) return '';
  return String(cell);
}

export function headerText(format: SweepFormat, columns: readonly string[]): string {
  return format === 'csv' ? stringifyCsv([columns as string[]]) : '';
}

export function rowText(format: SweepFormat, columns: readonly string[], cells: readonly Cell[]): string {
  if (format === 'csv') return stringifyCsv([cells.map(cellText)]);
  return `${JSON.stringify(Object.fromEntries(columns.map((column, index) => [column, cells[index] ?? null])))}\n`;
}

export function tableText(format: SweepFormat, table: SweepTable): string {
  return headerText(format, table.columns) + table.rows.map((cells) => rowText(format, table.columns, cells)).join('');
}

/** The text up to the last newline: a line cut by a kill is not a row. */
function completeLines(text: string): { text: string; cut: boolean } {
  const end = text.lastIndexOf('\n');
  return { text: text.slice(0, end + 1), cut: end + 1 < text.length };
}

function readCsv(file: string, text: string): SweepTable {
  let records: string[][];
  try {
    records = parseCsv(text, { relax_column_count: false }) as string[][];
  } catch (error) {
    throw new InputError(`not a valid CSV sweep file: ${(error as Error).message}`, file);
  }
  const [columns, ...rows] = records;
  if (columns === undefined) throw new InputError('empty: a CSV sweep file starts with its header line', file);
  return { columns, rows };
}

function readJsonl(file: string, text: string): SweepTable {
  let columns: string[] | undefined;
  const rows: Cell[][] = [];
  text.split('\n').forEach((line, index) => {
    if (line === '') return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      throw new InputError('not a JSON object', file, `line ${index + 1}`);
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new InputError('not a JSON object', file, `line ${index + 1}`);
    const keys = Object.keys(record);
    columns ??= keys;
    if (keys.join('\n') !== columns.join('\n')) throw new InputError(`its keys differ from line 1's (${keys.join(', ')})`, file, `line ${index + 1}`);
    rows.push(keys.map((key) => (record as Record<string, Cell>)[key] ?? null));
  });
  return { columns: columns ?? [], rows };
}

/** Reads a sweep file; a last line without its newline (a killed run) is dropped and reported. */
export function readSweepFile(file: string): { table: SweepTable; droppedPartialLine: boolean } {
  const { text, cut } = completeLines(readTextFile(file, 'a sweep file (.csv or .jsonl)', READ_LIMITS.table));
  const table = formatOf(file) === 'csv' ? readCsv(file, text) : readJsonl(file, text);
  return { table, droppedPartialLine: cut };
}

/** Writes a whole file at once: to a temporary name, then renamed, so no reader sees half of it. */
export function writeFileAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

/** Appends lines to a sweep file, each in one write, so an interruption leaves only whole lines. */
export class LineAppender {
  private readonly descriptor: number;

  constructor(file: string) {
    if (!existsSync(file)) writeFileSync(file, '');
    this.descriptor = openSync(file, 'a');
  }

  append(text: string): void {
    writeSync(this.descriptor, text);
  }

  close(): void {
    closeSync(this.descriptor);
  }
}
