/** Totals and headline figures of a simulation result (pure functions of it). */
import type { LayerResult, SimulationResult } from '../engine/result.js';
import { ENERGY_COMPONENTS, type EnergyComponent } from '../engine/result.js';
import { OVERFLOW_COUNTERS, type OverflowCounter, type OverflowCounts } from '../engine/overflowCounters.js';

export interface OverflowTotals extends OverflowCounts {
  /** The smallest accumulator width with no final overflow anywhere (final sums under wrap, every partial sum under saturate). */
  readonly smallestSafeAccumulatorBits: number;
}

export interface Totals {
  readonly macs: number;
  readonly cycles: number;
  readonly computeCycles: number;
  readonly memoryStallCycles: number;
  /** The dedicated requantization unit's cycles. */
  readonly requantCycles: number;
  /** The vector unit's cycles (requantization on it included when `requant.unit` is `vector`). */
  readonly vectorCycles: number;
  readonly energyPj: number;
  readonly energyByComponentPj: Readonly<Record<EnergyComponent, number>>;
  readonly overflow: OverflowTotals;
  /** Wall time of the network at the hardware's clock, in milliseconds. */
  readonly latencyMs: number;
}

export function totals(result: SimulationResult): Totals {
  const sum = (pick: (layer: LayerResult) => number): number => result.layers.reduce((total, layer) => total + pick(layer), 0);
  const energyByComponentPj = Object.fromEntries(
    ENERGY_COMPONENTS.map((component) => [component, sum((layer) => layer.energy.components[component])]),
  ) as Record<EnergyComponent, number>;
  const counts = Object.fromEntries(OVERFLOW_COUNTERS.map((counter) => [counter, sum((layer) => layer.overflow[counter])])) as Record<
    OverflowCounter,
    number
  >;
  const cycles = sum((layer) => layer.cycles.total);
  return {
    macs: sum((layer) => layer.macs),
    cycles,
    computeCycles: sum((layer) => layer.cycles.compute),
    memoryStallCycles: sum((layer) => layer.cycles.memoryStall),
    requantCycles: sum((layer) => layer.cycles.requant),
    vectorCycles: sum((layer) => layer.cycles.vector),
    energyPj: sum((layer) => layer.energy.totalPj),
    energyByComponentPj,
    overflow: { ...counts, smallestSafeAccumulatorBits: result.smallestSafeAccumulatorBits },
    latencyMs: cycles / (result.clockMHz * 1000),
  };
}
