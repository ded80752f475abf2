/**
 * The cycles stage's TimingModel and npusim's implementation of it (docs/cycle-model.md): compute
 * cycles of the folds with their fill, drain and stationary loads; DRAM and SRAM traffic implied by
 * the tiling against the bandwidths, hidden behind compute or not by double buffering; and the
 * vector unit's time beside the array. SCALE-Sim's implementation is src/scalesim/timing.ts, which
 * depends on this file and never the reverse.
 */
import type { ArrayOp } from '../graph/ops.js';
import type { ConvGeometry } from '../graph/geometry.js';
import type { Hardware, VectorOpName } from '../hardware/model.js';
import type { Mapping } from './mapping.js';
import type { Traffic } from './traffic.js';

export type { Traffic };

export interface ComputeCycles {
  /** Cycles the folds spend streaming their temporal dimension. */
  readonly streaming: number;
  /** Pipeline fill and drain (rows + columns - 2), once per layer or once per fold. */
  readonly fillDrain: number;
  /** Loading the stationary operand (rows cycles), hidden behind the previous fold when double buffered. */
  readonly stationaryLoad: number;
  readonly total: number;
}

export function computeCycles(mapping: Mapping, hardware: Hardware): ComputeCycles {
  const { rows, columns } = hardware.array;
  const stepsPerFold = Math.ceil(mapping.temporalLength * mapping.cyclesPerStep);
  const streaming = mapping.folds * stepsPerFold;
  const skew = rows + columns - 2;
  const pipelined = hardware.memory.doubleBuffering;
  // Double-buffered PEs take the next fold's stationary operand while the current fold streams, so
  // only the first load and one fill/drain are exposed; otherwise every fold pays both.
  const fillDrain = pipelined ? skew : mapping.folds * skew;
  const stationaryLoad = pipelined ? rows : mapping.folds * rows;
  return { streaming, fillDrain, stationaryLoad, total: streaming + fillDrain + stationaryLoad };
}

export interface MemoryCycles {
  readonly dram: number;
  readonly sram: number;
  /** Cycles the array waits for memory. */
  readonly stall: number;
}

export function memoryCycles(traffic: Traffic, busyCycles: number, hardware: Hardware): MemoryCycles {
  const { bytesPerCycle, latencyCycles } = hardware.memory.dram;
  const dramBytes = traffic.dramReadBytes + traffic.dramWriteBytes;
  const dram = dramBytes === 0 ? 0 : Math.ceil(dramBytes / bytesPerCycle) + latencyCycles;
  // Capacities are tiling.ts's; here only the ports. A split SRAM moves three operands at once, but
  // its traffic is pooled rather than split by operand, so it counts as three of its slowest port
  // (docs/cycle-model.md, section 3.3, "the port rule").
  const sramMemory = hardware.memory.sram;
  const sramPorts =
    'unified' in sramMemory
      ? sramMemory.unified.bytesPerCycle
      : Math.min(sramMemory.inputs.bytesPerCycle, sramMemory.weights.bytesPerCycle, sramMemory.outputs.bytesPerCycle) * 3;
  const sram = Math.ceil((traffic.sramReadBytes + traffic.sramWriteBytes) / sramPorts);
  const memory = Math.max(dram, sram);
  // Double buffering overlaps transfers with compute; without it they serialise.
  const stall = hardware.memory.doubleBuffering ? Math.max(0, memory - busyCycles) : dram + Math.max(0, sram - busyCycles);
  return { dram, sram, stall };
}

export type { VectorOpName };

/** Cycles of the vector unit for `bytes` of data through one op (per vector, then issue slots). */
export function vectorCycles(hardware: Hardware, op: VectorOpName, bytes: number): { instructions: number; cycles: number } {
  const instructions = Math.ceil(bytes / hardware.vector.vectorBytes);
  return { instructions, cycles: Math.ceil((instructions * hardware.vector.opCycles[op]) / hardware.vector.issueSlots) };
}

/** What a timing model times: an array layer as mapped and tiled, with the traffic it causes. */
export interface ArrayLayerTiming {
  readonly op: ArrayOp;
  readonly geometry: ConvGeometry;
  readonly mapping: Mapping;
  readonly traffic: Traffic;
  readonly hardware: Hardware;
  /** Where the op is, for messages: the graph file and the op's JSON path. */
  readonly graphFile: string;
  readonly path: string;
}

/**
 * How an array layer's cycles are counted. npusim's own model is below; SCALE-Sim's lives in
 * src/scalesim/timing.ts. Only the cycles depend on it: mapping, tiles and traffic (energy) do not.
 */
export interface TimingModel {
  readonly name: string;
  arrayCycles(layer: ArrayLayerTiming): { readonly compute: ComputeCycles; readonly memoryStall: number };
}

/** npusim's own timing (docs/cycle-model.md). */
export const NPUSIM_TIMING: TimingModel = {
  name: 'npusim',
  arrayCycles: ({ mapping, traffic, hardware }) => {
    const compute = computeCycles(mapping, hardware);
    return { compute, memoryStall: memoryCycles(traffic, compute.total, hardware).stall };
  },
};
