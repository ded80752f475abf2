/**
 * The JSON projections of a result that the JSON report and the golden record both print: the run's
 * header, a layer's energy and its event locations (the overflow counts are overflowCounts in
 * src/engine/overflowCounters.ts). One projection, so the two files
 * cannot drift apart in what a field holds or in the order of its keys.
 */
import { ENERGY_COMPONENTS, type EnergyComponent, type LayerEnergy, type SimulationResult } from '../engine/result.js';
import type { EventLocation } from '../kernels/overflow.js';
import { REQUANT_SPECS } from '../requant/index.js';

export interface RunHeader {
  readonly graph: string;
  readonly hardware: string;
  readonly energyTable: string;
  readonly clockMHz: number;
}

export function runHeader(result: SimulationResult): RunHeader {
  return { graph: result.graph, hardware: result.hardware, energyTable: result.energyTable, clockMHz: result.clockMHz };
}

/** pJ: `total` first, then one entry per energy component in ENERGY_COMPONENTS order. */
export type EnergyRecord = { readonly total: number } & Readonly<Record<EnergyComponent, number>>;

export function energyRecord(energy: LayerEnergy): EnergyRecord {
  return {
    total: energy.totalPj,
    ...(Object.fromEntries(ENERGY_COMPONENTS.map((component) => [component, energy.components[component]])) as Record<
      EnergyComponent,
      number
    >),
  };
}

/** An event's location; null, not a missing key, when there was none, so every record has the same keys. */
export interface EventRecord {
  readonly output: number;
  readonly k: number;
}

export function eventRecord(event: EventLocation | undefined): EventRecord | null {
  return event === undefined ? null : { output: event.output, k: event.k };
}

/** The run's requantization in words, saying when it is not the one the graph was quantized for. */
export function requantNote(result: SimulationResult): string {
  const { mode, quantizedFor } = result.requant;
  if (quantizedFor === undefined) return `requantization ${mode}`;
  if (quantizedFor === mode) return `requantization ${mode}, the mode the model was quantized for`;
  const running = REQUANT_SPECS[mode].library;
  const intended = REQUANT_SPECS[quantizedFor].library;
  // Another build of the model's own library (TFLite's single-rounding build) is still that library.
  if (running.name === intended.name)
    return `requantization ${mode}, ${running.build} of ${running.name}, the library the model was quantized for (${quantizedFor} is ${intended.build})`;
  return `requantization ${mode}; the model was quantized for ${quantizedFor}, so outputs differ from its library's by design`;
}
