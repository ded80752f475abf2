/**
 * The sweep page: any two result columns of a sweep file against each other, every point coloured
 * by a parameter, and the Pareto front of the two (both minimized) drawn through its points.
 */
import { InputError } from '../errors.js';
import { didYouMean } from '../messages/didYouMean.js';
import { INVALID_COLUMN, PARETO_COLUMN, POINT_COLUMN, RESULT_COLUMNS, SWEEP_COLUMN } from '../sweep/output.js';
import type { SweepTable } from '../sweep/readTable.js';
import { chart, PALETTE } from './charts.js';
import type { Page } from './page.js';
import type { TableCell } from './table.js';

export const DEFAULT_SWEEP_AXES = { x: 'cycles', y: 'energyPj' } as const;

export interface SweepPageOptions {
  readonly x?: string;
  readonly y?: string;
  /** The parameter the points are coloured by (default: the first that varies). */
  readonly colour?: string;
  /** What the sweep ran: the file does not record these, the command that wrote it does. */
  readonly graph?: string;
  readonly hardware?: string;
  readonly energyTable?: string;
}

/** A cell as a chart value: CSV cells are text, so numbers and booleans are read back from it. */
export function cellValue(cell: unknown): string | number | boolean | null {
  if (cell === null || cell === undefined || cell === '') return null;
  if (typeof cell === 'number' || typeof cell === 'boolean') return cell;
  const text = String(cell);
  if (text === 'true' || text === 'false') return text === 'true';
  const number = Number(text);
  return /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) && Number.isFinite(number) ? number : text;
}

/** Indices of the rows no other row beats on both values (smaller is better); equal rows are all kept. */
export function paretoFront2d(points: readonly { readonly x: number; readonly y: number }[]): number[] {
  const order = points
    .map((_, index) => index)
    .sort((a, b) => {
      const [p, q] = [points[a] as { x: number; y: number }, points[b] as { x: number; y: number }];
      return p.x - q.x || p.y - q.y || a - b;
    });
  const front: number[] = [];
  let bestY = Infinity;
  let last: { x: number; y: number } | undefined;
  for (const index of order) {
    const point = points[index] as { x: number; y: number };
    if (point.y < bestY || (last !== undefined && point.x === last.x && point.y === last.y)) {
      front.push(index);
      bestY = point.y;
      last = point;
    }
  }
  return front;
}

function columnIndex(table: SweepTable, column: string, flag: string, choices: readonly string[]): number {
  const index = table.columns.indexOf(column);
  if (index < 0 || !choices.includes(column))
    throw new InputError(
      `${flag} ${column} is not a numeric column of this sweep${didYouMean(column, choices)}; it has ${choices.join(', ')}`,
      table.file,
    );
  return index;
}

