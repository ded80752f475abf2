/** What one simulation produces; every report is a pure function of it. */
import type { EnergyAction } from '../hardware/energyActions.js';
import type { Mapping } from '../lower/mapping.js';
import type { GraphSchedule, LayerCycles } from '../lower/schedule.js';
import type { LayerOverflow } from '../kernels/overflow.js';
import type { OverflowMode, RequantMode } from '../numeric/index.js';

export type { LayerCycles };

export interface LayerEnergy {
  /** pJ per component: mac, accumulator, sram, dram, vector, requant. */
  readonly components: Readonly<Record<EnergyComponent, number>>;
  readonly totalPj: number;
}

export const ENERGY_COMPONENTS = ['mac', 'accumulator', 'sram', 'dram', 'vector', 'requant'] as const;
export type EnergyComponent = (typeof ENERGY_COMPONENTS)[number];

export interface LayerResult {
  readonly name: string;
  readonly op: string;
  readonly outputTensor: string;
  readonly outputShape: readonly number[];
  readonly unit: 'array' | 'vector' | 'none';
  readonly macs: number;
  readonly mapping: Mapping | undefined;
  readonly cycles: LayerCycles;
  /** Useful MACs over the array's MAC capacity during the layer's cycles. */
  readonly utilization: number;
  /** Counted actions, priced by the energy table. */
  readonly actions: Readonly<Partial<Record<EnergyAction, number>>>;
  readonly energy: LayerEnergy;
  readonly overflow: LayerOverflow;
}

export interface SimulationResult {
  readonly graph: string;
  readonly hardware: string;
  readonly energyTable: string;
  readonly clockMHz: number;
  /** The accumulator the run had: its width and what it does on overflow (every report reads both from here). */
  readonly accumulator: { readonly bits: number; readonly overflow: OverflowMode };
  /** The requantization mode the run used, and the one the graph was quantized for when it says (they may differ by design). */
  readonly requant: { readonly mode: RequantMode; readonly quantizedFor: RequantMode | undefined };
  readonly layers: readonly LayerResult[];
  /** Every tensor's values after the run, by name (inputs, constants excluded). */
  readonly tensors: ReadonlyMap<string, Int32Array>;
  /**
   * The smallest accumulator width with no final overflow in the whole network, measured on the
   * exact network: when this run overflowed, later layers saw corrupted inputs, so the figure comes
   * from a second run at 48 bits (final sums under wrap, every partial sum under saturate; >= 16).
   */
  readonly smallestSafeAccumulatorBits: number;
  /** The lowered schedule the run executed (mapping, tiles, traffic and cycles per layer). */
  readonly schedule: GraphSchedule;
}
