/** CSV and Markdown reports: one row per layer and a totals row, the same columns in both. */
import type { SimulationResult } from '../engine/result.js';
import { type Column, cells, headers } from './columns.js';
import { type ReportRow, reportRows } from './rows.js';
import { totals } from './summary.js';
import { requantNote } from './records.js';

const text = (header: string, read: (row: ReportRow) => string): Column<ReportRow> => ({ header, align: 'left', cell: read });
const integer = (header: string, read: (row: ReportRow) => number | undefined): Column<ReportRow> => ({
  header,
  cell: (row) => {
    const value = read(row);
    return value === undefined ? '' : String(value);
  },
});

const COLUMNS: readonly Column<ReportRow>[] = [
  text('layer', (row) => row.name),
  text('op', (row) => row.op),
  text('output', (row) => row.outputShape?.join('x') ?? ''),
  integer('macs', (row) => row.macs),
  integer('cycles', (row) => row.cycles),
  integer('compute_cycles', (row) => row.computeCycles),
  integer('stall_cycles', (row) => row.memoryStallCycles),
  integer('requant_cycles', (row) => row.requantCycles),
  integer('vector_cycles', (row) => row.vectorCycles),
  { header: 'utilization', cell: (row) => row.utilization?.toFixed(6) ?? '' },
  { header: 'energy_pj', cell: (row) => row.energyPj.toFixed(3) },
  integer('acc_transient', (row) => row.overflow.accumulatorTransient),
  integer('acc_final', (row) => row.overflow.accumulatorFinal),
  integer('output_clipped', (row) => row.overflow.outputClipped),
  integer('vector_saturated', (row) => row.overflow.vectorSaturated),
  integer('bits_needed', (row) => row.bitsNeeded),
  integer('bits_available', (row) => row.bitsAvailable),
];

function csvField(field: string): string {
  return /[",\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

export function csvReport(result: SimulationResult): string {
  const lines = [headers(COLUMNS), ...reportRows(result).map((row) => cells(COLUMNS, row))];
  return lines.map((line) => line.map(csvField).join(',')).join('\n') + '\n';
}

export function markdownReport(result: SimulationResult): string {
  const total = totals(result);
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `# ${result.graph} on ${result.hardware}`,
    '',
    `${total.cycles} cycles (${total.latencyMs.toFixed(3)} ms at ${result.clockMHz} MHz), ${(total.energyPj / 1e6).toFixed(3)} uJ (energy table ${result.energyTable}), smallest safe accumulator width ${total.overflow.smallestSafeAccumulatorBits} bits; ${requantNote(result)}.`,
    '',
    `| ${headers(COLUMNS).join(' | ')} |`,
    `|${COLUMNS.map((column) => (column.align === 'left' ? '---' : '---:')).join('|')}|`,
    ...reportRows(result).map((row) => `| ${cells(COLUMNS, row).map(escape).join(' | ')} |`),
    '',
  ].join('\n');
}
