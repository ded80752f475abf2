/**
 * The row model of the tabular reports (table, CSV, Markdown): one row per layer, then the totals
 * row. Each renderer is a list of columns over these rows (src/report/columns.ts).
 */
import { bitsNeeded, type OverflowCounts, overflowCounts } from '../engine/overflowCounters.js';
import type { LayerResult, SimulationResult } from '../engine/result.js';
import { totals } from './summary.js';

export interface ReportRow {
  readonly kind: 'layer' | 'total';
  /** The layer's name, or `total`. */
  readonly name: string;
  /** Empty on the totals row. */
  readonly op: string;
  /** Undefined on the totals row. */
  readonly outputShape: readonly number[] | undefined;
  readonly macs: number;
  readonly cycles: number;
  readonly computeCycles: number;
  readonly memoryStallCycles: number;
  readonly requantCycles: number;
  readonly vectorCycles: number;
  /** Array layers only: useful MACs over the array's capacity. */
  readonly utilization: number | undefined;
  readonly energyPj: number;
  readonly overflow: OverflowCounts;
  /**
   * Array layers: the accumulator bits the layer's sums needed under the run's overflow mode;
   * totals: the smallest accumulator width safe for the whole network. Undefined elsewhere.
   */
  readonly bitsNeeded: number | undefined;
  /** Array layers only: the accumulator width the run had. */
  readonly bitsAvailable: number | undefined;
}

function layerRow(layer: LayerResult, result: SimulationResult): ReportRow {
  const array = layer.unit === 'array';
  return {
    kind: 'layer',
    name: layer.name,
    op: layer.op,
    outputShape: layer.outputShape,
    macs: layer.macs,
    cycles: layer.cycles.total,
    computeCycles: layer.cycles.compute,
    memoryStallCycles: layer.cycles.memoryStall,
    requantCycles: layer.cycles.requant,
    vectorCycles: layer.cycles.vector,
    utilization: array ? layer.utilization : undefined,
    energyPj: layer.energy.totalPj,
    overflow: overflowCounts(layer.overflow),
    bitsNeeded: array ? bitsNeeded(layer.overflow, result.accumulator.overflow) : undefined,
    bitsAvailable: array ? result.accumulator.bits : undefined,
  };
}

/** The layer rows, then the totals row. */
export function reportRows(result: SimulationResult): ReportRow[] {
  const total = totals(result);
  return [
    ...result.layers.map((layer) => layerRow(layer, result)),
    {
      kind: 'total',
      name: 'total',
      op: '',
      outputShape: undefined,
      macs: total.macs,
      cycles: total.cycles,
      computeCycles: total.computeCycles,
      memoryStallCycles: total.memoryStallCycles,
      requantCycles: total.requantCycles,
      vectorCycles: total.vectorCycles,
      utilization: undefined,
      energyPj: total.energyPj,
      overflow: overflowCounts(total.overflow),
      bitsNeeded: total.overflow.smallestSafeAccumulatorBits,
      bitsAvailable: undefined,
    },
  ];
}
