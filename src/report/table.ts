/** The terminal report: one row per layer, totals, non-zero overflow counts highlighted. */
import type { ChalkInstance } from 'chalk';
import type { SimulationResult } from '../engine/result.js';
import { type Column, cells, headers } from './columns.js';
import { type ReportRow, reportRows } from './rows.js';
import { totals } from './summary.js';
import { requantNote } from './records.js';

const ANSI = /\u001b\[[0-9;]*m/g;

function grouped(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function pad(text: string, width: number, left: boolean): string {
  // Width by visible characters (ANSI colour codes take no room).
  const fill = ' '.repeat(Math.max(0, width - text.replace(ANSI, '').length));
  return left ? text + fill : fill + text;
}

/** The columns; an array-only figure is `-` on other layers and blank on the totals row. */
function tableColumns(colour: ChalkInstance): Column<ReportRow>[] {
  const text = (header: string, read: (row: ReportRow) => string): Column<ReportRow> => ({ header, align: 'left', cell: read });
  const count = (header: string, read: (row: ReportRow) => number): Column<ReportRow> => ({ header, cell: (row) => grouped(read(row)) });
  const arrayOnly = (row: ReportRow, cell: string | undefined): string => cell ?? (row.kind === 'total' ? '' : '-');
  // Events that corrupt a sum are red; clipping and saturation, which a quantized network expects some of, yellow.
  const event = (header: string, read: (row: ReportRow) => number, paint: (text: string) => string): Column<ReportRow> => ({
    header,
    cell: (row) => {
      const events = read(row);
      if (row.kind === 'total') return grouped(events);
      return events === 0 ? '0' : paint(grouped(events));
    },
  });
  const bits = (row: ReportRow): string => {
    if (row.kind === 'total') return `safe: ${row.bitsNeeded}`;
    if (row.bitsNeeded === undefined || row.bitsAvailable === undefined) return '-';
    const cell = `${row.bitsNeeded}/${row.bitsAvailable}`;
    return row.bitsNeeded > row.bitsAvailable ? colour.red(cell) : cell;
  };
  return [
    text('layer', (row) => row.name),
    text('op', (row) => row.op),
    text('output', (row) => row.outputShape?.join('x') ?? ''),
    count('MACs', (row) => row.macs),
    count('cycles', (row) => row.cycles),
    count('compute', (row) => row.computeCycles),
    count('stall', (row) => row.memoryStallCycles),
    count('requant', (row) => row.requantCycles),
    count('vector', (row) => row.vectorCycles),
    { header: 'util %', cell: (row) => arrayOnly(row, row.utilization === undefined ? undefined : (row.utilization * 100).toFixed(1)) },
    { header: 'energy uJ', cell: (row) => (row.energyPj / 1e6).toFixed(2) },
    event('acc trans', (row) => row.overflow.accumulatorTransient, colour.red),
    event('acc final', (row) => row.overflow.accumulatorFinal, colour.red),
    event('clipped', (row) => row.overflow.outputClipped, colour.yellow),
    event('vec sat', (row) => row.overflow.vectorSaturated, colour.yellow),
    { header: 'bits need/have', cell: bits },
  ];
}

export function tableReport(result: SimulationResult, colour: ChalkInstance): string {
  const columns = tableColumns(colour);
  const rows = reportRows(result);
  const grid = [headers(columns), ...rows.map((row) => cells(columns, row))];
  const widths = columns.map((_, column) => Math.max(...grid.map((line) => (line[column] ?? '').replace(ANSI, '').length)));
  const line = (lineCells: string[]) =>
    lineCells.map((cell, column) => pad(cell, widths[column] ?? 0, columns[column]?.align === 'left')).join('  ');
  const total = totals(result);
  const lines = [
    `${colour.bold(result.graph)} on ${colour.bold(result.hardware)} (${result.clockMHz} MHz), energy table ${result.energyTable}, ${requantNote(result)}`,
    colour.bold(line(headers(columns))),
    ...rows.map((row, index) => {
      const text = line(grid[index + 1] ?? []);
      return row.kind === 'total' ? colour.bold(text) : text;
    }),
    `${grouped(total.cycles)} cycles = ${total.latencyMs.toFixed(3)} ms at ${result.clockMHz} MHz; ${(total.energyPj / 1e6).toFixed(1)} uJ; smallest accumulator width with no final overflow: ${total.overflow.smallestSafeAccumulatorBits} bits`,
  ];
  return `${lines.join('\n')}\n`;
}
