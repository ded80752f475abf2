/**
 * Sharing value computations between sweep points. A values pass (src/engine/simulate.ts) depends
 * on the graph and on the config fields the engine reads while computing values; every other field
 * changes only the schedule (cycles, traffic, tiles) or the prices, which combineResult applies per
 * point. Fields that never change values or overflow events, and so are left out of the key:
 *
 * - name, description, sources, clockMHz
 * - memory (SRAM sizes and bandwidths, DRAM bandwidth and latency, double buffering)
 * - vector (register width, issue slots, op cycles), timing (npusim or SCALE-Sim)
 * - energy (the table), array.zeroGating (gated MACs are counted from the values either way)
 * - requant.unit and requant.outputsPerCycle (where and how fast requantization runs)
 *
 * Everything else stays in the key, including fields added to the schema later, so a new field is
 * never reused by mistake. The array's rows, columns, dataflow and operand modes stay in: they fix
 * each layer's K fold (rows x packing for ws and is: the accumulation order) and the event clock
 * that picks each "first" overflow location. The accumulator width is keyed apart (see
 * ValuesCache.find): a pass at one width serves another only when provably identical.
 */
import type { ValuesPass } from '../engine/simulate.js';
import type { Hardware } from '../hardware/model.js';

/** JSON with object keys sorted, so equal configs give equal keys whatever their key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The config fields that never change values or overflow events (see above); the accumulator width
 * is keyed apart. A sweep parameter inside one of them never splits a value family.
 */
export const VALUE_FREE_FIELDS = [
  'name',
  'description',
  'sources',
  '$schema',
  'clockMHz',
  'memory',
  'vector',
  'timing',
  'energy',
  'array.zeroGating',
  'accumulator.bits',
  'requant.unit',
  'requant.outputsPerCycle',
] as const;

/** A copy of a plain JSON object without the fields at the given dotted paths. */
function withoutFields(value: unknown, paths: readonly string[]): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const path of paths) {
    const [head = '', ...rest] = path.split('.');
    if (rest.length === 0) delete copy[head];
    else if (head in copy) copy[head] = withoutFields(copy[head], [rest.join('.')]);
  }
  return copy;
}

/** The value-relevant config without the accumulator width: points with equal keys share values. */
export function valueFamilyKey(hardware: Hardware, graphKey: string): string {
  // The file is a label and the requant spec follows from the mode: neither changes values.
  return stableJson({ graph: graphKey, config: withoutFields(hardware, [...VALUE_FREE_FIELDS, 'file', 'requant.spec']) });
}

/**
 * Points with equal schedule keys have equal schedules: everything lowering reads (the graph
 * variant and the whole machine) except the file label (only in messages, and a checked point
 * raises none), the energy table (lowering counts actions, the prices come after) and the requant
 * spec (it follows from the mode, which stays in the key).
 */
export function scheduleKey(hardware: Hardware, graphKey: string): string {
  return stableJson({ graph: graphKey, config: withoutFields(hardware, ['file', 'energy', 'requant.spec']) });
}

/** The widest signed partial sum any array layer of a pass needed, and whether any add left its range. */
function passHeadroom(pass: ValuesPass): { partialBits: number; overflowed: boolean } {
  let partialBits = 1;
  let overflowed = false;
  for (const layer of pass.layers) {
    partialBits = Math.max(partialBits, layer.overflow.partialBits);
    if (layer.overflow.accumulatorTransient > 0 || layer.overflow.accumulatorFinal > 0) overflowed = true;
  }
  return { partialBits, overflowed };
}

interface CachedPass {
  readonly family: string;
  readonly bits: number;
  readonly pass: ValuesPass;
  readonly partialBits: number;
  readonly overflowed: boolean;
}

/**
 * Values passes of recent families. Kept without their tensors, a pass is a few numbers per layer,
 * so a worker keeps many and rarely recomputes a family it met before.
 *
 * Accumulator width: a pass computed at width A serves width B when no add of it left A's range
 * (no transient, no final overflow) and every partial sum, bias and fold merges included, fits B.
 * Then both runs add exactly, so every layer sees the same inputs and produces the same outputs,
 * headroom and clipping (by induction over the layers). A pass that overflowed anywhere is never
 * reused at another width: its corrupted values fed the layers after it.
 */
export class ValuesCache {
  private readonly entries: CachedPass[] = [];
  hits = 0;
  misses = 0;

  constructor(private readonly capacity = 256) {}

  find(family: string, bits: number): ValuesPass | undefined {
    const found = this.entries.find(
      (entry) => entry.family === family && (entry.bits === bits || (!entry.overflowed && entry.partialBits <= bits)),
    );
    if (found === undefined) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    // Most recently used last, so eviction drops the stalest.
    this.entries.splice(this.entries.indexOf(found), 1);
    this.entries.push(found);
    return found.pass;
  }

  add(family: string, bits: number, pass: ValuesPass): void {
    // The sweep reports totals only; the tensors would hold tens of megabytes per MobileNet pass.
    const kept: ValuesPass = { ...pass, tensors: new Map() };
    this.entries.push({ family, bits, pass: kept, ...passHeadroom(pass) });
    while (this.entries.length > this.capacity) this.entries.shift();
  }
}
