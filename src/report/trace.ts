/**
 * A run's timeline as Chrome trace event JSON, which Perfetto (ui.perfetto.dev) and chrome://tracing
 * open. One process for the NPU; one named track per hardware unit (DRAM reads, DRAM writes, MAC
 * array, vector unit, requantization); on each, a slice per layer for the time the unit works in
 * it, and on the MAC array and DRAM reads, slices per tile inside the layer's slice; counters for
 * SRAM occupancy and DRAM bytes per cycle. Times are cycles converted at the config's clock
 * (microseconds = cycles / MHz, kept to whole nanoseconds); every slice carries its exact cycles in
 * `args`.
 *
 * Placement inside a layer follows docs/cycle-model.md: the array is busy for compute + stall
 * cycles from the layer's start; DRAM reads start with it; DRAM writes end with it; requantization
 * (or a vector op) runs in the layer's last `requant + vector` cycles, overlapping the array where
 * the model says it does. Layers follow each other.
 */
import type { LayerResult, SimulationResult } from '../engine/result.js';
import type { LayerSchedule } from '../lower/schedule.js';

export const TRACE_DETAILS = ['layer', 'tile'] as const;
export type TraceDetail = (typeof TRACE_DETAILS)[number];

export interface TraceOptions {
  readonly detail: TraceDetail;
  /** Upper bound on tile slices in the whole trace; beyond it, tiles are drawn in runs. */
  readonly maxTileEvents: number;
}

export const DEFAULT_MAX_TILE_EVENTS = 20_000;

/** The tracks, in display order. */
export const TRACKS = ['DRAM reads', 'DRAM writes', 'MAC array', 'vector unit', 'requantization'] as const;
type Track = (typeof TRACKS)[number];

export interface TraceEvent {
  readonly name: string;
  readonly ph: 'X' | 'C' | 'M';
  readonly pid: number;
  readonly tid?: number;
  readonly ts?: number;
  readonly dur?: number;
  readonly cat?: string;
  readonly args?: Readonly<Record<string, string | number>>;
}

export interface ChromeTrace {
  readonly traceEvents: readonly TraceEvent[];
  readonly displayTimeUnit: 'ns';
  readonly otherData: Readonly<Record<string, string | number>>;
}

const PID = 1;

function tidOf(track: Track): number {
  return TRACKS.indexOf(track) + 1;
}

class TraceBuilder {
  readonly events: TraceEvent[] = [];
  constructor(private readonly clockMHz: number) {}

  /**
   * Every boundary goes through the same cycle -> whole-nanosecond map, so slices that nest in
   * cycles nest exactly in the trace too (a cycle at 800 MHz is 1.25 ns; viewers keep whole ns).
   */
  private nanoseconds(cycle: number): number {
    return Math.round((cycle * 1000) / this.clockMHz);
  }

  private microseconds(cycle: number): number {
    return this.nanoseconds(cycle) / 1000;
  }

  slice(
    track: Track,
    name: string,
    category: string,
    startCycle: number,
    cycles: number,
    args: Record<string, string | number> = {},
    keepEmpty = false,
  ): void {
    if (cycles <= 0 && !keepEmpty) return;
    this.events.push({
      name,
      cat: category,
      ph: 'X',
      pid: PID,
      tid: tidOf(track),
      ts: this.microseconds(startCycle),
      dur: (this.nanoseconds(startCycle + cycles) - this.nanoseconds(startCycle)) / 1000,
      args: { startCycle, cycles, ...args },
    });
  }

  counter(name: string, cycle: number, values: Record<string, number>): void {
    this.events.push({ name, ph: 'C', pid: PID, ts: this.microseconds(cycle), args: values });
  }
}

/** Splits `cycles` into `parts` whole runs, the remainder spread over the first ones. */
function splitCycles(cycles: number, parts: number): number[] {
  const base = Math.floor(cycles / parts);
  const extra = cycles - base * parts;
  return Array.from({ length: parts }, (_, index) => base + (index < extra ? 1 : 0));
}

