/**
 * The lowered schedule as a report: `npusim schedule` prints it before (and without) computing any
 * value. One row per layer: the GEMM view, the mapping and its folds, the tile plan, what stays on
 * chip, DRAM traffic and cycles. The JSON form is the schedule itself, in a fixed key order.
 */
import type { ChalkInstance } from 'chalk';
import type { GraphSchedule, LayerSchedule } from '../lower/schedule.js';

function grouped(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function kibibytes(bytes: number): string {
  return bytes >= 1024 ? `${(bytes / 1024).toFixed(1)}K` : String(bytes);
}

function arrayCells(layer: LayerSchedule): string[] {
  if (layer.unit !== 'array') return [layer.vectorOp ?? '-', '-', '-', '-', '-', '-', '-'];
  const { gemm, mapping, tiling } = layer;
  return [
    `${gemm.pixels}x${gemm.filters}x${gemm.depth}${gemm.groups > 1 ? ` g${gemm.groups}` : ''}`,
    `${mapping.spatialRows}${mapping.rowsDemand}:${mapping.spatialColumns}${mapping.columnsDemand}:${mapping.temporal}${mapping.temporalLength}`,
    `${mapping.rowFolds}x${mapping.columnFolds}x${Math.ceil(gemm.groups / mapping.groupsPerFold)}=${mapping.folds}`,
    mapping.kFold === undefined ? '-' : String(mapping.kFold),
    `${tiling.stepsPerTile}x${tiling.tilesPerFold}`,
    `${kibibytes(tiling.bytes.weights)}/${kibibytes(tiling.bytes.inputs)}/${kibibytes(tiling.bytes.outputs)}`,
    `${(mapping.mappingEfficiency * 100).toFixed(1)}`,
  ];
}

export function scheduleTable(schedule: GraphSchedule, colour: ChalkInstance): string {
  const header = [
    'layer',
    'op',
    'P x F x K',
    'rows:cols:streamed',
    'folds',
    'K fold',
    'tile steps x n',
    'tile B w/in/out',
    'map eff %',
    'in/out on chip',
    'DRAM rd',
    'DRAM wr',
    'compute',
    'stall',
    'requant',
    'vector',
    'cycles',
  ];
  const rows = schedule.layers.map((layer) => [
    layer.name,
    layer.op,
    ...arrayCells(layer),
    `${layer.residentInputs.length > 0 ? 'yes' : 'no'}/${layer.outputResident ? 'yes' : 'no'}`,
    grouped(layer.traffic.dramReadBytes),
    grouped(layer.traffic.dramWriteBytes),
    grouped(layer.cycles.compute),
    layer.cycles.memoryStall > 0 ? colour.yellow(grouped(layer.cycles.memoryStall)) : '0',
    grouped(layer.cycles.requant),
    grouped(layer.cycles.vector),
    grouped(layer.cycles.total),
  ]);
  const total = schedule.layers.reduce((sum, layer) => sum + layer.cycles.total, 0);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').replace(/\u001b\[[0-9;]*m/g, '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => {
        const fill = ' '.repeat(Math.max(0, (widths[column] ?? 0) - cell.replace(/\u001b\[[0-9;]*m/g, '').length));
        return column < 2 ? cell + fill : fill + cell;
      })
      .join('  ');
  return `${[
    `${colour.bold(schedule.graph)} on ${colour.bold(schedule.hardware)}: ${schedule.dataflow} dataflow, ${schedule.clockMHz} MHz`,
    colour.bold(line(header)),
    ...rows.map(line),
    `${grouped(total)} cycles; folds run group block, column fold, row fold; a tile streams "tile steps" of a fold (docs/cycle-model.md)`,
  ].join('\n')}\n`;
}

/** Whole-graph sums of the schedule: what `run` reports as totals, without the values. */
export function scheduleTotals(schedule: GraphSchedule) {
  const sum = (pick: (layer: LayerSchedule) => number) => schedule.layers.reduce((total, layer) => total + pick(layer), 0);
  return {
    layers: schedule.layers.length,
    macs: sum((layer) => (layer.unit === 'array' ? layer.macs : 0)),
    cycles: sum((layer) => layer.cycles.total),
    compute: sum((layer) => layer.cycles.compute),
    memoryStall: sum((layer) => layer.cycles.memoryStall),
    requant: sum((layer) => layer.cycles.requant),
    vector: sum((layer) => layer.cycles.vector),
    dramReadBytes: sum((layer) => layer.traffic.dramReadBytes),
    dramWriteBytes: sum((layer) => layer.traffic.dramWriteBytes),
  };
}

/** 2: a layer's `cycles.requant` holds the dedicated requantization unit's cycles, which `cycles.vector` held in 1. */
export const SCHEDULE_FORMAT_VERSION = 2;

export function scheduleJson(schedule: GraphSchedule): string {
  const { graph, hardware, clockMHz, dataflow, ...rest } = schedule;
  return `${JSON.stringify({ format: 'npusim-schedule', version: SCHEDULE_FORMAT_VERSION, graph, hardware, clockMHz, dataflow, totals: scheduleTotals(schedule), ...rest }, null, 2)}\n`;
}
