/** The terminal report: one row per layer, totals, non-zero overflow counts highlighted. */
import type { ChalkInstance } from 'chalk';
import type { SimulationResult } from '../engine/result.js';
import { safeBits, totals } from './summary.js';

function grouped(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function pad(text: string, width: number, left = false): string {
  // Width by visible characters (ANSI colour codes take no room).
  const visible = text.replace(/\u001b\[[0-9;]*m/g, '').length;
  const fill = ' '.repeat(Math.max(0, width - visible));
  return left ? text + fill : fill + text;
}

export function tableReport(result: SimulationResult, overflowMode: 'wrap' | 'saturate', colour: ChalkInstance): string {
  const header = ['layer', 'op', 'output', 'MACs', 'cycles', 'compute', 'stall', 'requant', 'vector', 'util %', 'energy uJ', 'acc trans', 'acc final', 'clipped', 'vec sat', 'bits need/have'];
  const rows = result.layers.map((layer) => {
    const counts = [layer.overflow.accumulatorTransient, layer.overflow.accumulatorFinal, layer.overflow.outputClipped, layer.overflow.vectorSaturated];
    const needed = safeBits(layer, overflowMode);
    return [
      layer.name,
      layer.op,
      layer.outputShape.join('x'),
      grouped(layer.macs),
      grouped(layer.cycles.total),
      grouped(layer.cycles.compute),
      grouped(layer.cycles.memoryStall),
      grouped(layer.cycles.requant),
      grouped(layer.cycles.vector),
      layer.unit === 'array' ? (layer.utilization * 100).toFixed(1) : '-',
      (layer.energy.totalPj / 1e6).toFixed(2),
      ...counts.map((count, index) => (count === 0 ? '0' : index >= 2 ? colour.yellow(grouped(count)) : colour.red(grouped(count)))),
      layer.unit === 'array' ? (needed > layer.accumulatorBits ? colour.red(`${needed}/${layer.accumulatorBits}`) : `${needed}/${layer.accumulatorBits}`) : '-',
    ];
  });
  const total = totals(result, overflowMode);
  const footer = [
    'total',
    '',
    '',
    grouped(total.macs),
    grouped(total.cycles),
    grouped(total.computeCycles),
    grouped(total.memoryStallCycles),
    grouped(total.requantCycles),
    grouped(total.vectorCycles),
    '',
    (total.energyPj / 1e6).toFixed(2),
    grouped(total.overflow.accumulatorTransient),
    grouped(total.overflow.accumulatorFinal),
    grouped(total.overflow.outputClipped),
    grouped(total.overflow.vectorSaturated),
    `safe: ${total.overflow.smallestSafeAccumulatorBits}`,
  ];
  const widths = header.map((title, column) => Math.max(title.length, ...[...rows, footer].map((row) => (row[column] ?? '').replace(/\u001b\[[0-9;]*m/g, '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => pad(cell, widths[column] ?? 0, column < 3)).join('  ');
  const lines = [
    `${colour.bold(result.graph)} on ${colour.bold(result.hardware)} (${result.clockMHz} MHz), energy table ${result.energyTable}`,
    colour.bold(line(header)),
    ...rows.map(line),
    colour.bold(line(footer)),
    `${grouped(total.cycles)} cycles = ${total.latencyMs.toFixed(3)} ms at ${result.clockMHz} MHz; ${(total.energyPj / 1e6).toFixed(1)} uJ; smallest accumulator width with no final overflow: ${total.overflow.smallestSafeAccumulatorBits} bits`,
  ];
  return `${lines.join('\n')}\n`;
}
