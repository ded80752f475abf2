/** The JSON report: totals and one record per layer, in a fixed key order (byte-identical for identical inputs). */
import { overflowCounts } from '../engine/overflowCounters.js';
import type { LayerResult, SimulationResult } from '../engine/result.js';
import { energyRecord, eventRecord, runHeader } from './records.js';
import type { Report } from './reportSchema.js';
import { totals } from './summary.js';

/**
 * 2: a layer's `cycles.requant` holds the dedicated requantization unit's cycles, which `cycles.vector` held in 1.
 * 3: `requant` names the run's requantization mode and the one the graph was quantized for.
 * 4: `machine` (the array's shape and dataflow, the accumulator, the DRAM) and each layer's `peakMacsPerCycle`, what a
 *    roofline and a headroom chart need.
 */
export const REPORT_FORMAT_VERSION = 4;

/** MACs the whole array completes per cycle in the layer's operand mode; null for a vector-unit layer. */
function peakMacsPerCycle(result: SimulationResult, index: number): number | null {
  const scheduled = result.schedule.layers[index];
  if (scheduled === undefined || scheduled.unit !== 'array') return null;
  const { rows, columns } = result.schedule.array;
  return rows * columns * scheduled.operandMode.macsPerPePerCycle;
}

/** The mapping's fields as JSON writes them: a field the dataflow leaves undefined is left out. */
function mappingRecord(mapping: LayerResult['mapping']): Record<string, string | number | null> | null {
  if (mapping === undefined) return null;
  return Object.fromEntries(Object.entries(mapping).filter((entry): entry is [string, string | number] => entry[1] !== undefined));
}

function layerReport(layer: LayerResult, index: number, result: SimulationResult) {
  const { overflow } = layer;
  return {
    name: layer.name,
    op: layer.op,
    outputShape: [...layer.outputShape],
    unit: layer.unit,
    macs: layer.macs,
    cycles: layer.cycles,
    utilization: layer.utilization,
    peakMacsPerCycle: peakMacsPerCycle(result, index),
    mapping: mappingRecord(layer.mapping),
    energyPj: energyRecord(layer.energy),
    actions: layer.actions,
    overflow: {
      ...overflowCounts(overflow),
      firstTransient: eventRecord(overflow.firstTransient),
      firstFinal: eventRecord(overflow.firstFinal),
      firstClipped: eventRecord(overflow.firstClipped),
      firstVectorSaturated: eventRecord(overflow.firstVectorSaturated),
      finalBits: overflow.finalBits,
      partialBits: overflow.partialBits,
      accumulatorBits: result.accumulator.bits,
    },
  };
}

/** The report as an object (what the JSON report prints and the HTML report draws); `top` with run --top. */
export function reportRecord(result: SimulationResult, top?: Report['top']): Report {
  const total = totals(result);
  return {
    format: 'npusim-report',
    version: REPORT_FORMAT_VERSION,
    ...runHeader(result),
    requant: { mode: result.requant.mode, quantizedFor: result.requant.quantizedFor ?? null },
    machine: {
      arrayRows: result.schedule.array.rows,
      arrayColumns: result.schedule.array.columns,
      dataflow: result.schedule.dataflow,
      accumulatorBits: result.accumulator.bits,
      accumulatorOverflow: result.accumulator.overflow,
      dramBytesPerCycle: result.schedule.dram.bytesPerCycle,
      dramLatencyCycles: result.schedule.dram.latencyCycles,
    },
    totals: {
      macs: total.macs,
      cycles: total.cycles,
      latencyMs: total.latencyMs,
      energyPj: total.energyPj,
      energyByComponentPj: total.energyByComponentPj,
      overflow: total.overflow,
    },
    layers: result.layers.map((layer, index) => layerReport(layer, index, result)),
    ...(top === undefined ? {} : { top }),
  };
}

export function jsonReport(result: SimulationResult, top?: Report['top']): string {
  return `${JSON.stringify(reportRecord(result, top), null, 2)}\n`;
}
