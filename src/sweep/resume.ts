/**
 * --resume: the rows an earlier run of the same sweep (and shard) finished. The file must be this
 * sweep's: the same columns, its sweep id on every row, and each row's parameter values those of
 * the point its index names; anything else is exit 2, never a silent mix of two sweeps.
 */
import { InputError } from '../errors.js';
import { cellText, POINT_COLUMN, SWEEP_COLUMN } from './output.js';
import { pointAt } from './points.js';
import type { SweepSpec } from './pointConfig.js';
import type { RowIndex } from './rowIndex.js';
import { scanSweepFile } from './scan.js';
import { inShard, type Shard } from './shard.js';

export interface FinishedRows {
  /** done[point] is 1 for a point the file has. */
  readonly done: Uint8Array;
  readonly count: number;
  /** The file holds no header and no rows (a fresh start). */
  readonly empty: boolean;
  /** The last line was cut (the run was killed mid-write) and is run again. */
  readonly droppedPartialLine: boolean;
  /** Bytes up to the end of the last whole line: the file is cut back to this before appending. */
  readonly wholeBytes: number;
}

/** Reads the rows of `file` into `index` (as source 0), checking that they belong to this sweep. */
export function finishedRows(file: string, spec: SweepSpec, index: RowIndex, id: string, points: number, shard: Shard): FinishedRows {
  const { columns } = index;
  const different = (why: string) =>
    new InputError(
      `${why}: it was written by a different sweep; --resume continues the same command (use another --out, or --force to start over)`,
      file,
    );
  const point = columns.indexOf(POINT_COLUMN);
  const sweep = columns.indexOf(SWEEP_COLUMN);
  const done = new Uint8Array(points);
  let count = 0;
  const summary = scanSweepFile(
    file,
    (row) => {
      const { cells, line } = row;
      if (cellText(cells[sweep] ?? null) !== id)
        throw different(`line ${line} is from sweep ${cellText(cells[sweep] ?? null)}, this is ${id}`);
      const value = Number(cells[point]);
      if (!Number.isSafeInteger(value) || value < 0 || value >= points)
        throw different(`line ${line}: point ${cellText(cells[point] ?? null)} is not one of this sweep's 0..${points - 1}`);
      if (!inShard(value, shard)) throw different(`line ${line}: point ${value} is not in shard ${shard.index}/${shard.count}`);
      if (done[value] === 1) throw new InputError(`point ${value} appears twice (line ${line})`, file);
      const expected = pointAt(spec.parameters, spec.zip, value);
      spec.parameters.forEach((parameter, p) => {
        const written = cellText(cells[point + 1 + p] ?? null);
        const wanted = cellText(expected.values[p]?.value ?? null);
        if (written !== wanted) throw different(`line ${line}: point ${value} has ${parameter.path}=${written}, this sweep ${wanted}`);
      });
      done[value] = 1;
      count += 1;
      index.add(value, 0, row.offset, row.length, cells);
    },
    (found) => {
      if (found.join('\n') !== columns.join('\n'))
        throw different(`its columns are ${found.join(', ')}, this sweep's ${columns.join(', ')}`);
    },
  );
  return { done, count, empty: summary.columns.length === 0, droppedPartialLine: summary.cut, wholeBytes: summary.wholeBytes };
}
