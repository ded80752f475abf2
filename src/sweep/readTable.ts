/** A whole sweep file in memory, for the pages that draw it (bounded: a page cannot draw millions of points). */
import { InputError } from '../errors.js';
import type { Cell } from './output.js';
import { scanSweepFile } from './scan.js';

/** The most rows a sweep page draws (docs/report.md): more would make a page of hundreds of megabytes. */
export const MAX_DRAWN_SWEEP_ROWS = 50_000;

export interface SweepTable {
  readonly file: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

export function readSweepTable(file: string, maxRows = MAX_DRAWN_SWEEP_ROWS): SweepTable {
  const rows: Cell[][] = [];
  let columns: readonly string[] = [];
  const summary = scanSweepFile(
    file,
    (row) => {
      if (rows.length === maxRows)
        throw new InputError(`has more than ${maxRows} rows, the most a sweep page draws; draw a shard or a filtered copy`, file);
      rows.push(row.cells);
    },
    (found) => {
      columns = found;
    },
  );
  if (columns.length === 0 || rows.length === 0) throw new InputError('holds no sweep rows', file);
  if (summary.cut) throw new InputError(`ends in a cut line (an interrupted sweep): finish it with npusim sweep --resume first`, file);
  return { file, columns, rows };
}
