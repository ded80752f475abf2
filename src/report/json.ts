/** The JSON report: totals and one record per layer, in a fixed key order (byte-identical for identical inputs). */
import { overflowCounts } from '../engine/overflowCounters.js';
import type { LayerResult, SimulationResult } from '../engine/result.js';
import { energyRecord, eventRecord, runHeader } from './records.js';
import { totals } from './summary.js';

/**
 * 2: a layer's `cycles.requant` holds the dedicated requantization unit's cycles, which `cycles.vector` held in 1.
 * 3: `requant` names the run's requantization mode and the one the graph was quantized for.
 */
export const REPORT_FORMAT_VERSION = 3;

function layerReport(layer: LayerResult, result: SimulationResult) {
  const { overflow } = layer;
  return {
    name: layer.name,
    op: layer.op,
    outputShape: layer.outputShape,
    unit: layer.unit,
    macs: layer.macs,
    cycles: layer.cycles,
    utilization: layer.utilization,
    mapping: layer.mapping ?? null,
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

export function jsonReport(result: SimulationResult): string {
  const total = totals(result);
  const report = {
    format: 'npusim-report',
    version: REPORT_FORMAT_VERSION,
    ...runHeader(result),
    requant: { mode: result.requant.mode, quantizedFor: result.requant.quantizedFor ?? null },
    totals: {
      macs: total.macs,
      cycles: total.cycles,
      latencyMs: total.latencyMs,
      energyPj: total.energyPj,
      energyByComponentPj: total.energyByComponentPj,
      overflow: total.overflow,
    },
    layers: result.layers.map((layer) => layerReport(layer, result)),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
