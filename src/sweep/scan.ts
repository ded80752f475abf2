/**
 * Reading a sweep file row by row in bounded memory: the file is read in chunks and split into
 * lines; each row is handed on with its cells and where its line is (resume, finalize and merge keep
 * lines, not cells, so a million rows take megabytes). A last line without its newline (a killed
 * run) is not a row; the scan reports it.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from '../errors.js';
import { parseJsonLine } from '../formats/jsonLines.js';
import { formatBytes, READ_LIMITS } from '../formats/readFile.js';
import { type Cell, formatOf, parseCsvLine, parseCsvText, RESULT_COLUMNS, type SweepFormat } from './output.js';

const WHAT = 'a sweep file (.csv or .jsonl)';
const CHUNK_BYTES = 1 << 20;
/** A line longer than this is not a row npusim wrote (and a device such as /dev/zero has no lines). */
export const MAX_LINE_BYTES = 1 << 20;
const CSV_BATCH_LINES = 4096;

export interface ScannedRow {
  readonly cells: Cell[];
  /** 1-based line number in the file. */
  readonly line: number;
  /** Byte offset and length of the line, without its newline. */
  readonly offset: number;
  readonly length: number;
}

export interface ScanSummary {
  /** The header's columns (CSV), or the first row's keys (JSON Lines); empty for an empty file. */
  readonly columns: readonly string[];
  readonly rows: number;
  /** The file ends in a cut line (no newline), which is not a row. */
  readonly cut: boolean;
  /** Bytes up to the end of the last whole line. */
  readonly wholeBytes: number;
}

function openFile(file: string): number {
  let descriptor: number;
  try {
    descriptor = openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`no such file (expected ${WHAT})`, file);
    if (code === 'EACCES' || code === 'EPERM') throw new InputError(`cannot be read: permission denied (expected ${WHAT})`, file);
    throw new InputError(`cannot be read (${code ?? (error as Error).message})`, file);
  }
  if (fstatSync(descriptor).isDirectory()) {
    closeSync(descriptor);
    throw new InputError(`is a folder, expected ${WHAT}`, file);
  }
  return descriptor;
}

interface PendingLine {
  readonly text: string;
  readonly line: number;
  readonly offset: number;
  readonly length: number;
}

const RESULT_COLUMN_SET: ReadonlySet<string> = new Set(RESULT_COLUMNS);
/** A number as npusim writes one into CSV (JavaScript's shortest form: digits, a point, an exponent). */
const NUMBER_TEXT = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/;

class RowParser {
  columns: string[] | undefined;
  rows = 0;
  private batch: PendingLine[] = [];
  private resultIndexes: number[] | undefined;

  constructor(
    private readonly file: string,
    private readonly format: SweepFormat,
    private readonly onRow: (row: ScannedRow) => void,
    private readonly onColumns: (columns: readonly string[]) => void,
  ) {}

  line(text: string, line: number, offset: number, length: number): void {
    const clean = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (this.format === 'jsonl') {
      this.jsonLine(clean, line, offset, length);
      return;
    }
    if (this.columns === undefined) {
      this.columns = this.csvCells(clean, line);
      this.onColumns(this.columns);
      return;
    }
    this.batch.push({ text: clean, line, offset, length });
    if (this.batch.length >= CSV_BATCH_LINES) this.flush();
  }

  private csvCells(text: string, line: number): string[] {
    let cells: string[] | undefined;
    try {
      cells = parseCsvLine(text);
    } catch (error) {
      throw new InputError(`not a valid CSV sweep file: ${(error as Error).message}`, this.file, `line ${line}`);
    }
    if (cells === undefined)
      throw new InputError('not a row of a CSV sweep file (an empty line, or a cell with a line break)', this.file, `line ${line}`);
    return cells;
  }

  private emit(cells: Cell[], pending: PendingLine): void {
    const columns = this.columns ?? [];
    if (cells.length !== columns.length) {
      throw new InputError(
        `has ${cells.length} cells, the ${this.format === 'csv' ? 'header' : 'first line'} ${columns.length}`,
        this.file,
        `line ${pending.line}`,
      );
    }
    this.checkResults(cells, pending.line);
    this.rows += 1;
    this.onRow({ cells, line: pending.line, offset: pending.offset, length: pending.length });
  }