function layerSlices(
  builder: TraceBuilder,
  layer: LayerResult,
  schedule: LayerSchedule,
  start: number,
  dram: { bytesPerCycle: number; latencyCycles: number },
  requantTrack: Track,
  tileBudget: number,
): void {
  const { cycles } = layer;
  const arrayBusy = schedule.unit === 'array' ? cycles.compute + cycles.memoryStall : 0;
  const common = { layer: layer.name, op: layer.op };
  if (schedule.unit === 'array') {
    builder.slice('MAC array', layer.name, 'compute', start, arrayBusy, {
      ...common,
      macs: layer.macs,
      compute: cycles.compute,
      memoryStall: cycles.memoryStall,
      folds: schedule.mapping.folds,
      tiles: schedule.tiling.tiles,
    });
    // Tiles share the compute time evenly; a budget too small for one slice a tile draws runs of tiles.
    const tiles = schedule.tiling.tiles;
    const runs = Math.max(1, Math.min(tiles, tileBudget, cycles.compute));
    if (tileBudget > 0 && cycles.compute > 0) {
      const tilesPerRun = splitCycles(tiles, runs);
      const runCycles = splitCycles(cycles.compute, runs);
      let cycle = start;
      let firstTile = 0;
      runCycles.forEach((runLength, run) => {
        const count = tilesPerRun[run] ?? 1;
        const name = count === 1 ? `${layer.name} tile ${firstTile}` : `${layer.name} tiles ${firstTile}-${firstTile + count - 1}`;
        builder.slice('MAC array', name, 'tile', cycle, runLength, { tiles: count, stepsPerTile: schedule.tiling.stepsPerTile });
        cycle += runLength;
        firstTile += count;
      });
    }
    const bytesInUse = schedule.tiling.bytes.inputs + schedule.tiling.bytes.weights + schedule.tiling.bytes.outputs;
    builder.counter('SRAM occupancy', start, { bytes: bytesInUse });
  } else {
    builder.counter('SRAM occupancy', start, { bytes: schedule.traffic.sramReadBytes + schedule.traffic.sramWriteBytes });
  }
  const span = cycles.total;
  const readCycles =
    schedule.traffic.dramReadBytes === 0
      ? 0
      : Math.min(span, Math.ceil(schedule.traffic.dramReadBytes / dram.bytesPerCycle) + dram.latencyCycles);
  const writeCycles =
    schedule.traffic.dramWriteBytes === 0 ? 0 : Math.min(span, Math.ceil(schedule.traffic.dramWriteBytes / dram.bytesPerCycle));
  builder.slice('DRAM reads', layer.name, 'dram', start, readCycles, { ...common, bytes: schedule.traffic.dramReadBytes });
  const busyEnd = schedule.unit === 'array' ? start + arrayBusy : start + span;
  builder.slice('DRAM writes', layer.name, 'dram', Math.max(start, busyEnd - writeCycles), Math.min(writeCycles, busyEnd - start), {
    ...common,
    bytes: schedule.traffic.dramWriteBytes,
  });
  const vectorTrack: Track = schedule.unit === 'array' ? requantTrack : 'vector unit';
  // A layer that takes no time (a reshape) still appears, as an empty slice.
  // One of requant and vector is 0 in an array layer (requantization runs on one unit), and requant is 0 in a vector layer.
  const lastCycles = cycles.requant + cycles.vector;
  builder.slice(
    vectorTrack,
    layer.name,
    schedule.unit === 'array' ? 'requant' : 'vector',
    start + span - lastCycles,
    lastCycles,
    common,
    schedule.unit !== 'array',
  );
  const dramBytes = schedule.traffic.dramReadBytes + schedule.traffic.dramWriteBytes;
  builder.counter('DRAM bytes per cycle', start, { bytesPerCycle: span === 0 ? 0 : dramBytes / span });
}

/** The timeline of one simulation result. */
export function chromeTrace(result: SimulationResult, options: TraceOptions): ChromeTrace {
  const builder = new TraceBuilder(result.clockMHz);
  const { schedule } = result;
  builder.events.push({ name: 'process_name', ph: 'M', pid: PID, args: { name: `npusim: ${result.graph} on ${result.hardware}` } });
  for (const track of TRACKS) {
    builder.events.push({ name: 'thread_name', ph: 'M', pid: PID, tid: tidOf(track), args: { name: track } });
    builder.events.push({ name: 'thread_sort_index', ph: 'M', pid: PID, tid: tidOf(track), args: { sort_index: tidOf(track) } });
  }
  const requantTrack: Track = schedule.requantUnit === 'vector' ? 'vector unit' : 'requantization';
  const arrayLayers = schedule.layers.filter((layer) => layer.unit === 'array').length;
  const tileBudget = options.detail === 'tile' ? Math.floor(options.maxTileEvents / Math.max(1, arrayLayers)) : 0;
  let cycle = 0;
  result.layers.forEach((layer, index) => {
    const layerSchedule = schedule.layers[index];
    if (layerSchedule === undefined) throw new Error(`no schedule for layer "${layer.name}"`);
    layerSlices(builder, layer, layerSchedule, cycle, schedule.dram, requantTrack, tileBudget);
    cycle += layer.cycles.total;
  });
  builder.counter('SRAM occupancy', cycle, { bytes: 0 });
  builder.counter('DRAM bytes per cycle', cycle, { bytesPerCycle: 0 });
  return {
    traceEvents: builder.events,
    displayTimeUnit: 'ns',
    otherData: {
      graph: result.graph,
      hardware: result.hardware,
      clockMHz: result.clockMHz,
      totalCycles: cycle,
      timeUnit: 'microseconds = cycles / clockMHz',
    },
  };
}

export function chromeTraceJson(result: SimulationResult, options: TraceOptions): string {
  return `${JSON.stringify(chromeTrace(result, options))}\n`;
}
