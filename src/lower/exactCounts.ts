/**
 * The guard on every count the lowering derives: cycles, bytes, MACs, tiles and action counts
 * must stay exact integers (at most 2^53) per layer and summed over the graph, or the lowering
 * refuses with the layer and the config fields responsible, instead of reporting a rounded
 * number. The schema's bounds make this rare (docs/formats.md, "Limits"); huge layers on slow
 * memories or slow PEs still reach it.
 */
import { InputError } from '../errors.js';
import { formatJsonPath } from '../messages/jsonPath.js';
import type { LayerSchedule } from './schedule.js';

/** A count and the fields it follows from, for the message. */
interface Count {
  readonly what: string;
  readonly value: number;
  readonly from: string;
}

const COMPUTE_FIELDS = "the layer's MACs, array.rows, array.columns and the operand mode's macsPerPePerCycle";
const MEMORY_FIELDS = 'the bytes it moves, memory.dram.bytesPerCycle, memory.dram.latencyCycles and the SRAM bytesPerCycle';
const ARRAY_VECTOR_FIELDS = 'its outputs and requant.outputsPerCycle, or vector.opCycles.requant and vector.issueSlots';
const VECTOR_FIELDS = 'the bytes it reads, vector.vectorBytes, vector.opCycles and vector.issueSlots';
const ARRAY_TOTAL_FIELDS = `${COMPUTE_FIELDS}; ${MEMORY_FIELDS}; ${ARRAY_VECTOR_FIELDS}`;
const VECTOR_TOTAL_FIELDS = `${COMPUTE_FIELDS}; ${MEMORY_FIELDS}; ${VECTOR_FIELDS}`;

/** Each layer's counts, made once: the layer is checked alone and then again in the totals. */
const countsOfLayer = new WeakMap<LayerSchedule, readonly Count[]>();

function layerCounts(layer: LayerSchedule): readonly Count[] {
  let counts = countsOfLayer.get(layer);
  if (counts === undefined) {
    counts = countsOf(layer);
    countsOfLayer.set(layer, counts);
  }
  return counts;
}

/** Every count of a layer, with what it is and the fields it follows from: the one list both checks read. */
function forEachCount(layer: LayerSchedule, visit: (value: number, what: string, from: string) => void): void {
  const { cycles, traffic } = layer;
  const array = layer.unit === 'array';
  const vector = array ? ARRAY_VECTOR_FIELDS : VECTOR_FIELDS;
  visit(cycles.compute, 'compute cycles', COMPUTE_FIELDS);
  visit(cycles.streaming, 'streaming cycles', COMPUTE_FIELDS);
  visit(cycles.fillDrain, 'fill and drain cycles', 'the folds, array.rows and array.columns');
  visit(cycles.stationaryLoad, 'stationary load cycles', 'the folds and array.rows');
  visit(cycles.memoryStall, 'memory stall cycles', MEMORY_FIELDS);
  visit(cycles.vector, 'vector cycles', vector);
  visit(cycles.total, 'cycles', array ? ARRAY_TOTAL_FIELDS : VECTOR_TOTAL_FIELDS);
  visit(traffic.dramReadBytes, 'DRAM bytes read', 'its tensor sizes and the folds that reread them');
  visit(traffic.dramWriteBytes, 'DRAM bytes written', 'its output size');
  visit(traffic.sramReadBytes, 'SRAM bytes read', 'its tensor sizes and the folds that reread them');
  visit(traffic.sramWriteBytes, 'SRAM bytes written', 'its output size and its partial sums');
  visit(traffic.dramTransfers, 'DRAM transfers', 'its tiles (the SRAM sizes)');
  if (layer.unit === 'array') {
    visit(layer.macs, 'MACs', 'its shape');
    visit(layer.tiling.tiles, 'tiles', 'its folds and the SRAM sizes');
  } else visit(layer.vectorInstructions, 'vector instructions', 'the bytes it reads and vector.vectorBytes');
  for (const [action, count] of Object.entries(layer.actions))
    visit(count ?? 0, `${action} actions`, action.startsWith('accumulator') ? 'its MACs times accumulator.bits' : 'its traffic and MACs');
}

function countsOf(layer: LayerSchedule): Count[] {
  const counts: Count[] = [];
  forEachCount(layer, (value, what, from) => counts.push({ what, value, from }));
  return counts;
}

function exact(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

/**
 * The sum of a layer's counts, or NaN where one is not an exact integer: the fast path of both
 * checks (a sweep lowers thousands of graphs), which make the described counts only for a message.
 */
export function exactCountSum(layer: LayerSchedule): number {
  let sum = 0;
  let allExact = true;
  forEachCount(layer, (value) => {
    allExact &&= exact(value);
    sum += value;
  });
  return allExact ? sum : Number.NaN;
}

/** Every value countsOf() describes, for the test that holds exactCountSum() to it. */
export function describedCounts(layer: LayerSchedule): readonly number[] {
  return layerCounts(layer).map((count) => count.value);
}

function magnitude(value: number): string {
  return Number.isFinite(value) ? `${value.toPrecision(4)} (about 2^${Math.floor(Math.log2(Math.max(value, 1)))})` : String(value);
}

/** Throws when a count of the layer at `$.ops[index]` is not an exact integer. */
export function checkLayerCounts(layer: LayerSchedule, index: number, graphFile: string, hardwareFile: string): void {
  if (exact(exactCountSum(layer))) return;
  for (const count of layerCounts(layer)) {
    if (exact(count.value)) continue;
    throw new InputError(
      `${layer.op} "${layer.name}": its ${count.what} would be ${magnitude(count.value)}, past 2^53, where counts stop being exact integers; they follow from ${count.from} (in ${hardwareFile})`,
      graphFile,
      formatJsonPath(['ops', index]),
    );
  }
}

/** Throws when a count summed over the graph (the report's totals) is not an exact integer. */
export function checkTotalCounts(layers: readonly LayerSchedule[], graphFile: string): void {
  // Non-negative integers summing to an exact integer: every partial sum, so every total, is exact.
  let grand = 0;
  for (const layer of layers) grand += exactCountSum(layer);
  if (exact(grand)) return;
  // Totals by count in the order counts first appear, for the message.
  const totals = new Map<string, { total: number; largest: { layer: LayerSchedule; value: number } | undefined }>();
  for (const layer of layers) {
    for (const count of layerCounts(layer)) {
      let entry = totals.get(count.what);
      if (entry === undefined) {
        entry = { total: 0, largest: undefined };
        totals.set(count.what, entry);
      }
      entry.total += count.value;
      if (entry.largest === undefined || count.value > entry.largest.value) entry.largest = { layer, value: count.value };
    }
  }
  for (const [what, { total, largest }] of totals) {
    if (exact(total)) continue;
    throw new InputError(
      `the graph's ${what} would total ${magnitude(total)}, past 2^53, where counts stop being exact integers; the largest layer is ${largest?.layer.op ?? ''} "${largest?.layer.name ?? ''}" with ${largest?.value ?? 0}`,
      graphFile,
      '$.ops',
    );
  }
}
