/**
 * The Pareto view of a sweep: the points no other point beats on cycles, energy and overflow
 * events (the sum of transient and final accumulator overflows, clipped outputs, vector
 * saturations and saturated requantization inputs) at once. A timing-only sweep has no overflow
 * counts and compares cycles and energy; points that could not run (--skip-invalid) are never on
 * it. Computed over all rows of a file, so a resumed or merged file marks exactly what an
 * uninterrupted run marks.
 */
import { OVERFLOW_COUNTERS } from '../engine/overflowCounters.js';
import { type Cell, INVALID_COLUMN } from './output.js';

/** Objectives per row, at most this many: cycles, energy, overflow events. */
export const OBJECTIVES = 3;

function numberOf(cell: Cell | undefined): number | undefined {
  if (cell === null || cell === undefined || cell === '') return undefined;
  const value = Number(cell);
  return Number.isFinite(value) ? value : undefined;
}

/** Where a table's objectives are, by column. */
export interface ObjectiveColumns {
  readonly cycles: number;
  readonly energy: number;
  readonly events: readonly number[];
  /** -1 when the sweep has no invalid column. */
  readonly invalid: number;
}

export function objectiveColumns(columns: readonly string[]): ObjectiveColumns {
  return {
    cycles: columns.indexOf('cycles'),
    energy: columns.indexOf('energyPj'),
    events: OVERFLOW_COUNTERS.map((counter) => columns.indexOf(counter)),
    invalid: columns.indexOf(INVALID_COLUMN),
  };
}

/** A row's objectives, all minimized: cycles, energy and (when counted) overflow events; none for a point that could not run. */
export function rowObjectives(where: ObjectiveColumns, cells: readonly Cell[]): number[] {
  const invalid = where.invalid >= 0 ? cells[where.invalid] : null;
  if (invalid !== null && invalid !== undefined && invalid !== '') return [];
  const counts = where.events.map((index) => numberOf(cells[index]));
  const objectives = [numberOf(cells[where.cycles]) ?? Infinity, numberOf(cells[where.energy]) ?? Infinity];
  if (counts.every((count) => count !== undefined)) objectives.push(counts.reduce((total: number, count) => total + (count ?? 0), 0));
  return objectives;
}

/**
 * Rows' objectives packed flat: row r's k-th objective at values[r * OBJECTIVES + k], its count in
 * dims[r] (0 for a row that is not a candidate), so a million rows take megabytes, not arrays each.
 */
export interface ObjectiveTable {
  readonly values: Float64Array;
  readonly dims: Uint8Array;
  readonly count: number;
}

/** Whether each row is non-dominated (1) or not (0); rows with equal objectives are all kept. */
export function paretoFront({ values, dims, count }: ObjectiveTable): Uint8Array {
  const at = (row: number, k: number, missing: number) => (k < (dims[row] ?? 0) ? (values[row * OBJECTIVES + k] as number) : missing);
  const dominates = (a: number, b: number): boolean => {
    let better = false;
    for (let k = 0; k < (dims[a] ?? 0); k += 1) {
      const [x, y] = [at(a, k, Infinity), at(b, k, Infinity)];
      if (x > y) return false;
      if (x < y) better = true;
    }
    return better;
  };
  // In lexicographic order a row can only be dominated by rows before it, and only by front rows.
  const order: number[] = [];
  for (let row = 0; row < count; row += 1) if ((dims[row] ?? 0) > 0) order.push(row);
  order.sort((i, j) => {
    for (let k = 0; k < (dims[i] ?? 0); k += 1) {
      const [x, y] = [at(i, k, 0), at(j, k, 0)];
      if (x !== y) return x < y ? -1 : 1;
    }
    return i - j;
  });
  const marks = new Uint8Array(count);
  const front: number[] = [];
  for (const row of order) {
    if (front.some((member) => dominates(member, row))) continue;
    front.push(row);
    marks[row] = 1;
  }
  return marks;
}
