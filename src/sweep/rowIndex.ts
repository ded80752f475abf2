/**
 * Where the rows of a sweep are, without holding them: per row its point, the file and byte range
 * of its line and its objectives, in typed arrays (about 50 bytes a row). Finalizing writes the
 * file in point order from these, each line as it was written but for its pareto cell, so a run,
 * its resumption and a merge of its shards all end in the same bytes.
 */
import { InputError } from '../errors.js';
import { LineReader, writeAtomically } from './files.js';
import { type Cell, headerText, parseCsvLine, PARETO_COLUMN, type SweepFormat, withParetoMark } from './output.js';
import { OBJECTIVES, type ObjectiveColumns, objectiveColumns, paretoFront, rowObjectives } from './pareto.js';
import { MAX_PARETO_ROWS, type ParetoSummary } from './paretoTable.js';

export class RowIndex {
  count = 0;
  private capacity = 1024;
  points = new Float64Array(this.capacity);
  sources = new Uint16Array(this.capacity);
  offsets = new Float64Array(this.capacity);
  lengths = new Uint32Array(this.capacity);
  objectives = new Float64Array(this.capacity * OBJECTIVES);
  dims = new Uint8Array(this.capacity);
  private readonly where: ObjectiveColumns;

  constructor(readonly columns: readonly string[]) {
    this.where = objectiveColumns(columns);
  }

  private grow(): void {
    this.capacity *= 2;
    const grown = <T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(array: T, size: number): T => {
      const next = new (array.constructor as new (length: number) => T)(size);
      next.set(array);
      return next;
    };
    this.points = grown(this.points, this.capacity);
    this.sources = grown(this.sources, this.capacity);
    this.offsets = grown(this.offsets, this.capacity);
    this.lengths = grown(this.lengths, this.capacity);
    this.objectives = grown(this.objectives, this.capacity * OBJECTIVES);
    this.dims = grown(this.dims, this.capacity);
  }

  /** A row: its point, the line (source file number, byte offset, length) and its cells. */
  add(point: number, source: number, offset: number, length: number, cells: readonly Cell[]): void {
    if (this.count === this.capacity) this.grow();
    const row = this.count;
    this.points[row] = point;
    this.sources[row] = source;
    this.offsets[row] = offset;
    this.lengths[row] = length;
    const objectives = rowObjectives(this.where, cells);
    this.dims[row] = objectives.length;
    objectives.forEach((value, k) => {
      this.objectives[row * OBJECTIVES + k] = value;
    });
    this.count += 1;
  }

  /**
   * The rows in point order, one per point. `sameRow(a, b)` is asked about two rows of one point
   * and throws when they differ; the first is kept.
   */
  inPointOrder(sameRow: (kept: number, other: number) => void): Uint32Array {
    const order = new Uint32Array(this.count);
    for (let row = 0; row < this.count; row += 1) order[row] = row;
    const points = this.points;
    order.sort((a, b) => (points[a] as number) - (points[b] as number) || a - b);
    let unique = 0;
    for (let position = 0; position < order.length; position += 1) {
      const row = order[position] as number;
      const kept = unique > 0 ? (order[unique - 1] as number) : -1;
      if (kept >= 0 && points[kept] === points[row]) {
        sameRow(kept, row);
        continue;
      }
      order[unique] = row;
      unique += 1;
    }
    return order.subarray(0, unique);
  }
}

/** Reads rows' lines back from the files they are in. */
export class RowLines {
  private readonly readers: LineReader[];

  constructor(
    private readonly index: RowIndex,
    files: readonly string[],
  ) {
    this.readers = files.map((file) => new LineReader(file));
  }

  line(row: number): string {
    return this.reader(row).line(this.index.offsets[row] as number, this.index.lengths[row] as number);
  }

  file(row: number): string {
    return this.reader(row).file;
  }

  private reader(row: number): LineReader {
    const reader = this.readers[this.index.sources[row] as number];
    if (reader === undefined) throw new Error('unreachable: rows are read before their files are closed');
    return reader;
  }

  /** Closes the files (again is harmless): before the rewritten file replaces one of them. */
  close(): void {
    for (const reader of this.readers.splice(0)) reader.close();
  }
}

function cellsOf(format: SweepFormat, line: string): Cell[] {
  if (format === 'jsonl') return Object.values(JSON.parse(line) as Record<string, Cell>);
  return parseCsvLine(line) ?? [];
}

export interface FinalFile {
  readonly out: string;
  readonly format: SweepFormat;
  readonly sweepId: string;
  readonly index: RowIndex;
  /** Rows to write, in point order (RowIndex.inPointOrder). */
  readonly order: Uint32Array;
  readonly lines: RowLines;
}

/** Writes the finished file: the header, then every row in point order with its pareto mark. */
export function writeFinalFile({ out, format, sweepId, index, order, lines }: FinalFile): ParetoSummary {
  const { columns } = index;
  if (!columns.includes(PARETO_COLUMN)) throw new InputError(`not a sweep file: it has no ${PARETO_COLUMN} column`, out);
  const values = new Float64Array(order.length * OBJECTIVES);
  const dims = new Uint8Array(order.length);
  order.forEach((row, position) => {
    dims[position] = index.dims[row] as number;
    values.set(index.objectives.subarray(row * OBJECTIVES, (row + 1) * OBJECTIVES), position * OBJECTIVES);
  });
  const marks = paretoFront({ values, dims, count: order.length });
  const frontRows: Cell[][] = [];
  let front = 0;
  let invalid = 0;
  writeAtomically(out, (file) => {
    file.write(headerText(format, columns));
    order.forEach((row, position) => {
      const mark = marks[position] === 1;
      const line = withParetoMark(format, columns, lines.line(row), sweepId, mark);
      file.write(`${line}\n`);
      if (dims[position] === 0) invalid += 1;
      if (!mark) return;
      front += 1;
      if (frontRows.length < MAX_PARETO_ROWS) frontRows.push(cellsOf(format, line));
    });
    // Some systems refuse to replace a file that is open.
    lines.close();
  });
  return { columns, frontRows, front, rows: order.length, invalid };
}
