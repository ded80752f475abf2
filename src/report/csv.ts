/** CSV and Markdown reports: one row per layer and a totals row, the same columns in both. */
import type { SimulationResult } from '../engine/result.js';
import { safeBits, totals } from './summary.js';

const COLUMNS = [
  'layer', 'op', 'output', 'macs', 'cycles', 'compute_cycles', 'stall_cycles', 'requant_cycles', 'vector_cycles', 'utilization',
  'energy_pj', 'acc_transient', 'acc_final', 'output_clipped', 'vector_saturated', 'bits_needed', 'bits_available',
] as const;

function rows(result: SimulationResult, overflowMode: 'wrap' | 'saturate'): string[][] {
  const body = result.layers.map((layer) => [
    layer.name,
    layer.op,
    layer.outputShape.join('x'),
    String(layer.macs),
    String(layer.cycles.total),
    String(layer.cycles.compute),
    String(layer.cycles.memoryStall),
    String(layer.cycles.requant),
    String(layer.cycles.vector),
    layer.unit === 'array' ? layer.utilization.toFixed(6) : '',
    layer.energy.totalPj.toFixed(3),
    String(layer.overflow.accumulatorTransient),
    String(layer.overflow.accumulatorFinal),
    String(layer.overflow.outputClipped),
    String(layer.overflow.vectorSaturated),
    layer.unit === 'array' ? String(safeBits(layer, overflowMode)) : '',
    layer.unit === 'array' ? String(layer.accumulatorBits) : '',
  ]);
  const total = totals(result, overflowMode);
  body.push([
    'total', '', '', String(total.macs), String(total.cycles), String(total.computeCycles), String(total.memoryStallCycles),
    String(total.requantCycles), String(total.vectorCycles), '', total.energyPj.toFixed(3), String(total.overflow.accumulatorTransient),
    String(total.overflow.accumulatorFinal), String(total.overflow.outputClipped), String(total.overflow.vectorSaturated), String(total.overflow.smallestSafeAccumulatorBits), '',
  ]);
  return body;
}

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvReport(result: SimulationResult, overflowMode: 'wrap' | 'saturate'): string {
  return [COLUMNS.join(','), ...rows(result, overflowMode).map((row) => row.map(csvField).join(','))].join('\n') + '\n';
}

export function markdownReport(result: SimulationResult, overflowMode: 'wrap' | 'saturate'): string {
  const total = totals(result, overflowMode);
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  return [
    `# ${result.graph} on ${result.hardware}`,
    '',
    `${total.cycles} cycles (${total.latencyMs.toFixed(3)} ms at ${result.clockMHz} MHz), ${(total.energyPj / 1e6).toFixed(3)} uJ (energy table ${result.energyTable}), smallest safe accumulator width ${total.overflow.smallestSafeAccumulatorBits} bits.`,
    '',
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map((_, index) => (index < 3 ? '---' : '---:')).join('|')}|`,
    ...rows(result, overflowMode).map((row) => `| ${row.map(escape).join(' | ')} |`),
    '',
  ].join('\n');
}
