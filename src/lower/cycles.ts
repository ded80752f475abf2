/**
 * The cycles stage: a layer's cycles per unit (docs/cycle-model.md, section 4). The array's come
 * from the timing model (npusim's or SCALE-Sim's, src/lower/timing.ts); requantization runs on the
 * dedicated unit or the vector unit and drains behind the array; a vector layer is its op's vector
 * time and the memory stall measured against it.
 */
import type { Hardware, VectorOpName } from '../hardware/model.js';
import { type ArrayLayerTiming, memoryCycles, type TimingModel, type Traffic, vectorCycles } from './timing.js';

export interface LayerCycles {
  /** Array cycles: streaming, fill/drain and stationary loads. */
  readonly compute: number;
  readonly streaming: number;
  readonly fillDrain: number;
  readonly stationaryLoad: number;
  /** Cycles waiting for DRAM or SRAM beyond what double buffering hides. */
  readonly memoryStall: number;
  /**
   * Cycles of the dedicated requantization unit at the array's edge (`requant.unit: "dedicated"`):
   * array layers only. A unit of its own, so it is never counted as vector time.
   */
  readonly requant: number;
  /** Vector unit cycles: requantization when `requant.unit` is `vector`, and the op of a vector layer (pooling, add, pad, concat). */
  readonly vector: number;
  /** Requantization and vector cycles hidden behind the array (array layers; 0 for vector layers). */
  readonly overlap: number;
  /** compute + memoryStall + requant + vector - overlap (docs/cycle-model.md, section 4). */
  readonly total: number;
}

export interface StageCycles {
  readonly cycles: LayerCycles;
  /** Vector instructions the layer issues (requantization on the vector unit, or the vector op). */
  readonly vectorInstructions: number;
}

/** An array layer: the timing model's array cycles, then requantization on its unit. */
export function arrayLayerCycles(timing: TimingModel, layer: ArrayLayerTiming, outputs: number): StageCycles {
  const { hardware } = layer;
  const { compute, memoryStall } = timing.arrayCycles(layer);
  const requantOnVector = hardware.requant.unit === 'vector';
  // Requantization runs on one unit or the other: the vector unit over the int32 accumulators
  // (4 bytes each), or the dedicated unit at outputsPerCycle (default: one a column).
  const vector = requantOnVector ? vectorCycles(hardware, 'requant', outputs * 4) : { instructions: 0, cycles: 0 };
  const requant = requantOnVector ? 0 : Math.ceil(outputs / hardware.requant.outputsPerCycle);
  const arrayBusy = compute.total + memoryStall;
  // Requantization drains behind the array as outputs leave it, so only what outlasts the array shows.
  const overlap = Math.min(requant + vector.cycles, arrayBusy);
  return {
    cycles: {
      compute: compute.total,
      streaming: compute.streaming,
      fillDrain: compute.fillDrain,
      stationaryLoad: compute.stationaryLoad,
      memoryStall,
      requant,
      vector: vector.cycles,
      overlap,
      total: arrayBusy + requant + vector.cycles - overlap,
    },
    vectorInstructions: vector.instructions,
  };
}

/** A vector layer: its op on the vector unit over the bytes it reads (none for a reshape). */
export function vectorLayerCycles(hardware: Hardware, op: VectorOpName | undefined, readBytes: number, traffic: Traffic): StageCycles {
  const vector = op === undefined ? { instructions: 0, cycles: 0 } : vectorCycles(hardware, op, readBytes);
  const memory = memoryCycles(traffic, vector.cycles, hardware);
  // No array to hide behind: the stall was measured against the vector unit's own time, so the
  // two add (memoryCycles), and nothing overlaps.
  return {
    cycles: {
      compute: 0,
      streaming: 0,
      fillDrain: 0,
      stationaryLoad: 0,
      memoryStall: memory.stall,
      requant: 0,
      vector: vector.cycles,
      overlap: 0,
      total: vector.cycles + memory.stall,
    },
    vectorInstructions: vector.instructions,
  };
}
