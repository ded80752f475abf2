/**
 * Sweep files: CSV (one header line, one row per point) or JSON Lines (one object per point, the
 * same keys in the same order), chosen by the extension. A row is written once, as one line, and
 * kept as that line when the file is resumed, finalized or merged (only its pareto cell changes),
 * so a file resumed or merged from shards is byte-identical to one written in one go.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { OVERFLOW_COUNTERS } from '../engine/overflowCounters.js';
import { InputError } from '../errors.js';
import { type Column, cells, headers } from '../report/columns.js';
import type { SweepRow } from './evaluate.js';
import type { SweepPoint } from './points.js';
import type { SweepParameter } from './ranges.js';

export type SweepFormat = 'csv' | 'jsonl';
export type Cell = string | number | boolean | null;

export const POINT_COLUMN = 'point';
export const PARETO_COLUMN = 'pareto';
/** The sweep's identity on every row: a hash of what was swept, then the number of points. */
export const SWEEP_COLUMN = 'sweep';
/** With --skip-invalid: why a point cannot run on its config (empty for the points that ran). */
export const INVALID_COLUMN = 'invalid';
/**
 * The result columns over a point's SweepRow: the report's totals, then the overflow counters in
 * OVERFLOW_COUNTERS order and the safe accumulator width (null in a timing-only sweep).
 */
const RESULT_COLUMN_LIST: readonly Column<SweepRow, Cell>[] = [
  { header: 'macs', cell: (row) => row.macs },
  { header: 'cycles', cell: (row) => row.cycles },
  { header: 'latencyMs', cell: (row) => row.latencyMs },
  { header: 'energyPj', cell: (row) => row.energyPj },
  ...OVERFLOW_COUNTERS.map((counter): Column<SweepRow, Cell> => ({ header: counter, cell: (row) => row.overflow?.[counter] ?? null })),
  { header: 'safeAccumulatorBits', cell: (row) => row.overflow?.safeAccumulatorBits ?? null },
];
export const RESULT_COLUMNS: readonly string[] = headers(RESULT_COLUMN_LIST);

export function formatOf(file: string): SweepFormat {
  if (file.endsWith('.csv')) return 'csv';
  if (file.endsWith('.jsonl')) return 'jsonl';
  throw new InputError('the sweep file format follows the extension: .csv or .jsonl', file);
}

/**
 * The columns of a sweep: the point, its parameters, the results, the invalid column with
 * --skip-invalid, then pareto and sweep, always last (finalizing rewrites the pareto cell in place).
 */
export function sweepColumns(parameters: readonly SweepParameter[], skipInvalid: boolean): string[] {
  return [
    POINT_COLUMN,
    ...parameters.map((parameter) => parameter.path),
    ...RESULT_COLUMNS,
    ...(skipInvalid ? [INVALID_COLUMN] : []),
    PARETO_COLUMN,
    SWEEP_COLUMN,
  ];
}

/** What a row records: a point's results, or why it cannot run. */
export type RowContent = { readonly row: SweepRow } | { readonly invalid: string };

/** A row's cells; the pareto cell stays empty until the whole file is known. */
export function rowCells(point: SweepPoint, content: RowContent, sweepId: string, skipInvalid: boolean): Cell[] {
  const values = point.values.map((value) => value.value);
  // One line per row, always: a reason never breaks it.
  const invalid: Cell[] = skipInvalid ? ['invalid' in content ? content.invalid.replace(/[\r\n]+/g, ' ') : null] : [];
  if ('invalid' in content) return [point.index, ...values, ...RESULT_COLUMNS.map(() => null), ...invalid, null, sweepId];
  return [point.index, ...values, ...cells(RESULT_COLUMN_LIST, content.row), ...invalid, null, sweepId];
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

/** One line of CSV parsed into cells (undefined when it is not exactly one record). */
export function parseCsvLine(line: string): string[] | undefined {
  const records = parseCsv(line, { relax_column_count: true }) as string[][];
  return records.length === 1 ? records[0] : undefined;
}

/** Parses CSV text of whole records; the reader splits files into lines and batches them. */
export function parseCsvText(text: string): string[][] {
  return parseCsv(text, { relax_column_count: true }) as string[][];
}

/**
 * The row's line with its pareto cell set to `mark` (null: empty, as written before finalizing).
 * pareto and sweep are the last two cells and neither needs quoting, so a line this sweep wrote ends
 * in a known suffix and only that suffix changes; any other line is parsed and written afresh.
 */
export function withParetoMark(
  format: SweepFormat,
  columns: readonly string[],
  line: string,
  sweepId: string,
  mark: boolean | null,
): string {
  const marks = format === 'csv' ? ['', 'true', 'false'] : ['null', 'true', 'false'];
  const ending = format === 'csv' ? `,${sweepId}` : `,${JSON.stringify(SWEEP_COLUMN)}:${JSON.stringify(sweepId)}}`;
  const key = format === 'csv' ? ',' : `,${JSON.stringify(PARETO_COLUMN)}:`;
  const text = format === 'csv' ? (mark === null ? '' : String(mark)) : JSON.stringify(mark);
  for (const old of marks) {
    const suffix = `${key}${old}${ending}`;
    if (line.endsWith(suffix)) return `${line.slice(0, line.length - suffix.length)}${key}${text}${ending}`;
  }
  const cells: Cell[] | undefined = format === 'csv' ? parseCsvLine(line) : Object.values(JSON.parse(line) as Record<string, Cell>);
  if (cells === undefined || cells.length !== columns.length)
    throw new InputError(`a row does not match the columns: ${line.slice(0, 80)}`);
  cells[columns.indexOf(PARETO_COLUMN)] = mark;
  return rowText(format, columns, cells).slice(0, -1);
}
