/**
 * Joining sweep files (shards, or a run and its resumption) into the file one unsharded run
 * writes: the same columns and sweep, every point exactly once, in point order, with the Pareto
 * marks recomputed over all of them.
 */
import { InputError } from '../errors.js';
import { type Cell, cellText, POINT_COLUMN, readSweepFile, SWEEP_COLUMN, type SweepTable } from './output.js';
import { finalizeTable } from './pareto.js';

/** The number of points a sweep id ("hash/points") announces. */
export function sweepPointCount(sweepId: string): number | undefined {
  const match = /\/(\d+)$/.exec(sweepId);
  return match === null ? undefined : Number(match[1]);
}

/** Cells compared as written; the pareto mark depends on the other rows, so it is left out. */
function sameRow(a: readonly Cell[], b: readonly Cell[], skip: number): boolean {
  return a.length === b.length && a.every((cell, index) => index === skip || cellText(cell) === cellText(b[index] ?? null));
}

export interface MergeResult {
  readonly table: SweepTable;
  readonly points: number;
}

export function mergeSweepFiles(files: readonly string[]): MergeResult {
  let columns: readonly string[] | undefined;
  let sweepId: string | undefined;
  let firstFile = '';
  const rows = new Map<number, { cells: Cell[]; file: string }>();
  for (const file of files) {
    const { table, droppedPartialLine } = readSweepFile(file);
    if (droppedPartialLine) throw new InputError('ends in a cut line (the run was killed); finish it with npusim sweep ... --resume before merging', file);
    if (table.rows.length === 0) continue;
    if (columns === undefined) {
      columns = table.columns;
      firstFile = file;
    } else if (table.columns.join('\n') !== columns.join('\n')) {
      throw new InputError(`its columns (${table.columns.join(', ')}) differ from ${firstFile}'s (${columns.join(', ')}): not the same sweep`, file);
    }
    const point = columns.indexOf(POINT_COLUMN);
    const sweep = columns.indexOf(SWEEP_COLUMN);
    const pareto = columns.indexOf('pareto');
    if (point < 0 || sweep < 0) throw new InputError(`not a sweep file: it has no ${point < 0 ? POINT_COLUMN : SWEEP_COLUMN} column`, file);
    table.rows.forEach((cells, row) => {
      const id = cellText(cells[sweep] ?? null);
      sweepId ??= id;
      if (id !== sweepId) throw new InputError(`row ${row + 1} belongs to sweep ${id}, ${firstFile} to ${sweepId}: files of different sweeps cannot be merged`, file);
      const index = Number(cells[point]);
      if (!Number.isSafeInteger(index) || index < 0) throw new InputError(`row ${row + 1}: point "${cellText(cells[point] ?? null)}" is not an index`, file);
      const earlier = rows.get(index);
      if (earlier !== undefined && !sameRow(earlier.cells, cells, pareto)) {
        throw new InputError(`point ${index} is in ${earlier.file} too, with different results`, file);
      }
      rows.set(index, { cells, file });
    });
  }
  if (columns === undefined || sweepId === undefined) throw new InputError('no rows to merge', files.join(' '));
  const points = sweepPointCount(sweepId) ?? rows.size;
  const missing: number[] = [];
  for (let index = 0; index < points && missing.length <= 10; index += 1) if (!rows.has(index)) missing.push(index);
  if (missing.length > 0) {
    const listed = missing.slice(0, 10).join(', ');
    throw new InputError(`the files hold ${rows.size} of the sweep's ${points} points; missing points ${listed}${missing.length > 10 ? ', ...' : ''} (a shard not run or not finished?)`, files.join(' '));
  }
  return { table: finalizeTable({ columns, rows: [...rows.values()].map((row) => row.cells) }), points };
}
