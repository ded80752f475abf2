/** The JSON report: totals and one record per layer, in a fixed key order (byte-identical for identical inputs). */
import type { SimulationResult } from '../engine/result.js';
import { totals } from './summary.js';

/** 2: a layer's `cycles.requant` holds the dedicated requantization unit's cycles, which `cycles.vector` held in 1. */
export const REPORT_FORMAT_VERSION = 2;

export function jsonReport(result: SimulationResult, overflowMode: 'wrap' | 'saturate'): string {
  const total = totals(result, overflowMode);
  const report = {
    format: 'npusim-report',
    version: REPORT_FORMAT_VERSION,
    graph: result.graph,
    hardware: result.hardware,
    energyTable: result.energyTable,
    clockMHz: result.clockMHz,
    totals: {
      macs: total.macs,
      cycles: total.cycles,
      latencyMs: total.latencyMs,
      energyPj: total.energyPj,
      energyByComponentPj: total.energyByComponentPj,
      overflow: total.overflow,
    },
    layers: result.layers.map((layer) => ({
      name: layer.name,
      op: layer.op,
      outputShape: layer.outputShape,
      unit: layer.unit,
      macs: layer.macs,
      cycles: layer.cycles,
      utilization: layer.utilization,
      mapping: layer.mapping ?? null,
      energyPj: { total: layer.energy.totalPj, ...layer.energy.components },
      actions: layer.actions,
      overflow: {
        ...layer.overflow,
        // null, not a missing key, when there was no event: every report has the same keys.
        firstTransient: layer.overflow.firstTransient ?? null,
        firstFinal: layer.overflow.firstFinal ?? null,
        firstClipped: layer.overflow.firstClipped ?? null,
        firstVectorSaturated: layer.overflow.firstVectorSaturated ?? null,
        accumulatorBits: layer.accumulatorBits,
      },
    })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
