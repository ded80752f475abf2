/** The Pareto points of a finished sweep as a terminal table: point, parameters, cycles, energy, overflow events. */
import { cellText, type SweepTable } from './output.js';
import { objectivesOf } from './pareto.js';

/** At most this many rows are printed; the file has them all. */
export const MAX_PARETO_ROWS = 20;

export function paretoTableText(table: SweepTable, parameterCount: number): string {
  const pareto = table.columns.indexOf('pareto');
  const objectives = objectivesOf(table);
  const front = table.rows.map((cells, row) => ({ cells, objectives: objectives[row] ?? [] })).filter(({ cells }) => cells[pareto] === true || cells[pareto] === 'true');
  const withEvents = front.some(({ objectives: values }) => values.length > 2);
  const header = [...table.columns.slice(0, 1 + parameterCount), 'cycles', 'energy uJ', ...(withEvents ? ['overflow events'] : [])];
  const lines = front.slice(0, MAX_PARETO_ROWS).map(({ cells, objectives: values }) => [
    ...cells.slice(0, 1 + parameterCount).map((cell) => cellText(cell)),
    String(values[0] ?? ''),
    ((values[1] ?? 0) / 1e6).toFixed(3),
    ...(withEvents ? [String(values[2] ?? '')] : []),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)));
  const format = (line: readonly string[]) => line.map((cell, column) => (column === 0 || column > parameterCount ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd();
  const title = `Pareto front (${withEvents ? 'cycles, energy, overflow events' : 'cycles, energy'}): ${front.length} of ${table.rows.length} points${front.length > MAX_PARETO_ROWS ? `, first ${MAX_PARETO_ROWS} shown` : ''}`;
  return `${title}\n${[format(header), ...lines.map(format)].join('\n')}\n`;
}
