/** The Pareto points of a finished sweep as a terminal table: point, parameters, cycles, energy, overflow events. */
import { type Cell, cellText } from './output.js';
import { objectiveColumns, rowObjectives } from './pareto.js';

/** At most this many rows are printed; the file has them all. */
export const MAX_PARETO_ROWS = 20;

/** What a finalized sweep file says about its front: its first rows (in point order) and counts. */
export interface ParetoSummary {
  readonly columns: readonly string[];
  /** The first MAX_PARETO_ROWS front rows' cells. */
  readonly frontRows: readonly (readonly Cell[])[];
  readonly front: number;
  readonly rows: number;
  /** Rows of points that could not run (--skip-invalid). */
  readonly invalid: number;
}

export function paretoTableText(summary: ParetoSummary, parameterCount: number): string {
  const where = objectiveColumns(summary.columns);
  const front = summary.frontRows.map((cells) => ({ cells, objectives: rowObjectives(where, cells) }));
  const withEvents = front.some(({ objectives: values }) => values.length > 2);
  const header = [...summary.columns.slice(0, 1 + parameterCount), 'cycles', 'energy uJ', ...(withEvents ? ['overflow events'] : [])];
  const lines = front
    .slice(0, MAX_PARETO_ROWS)
    .map(({ cells, objectives: values }) => [
      ...cells.slice(0, 1 + parameterCount).map((cell) => cellText(cell)),
      String(values[0] ?? ''),
      ((values[1] ?? 0) / 1e6).toFixed(3),
      ...(withEvents ? [String(values[2] ?? '')] : []),
    ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)));
  const format = (line: readonly string[]) =>
    line
      .map((cell, column) =>
        column === 0 || column > parameterCount ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const skipped = summary.invalid > 0 ? ` (${summary.invalid} could not run)` : '';
  const title = `Pareto front (${withEvents ? 'cycles, energy, overflow events' : 'cycles, energy'}): ${summary.front} of ${summary.rows} points${skipped}${summary.front > MAX_PARETO_ROWS ? `, first ${MAX_PARETO_ROWS} shown` : ''}`;
  return `${title}\n${[format(header), ...lines.map(format)].join('\n')}\n`;
}
