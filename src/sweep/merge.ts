/**
 * Joining sweep files (shards, or a run and its resumption) into the file one unsharded run
 * writes: the same columns and sweep, every point exactly once, in point order, with the Pareto
 * marks recomputed over all of them. Files are read row by row and rows are kept as their place in
 * their file, so merging a sweep of millions of points takes about 50 bytes a point.
 */
import { InputError } from '../errors.js';
import { cellText, formatOf, POINT_COLUMN, SWEEP_COLUMN, withParetoMark } from './output.js';
import type { ParetoSummary } from './paretoTable.js';
import { RowIndex, RowLines, writeFinalFile } from './rowIndex.js';
import { scanSweepFile } from './scan.js';

/** The number of points a sweep id ("hash/points") announces. */
export function sweepPointCount(sweepId: string): number | undefined {
  const match = /\/(\d+)$/.exec(sweepId);
  return match === null ? undefined : Number(match[1]);
}

export interface MergeResult {
  readonly summary: ParetoSummary;
  readonly points: number;
}

/** Merges `files` into `out` (planned by the caller); nothing is written unless all of it is sound. */
export function mergeSweepFiles(files: readonly string[], out: string): MergeResult {
  const format = formatOf(out);
  let index: RowIndex | undefined;
  let sweepId: string | undefined;
  let firstFile = '';
  files.forEach((file, source) => {
    let point = -1;
    let sweep = -1;
    const summary = scanSweepFile(
      file,
      (row) => {
        if (index === undefined) {
          throw new Error('unreachable: columns are known before rows');
        }
        const id = cellText(row.cells[sweep] ?? null);
        sweepId ??= id;
        if (id !== sweepId)
          throw new InputError(
            `line ${row.line} belongs to sweep ${id}, ${firstFile} to ${sweepId}: files of different sweeps cannot be merged`,
            file,
          );
        const value = Number(row.cells[point]);
        const points = sweepPointCount(id) ?? Number.MAX_SAFE_INTEGER;
        if (!Number.isSafeInteger(value) || value < 0 || value >= points) {
          throw new InputError(
            `line ${row.line}: point "${cellText(row.cells[point] ?? null)}" is not one of the sweep's points 0..${points - 1}`,
            file,
          );
        }
        index.add(value, source, row.offset, row.length, row.cells);
      },
      (columns) => {
        if (columns.length === 0) return;
        if (index === undefined) {
          index = new RowIndex(columns);
          firstFile = file;
        } else if (columns.join('\n') !== index.columns.join('\n')) {
          throw new InputError(
            `its columns (${columns.join(', ')}) differ from ${firstFile}'s (${index.columns.join(', ')}): not the same sweep`,
            file,
          );
        }
        point = columns.indexOf(POINT_COLUMN);
        sweep = columns.indexOf(SWEEP_COLUMN);
        if (point < 0 || sweep < 0)
          throw new InputError(`not a sweep file: it has no ${point < 0 ? POINT_COLUMN : SWEEP_COLUMN} column`, file);
      },
    );
    if (summary.cut)
      throw new InputError('ends in a cut line (the run was killed); finish it with npusim sweep ... --resume before merging', file);
  });
  if (index === undefined || sweepId === undefined) throw new InputError('no rows to merge', files.join(' '));
  const rows = index;
  const id = sweepId;
  const lines = new RowLines(rows, files);
  try {
    const order = rows.inPointOrder((kept, other) => {
      const unmarked = (row: number) => withParetoMark(format, rows.columns, lines.line(row), id, null);
      if (unmarked(kept) !== unmarked(other))
        throw new InputError(`point ${rows.points[other]} is in ${lines.file(kept)} too, with different results`, lines.file(other));
    });
    const points = sweepPointCount(id) ?? order.length;
    const missing: number[] = [];
    for (let position = 0, expected = 0; expected < points && missing.length <= 10; expected += 1) {
      if (position < order.length && rows.points[order[position] as number] === expected) position += 1;
      else missing.push(expected);
    }
    if (missing.length > 0) {
      const listed = missing.slice(0, 10).join(', ');
      throw new InputError(
        `the files hold ${order.length} of the sweep's ${points} points; missing points ${listed}${missing.length > 10 ? ', ...' : ''} (a shard not run or not finished?)`,
        files.join(' '),
      );
    }
    return { summary: writeFinalFile({ out, format, sweepId: id, index: rows, order, lines }), points };
  } finally {
    lines.close();
  }
}