export function sweepPage(table: SweepTable, options: SweepPageOptions = {}): Page {
  const { columns, rows } = table;
  const firstResult = columns.indexOf(RESULT_COLUMNS[0] as string);
  if (columns[0] !== POINT_COLUMN || firstResult < 0)
    throw new InputError(`is not a sweep file npusim wrote: its columns start ${columns.slice(0, 3).join(', ')}`, table.file);
  const parameters = columns.slice(1, firstResult);
  const values = rows.map((row) => row.map(cellValue));
  const numeric = columns.filter(
    (column, index) =>
      ![POINT_COLUMN, PARETO_COLUMN, SWEEP_COLUMN, INVALID_COLUMN].includes(column) &&
      values.some((row) => typeof row[index] === 'number') &&
      values.every((row) => row[index] === null || typeof row[index] === 'number'),
  );
  const xName = options.x ?? DEFAULT_SWEEP_AXES.x;
  const yName = options.y ?? DEFAULT_SWEEP_AXES.y;
  const xIndex = columnIndex(table, xName, '--x', numeric);
  const yIndex = columnIndex(table, yName, '--y', numeric);
  const varying = parameters.filter((parameter) => new Set(values.map((row) => String(row[columns.indexOf(parameter)]))).size > 1);
  const colourName = options.colour ?? varying[0] ?? parameters[0];
  if (colourName !== undefined && !parameters.includes(colourName))
    throw new InputError(
      `--color ${colourName} is not a parameter of this sweep${didYouMean(colourName, parameters)}; it has ${parameters.join(', ')}`,
      table.file,
    );
  const colourIndex = colourName === undefined ? -1 : columns.indexOf(colourName);
  const invalidIndex = columns.indexOf(INVALID_COLUMN);

  const drawn = values.filter(
    (row) => typeof row[xIndex] === 'number' && typeof row[yIndex] === 'number' && (invalidIndex < 0 || row[invalidIndex] === null),
  );
  const front = paretoFront2d(drawn.map((row) => ({ x: row[xIndex] as number, y: row[yIndex] as number })));
  const onFront = new Set(front);
  const datum = (row: readonly (string | number | boolean | null)[], index: number): Record<string, string | number | boolean | null> => ({
    point: row[0] ?? null,
    ...Object.fromEntries(parameters.map((parameter) => [parameter, row[columns.indexOf(parameter)] ?? null])),
    [xName]: row[xIndex] ?? null,
    [yName]: row[yIndex] ?? null,
    front: onFront.has(index),
  });
  const points = drawn.map(datum);
  const frontPoints = front.map((index) => datum(drawn[index] as (string | number | boolean | null)[], index));
  const colourValues = colourIndex < 0 ? [] : [...new Set(drawn.map((row) => row[colourIndex]))];
  const colourNumeric = colourValues.every((value) => typeof value === 'number');
  const colour =
    colourName === undefined
      ? { value: PALETTE[0] }
      : colourValues.length <= PALETTE.length
        ? {
            field: colourName,
            type: colourNumeric ? 'ordinal' : 'nominal',
            title: colourName,
            scale: { range: PALETTE },
          }
        : { field: colourName, type: 'quantitative', title: colourName };
  // Field names with dots (array.rows) are paths in Vega-Lite unless escaped.
  const field = (name: string) => name.replaceAll('.', '\\.');
  const axis = (name: string) => ({ field: field(name), type: 'quantitative', title: name, scale: { zero: false } });
  const escapedColour = 'field' in colour && colour.field !== undefined ? { ...colour, field: field(colour.field) } : colour;
  const tooltip = [POINT_COLUMN, ...parameters, xName, yName].map((name) => ({ field: field(name), title: name }));
  const frontTable: TableCell[][] = frontPoints.map((point) =>
    [POINT_COLUMN, ...parameters, xName, yName].map((name) => point[name] ?? null),
  );
  const skipped = rows.length - drawn.length;
  return {
    kind: 'sweep',
    title: `npusim sweep: ${yName} against ${xName}`,
    context: [
      ['sweep file', table.file],
      ['graph', options.graph ?? 'not recorded in the sweep file (give --graph)'],
      ['base hardware config', options.hardware ?? 'not recorded in the sweep file (give --hw)'],
      ['energy table', options.energyTable ?? "the base config's (give --hw to name it)"],
      ['parameters', parameters.join(', ')],
      ['points', `${rows.length} (${drawn.length} drawn${skipped === 0 ? '' : `, ${skipped} without both values or unable to run`})`],
    ],
    sections: [
      {
        id: 'pareto',
        title: `${yName} against ${xName}, with the Pareto front`,
        note: `Every point of the sweep, coloured by ${colourName ?? 'nothing (no parameter)'}; the line joins the ${front.length} points no other point beats on both ${xName} and ${yName} (smaller is better). Hover a point for its parameters. The file's own pareto column is the front over cycles, energy and overflow events together.`,
        chart: chart({
          width: 620,
          height: 420,
          layer: [
            {
              name: 'sweep_points',
              data: { values: points },
              mark: { type: 'point', filled: true, size: 36, opacity: 0.75 },
              encoding: { x: axis(xName), y: axis(yName), color: escapedColour, tooltip },
            },
            {
              name: 'sweep_front',
              data: { values: frontPoints },
              mark: { type: 'line', interpolate: 'step-after', color: '#1f2328', strokeWidth: 1.5 },
              encoding: { x: axis(xName), y: axis(yName) },
            },
            {
              name: 'sweep_front_points',
              data: { values: frontPoints },
              mark: { type: 'point', shape: 'diamond', size: 90, color: '#1f2328', strokeWidth: 2, filled: false },
              encoding: { x: axis(xName), y: axis(yName), tooltip },
            },
          ],
        }),
        tables: [
          { caption: `The Pareto front (${front.length} points)`, columns: [POINT_COLUMN, ...parameters, xName, yName], rows: frontTable },
        ],
      },
    ],
  };
}
