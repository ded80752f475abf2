/**
 * --resume: the rows an earlier run of the same sweep (and shard) finished. The file must be this
 * sweep's: the same columns, its sweep id on every row, and each row's parameter values those of
 * the point its index names; anything else is exit 2, never a silent mix of two sweeps.
 */
import { InputError } from '../errors.js';
import { cellText, formatOf, POINT_COLUMN, readSweepFile, SWEEP_COLUMN, type SweepTable } from './output.js';
import { pointAt } from './points.js';
import type { SweepSpec } from './pointConfig.js';
import { inShard, type Shard } from './shard.js';

export interface FinishedRows {
  readonly table: SweepTable;
  readonly done: ReadonlySet<number>;
  /** The last line was cut (the run was killed mid-write) and is run again. */
  readonly droppedPartialLine: boolean;
}

export function finishedRows(file: string, spec: SweepSpec, columns: readonly string[], id: string, points: number, shard: Shard): FinishedRows {
  const { table, droppedPartialLine } = readSweepFile(file);
  const different = (why: string) =>
    new InputError(`${why}: it was written by a different sweep; --resume continues the same command (use another --out, or --force to start over)`, file);
  if (table.rows.length === 0 && table.columns.length === 0) return { table: { columns, rows: [] }, done: new Set(), droppedPartialLine };
  if (table.columns.join('\n') !== columns.join('\n')) throw different(`its columns are ${table.columns.join(', ')}, this sweep's ${columns.join(', ')}`);
  const point = columns.indexOf(POINT_COLUMN);
  const sweep = columns.indexOf(SWEEP_COLUMN);
  const done = new Set<number>();
  // CSV rows start after the header line; JSONL rows are the lines.
  const firstRowLine = formatOf(file) === 'csv' ? 2 : 1;
  table.rows.forEach((cells, row) => {
    const line = row + firstRowLine;
    if (cellText(cells[sweep] ?? null) !== id) throw different(`line ${line} is from sweep ${cellText(cells[sweep] ?? null)}, this is ${id}`);
    const index = Number(cells[point]);
    if (!Number.isSafeInteger(index) || index < 0 || index >= points) throw different(`line ${line}: point ${cellText(cells[point] ?? null)} is not one of this sweep's 0..${points - 1}`);
    if (!inShard(index, shard)) throw different(`line ${line}: point ${index} is not in shard ${shard.index}/${shard.count}`);
    if (done.has(index)) throw new InputError(`point ${index} appears twice (line ${line})`, file);
    const expected = pointAt(spec.parameters, spec.zip, index);
    spec.parameters.forEach((parameter, p) => {
      const written = cellText(cells[point + 1 + p] ?? null);
      const value = cellText(expected.values[p]?.value ?? null);
      if (written !== value) throw different(`line ${line}: point ${index} has ${parameter.path}=${written}, this sweep ${value}`);
    });
    done.add(index);
  });
  return { table, done, droppedPartialLine };
}
