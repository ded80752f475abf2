/**
 * The Pareto view of a sweep: the points no other point beats on cycles, energy and overflow
 * events (the sum of transient and final accumulator overflows, clipped outputs, vector
 * saturations and saturated requantization inputs) at once. A timing-only sweep has no overflow
 * counts and compares cycles and energy. Computed over all rows of a file, so a resumed or merged
 * file marks exactly what an uninterrupted run marks.
 */
import { type Cell, OVERFLOW_EVENT_COLUMNS, PARETO_COLUMN, POINT_COLUMN, type SweepTable } from './output.js';

function numberOf(cell: Cell | undefined): number | undefined {
  if (cell === null || cell === undefined || cell === '') return undefined;
  const value = Number(cell);
  return Number.isFinite(value) ? value : undefined;
}

function columnIndex(table: SweepTable, column: string): number {
  return table.columns.indexOf(column);
}

/** Each row's objectives, all minimized: cycles, energy and (when counted) overflow events. */
export function objectivesOf(table: SweepTable): number[][] {
  const cycles = columnIndex(table, 'cycles');
  const energy = columnIndex(table, 'energyPj');
  const events = OVERFLOW_EVENT_COLUMNS.map((column) => columnIndex(table, column));
  return table.rows.map((cells) => {
    const counts = events.map((index) => numberOf(cells[index]));
    const objectives = [numberOf(cells[cycles]) ?? Infinity, numberOf(cells[energy]) ?? Infinity];
    if (counts.every((count) => count !== undefined)) objectives.push(counts.reduce((total: number, count) => total + (count ?? 0), 0));
    return objectives;
  });
}

function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let index = 0; index < a.length; index += 1) {
    const [x = Infinity, y = Infinity] = [a[index], b[index]];
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

/** Whether each row is non-dominated; rows with equal objectives are all kept. */
export function paretoFront(objectives: readonly (readonly number[])[]): boolean[] {
  // In lexicographic order a row can only be dominated by rows before it, and only by front rows.
  const order = objectives.map((_, index) => index).sort((i, j) => {
    const a = objectives[i] ?? [];
    const b = objectives[j] ?? [];
    for (let k = 0; k < a.length; k += 1) {
      const [x = 0, y = 0] = [a[k], b[k]];
      if (x !== y) return x < y ? -1 : 1;
    }
    return i - j;
  });
  const marks = new Array<boolean>(objectives.length).fill(false);
  const front: number[] = [];
  for (const index of order) {
    const candidate = objectives[index] ?? [];
    if (front.some((member) => dominates(objectives[member] ?? [], candidate))) continue;
    front.push(index);
    marks[index] = true;
  }
  return marks;
}

/** The table in point order with every row's pareto cell set. */
export function finalizeTable(table: SweepTable): SweepTable {
  const point = columnIndex(table, POINT_COLUMN);
  const pareto = columnIndex(table, PARETO_COLUMN);
  const rows = [...table.rows].sort((a, b) => Number(a[point]) - Number(b[point]));
  const marks = paretoFront(objectivesOf({ columns: table.columns, rows }));
  return { columns: table.columns, rows: rows.map((cells, index) => cells.map((cell, column) => (column === pareto ? (marks[index] ?? false) : cell))) };
}