  /**
   * The result columns hold numbers or nothing: a figure edited into text ("310") would otherwise be
   * merged, drawn and ranked as if the sweep had computed it.
   */
  private checkResults(cells: readonly Cell[], line: number): void {
    this.resultIndexes ??= (this.columns ?? []).flatMap((column, index) => (RESULT_COLUMN_SET.has(column) ? [index] : []));
    for (const index of this.resultIndexes) {
      const cell = cells[index] ?? null;
      const fine =
        this.format === 'csv'
          ? cell === '' || (typeof cell === 'string' && NUMBER_TEXT.test(cell) && Number.isFinite(Number(cell)))
          : cell === null || (typeof cell === 'number' && Number.isFinite(cell));
      if (!fine)
        throw new InputError(
          `column "${this.columns?.[index]}" holds ${JSON.stringify(cell)}; a result is a finite number, or ${this.format === 'csv' ? 'empty' : 'null'} where it was not computed`,
          this.file,
          `line ${line}`,
        );
    }
  }

  /** Parses the batched CSV lines at once (much faster than line by line); a bad batch is parsed line by line to name the line. */
  flush(): void {
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    let records: string[][] | undefined;
    try {
      records = parseCsvText(batch.map((pending) => pending.text).join('\n'));
    } catch {
      records = undefined;
    }
    if (records === undefined || records.length !== batch.length) {
      for (const pending of batch) this.emit(this.csvCells(pending.text, pending.line), pending);
      return;
    }
    records.forEach((cells, index) => this.emit(cells, batch[index] as PendingLine));
  }

  private jsonLine(text: string, line: number, offset: number, length: number): void {
    if (text === '') return;
    // Strictly, as every JSON npusim reads: a key given twice would otherwise let the last one
    // silently replace a figure, and deep nesting is refused before anything recurses on it.
    const record = parseJsonLine(text, this.file, line);
    if (record === null || typeof record !== 'object' || Array.isArray(record))
      throw new InputError('not a JSON object', this.file, `line ${line}`);
    const keys = Object.keys(record);
    for (const key of keys) {
      const value = (record as Record<string, unknown>)[key];
      if (value !== null && typeof value === 'object')
        throw new InputError(
          `column "${key}" holds ${Array.isArray(value) ? 'an array' : 'an object'}; a sweep file's cells are numbers, strings, booleans or null`,
          this.file,
          `line ${line}`,
        );
    }
    if (this.columns === undefined) {
      this.columns = keys;
      this.onColumns(keys);
    }
    if (keys.join('\n') !== this.columns.join('\n'))
      throw new InputError(`its keys differ from line 1's (${keys.join(', ')})`, this.file, `line ${line}`);
    this.emit(
      keys.map((key) => (record as Record<string, Cell>)[key] ?? null),
      { text, line, offset, length },
    );
  }
}

/** Reads a sweep file row by row: `onColumns` gets its columns first, `onRow` each row in file order. */
export function scanSweepFile(
  file: string,
  onRow: (row: ScannedRow) => void,
  onColumns: (columns: readonly string[]) => void = () => undefined,
): ScanSummary {
  const format = formatOf(file);
  const descriptor = openFile(file);
  const parser = new RowParser(file, format, onRow, onColumns);
  try {
    let buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    /** Bytes of `buffer` holding data; `start` is where the current (unfinished) line begins. */
    let filled = 0;
    let start = 0;
    /** File offset of buffer[0]. */
    let base = 0;
    let lineNumber = 0;
    for (;;) {
      if (filled === buffer.length) {
        // Keep the unfinished line, in a larger buffer when it fills this one.
        const kept = filled - start;
        if (kept > MAX_LINE_BYTES)
          throw new InputError(`line ${lineNumber + 1} is longer than ${formatBytes(MAX_LINE_BYTES)}: not ${WHAT}`, file);
        const next = kept * 2 > buffer.length ? Buffer.allocUnsafe(buffer.length * 2) : buffer;
        buffer.copy(next, 0, start, filled);
        buffer = next;
        base += start;
        filled = kept;
        start = 0;
      }
      const read = readSync(descriptor, buffer, filled, buffer.length - filled, null);
      if (read === 0) break;
      if (base + filled + read > READ_LIMITS.table)
        throw new InputError(`is larger than ${formatBytes(READ_LIMITS.table)}, the most npusim reads for ${WHAT}`, file);
      let from = filled;
      filled += read;
      const data = buffer.subarray(0, filled);
      for (let newline = data.indexOf(0x0a, from); newline >= 0; newline = data.indexOf(0x0a, from)) {
        lineNumber += 1;
        // A byte-order mark before the first line is not part of it.
        const bom = base + start === 0 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
        parser.line(buffer.toString('utf8', start + bom, newline), lineNumber, base + start + bom, newline - start - bom);
        start = newline + 1;
        from = start;
      }
    }
    parser.flush();
    return { columns: parser.columns ?? [], rows: parser.rows, cut: filled > start, wholeBytes: base + start };
  } finally {
    closeSync(descriptor);
  }
}
