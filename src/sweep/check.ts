/**
 * Checking every point of a sweep before the first one runs: the config with the point's values
 * (schema and rules), its zoo quantization, and the graph lowered on it (operand modes, tiles that
 * fit, what the requantization mode defines). It also sorts the points into value families.
 *
 * The check is fast because it shares work between points, exactly:
 * - a zoo network is lowered as its skeleton (src/zoo/skeleton.ts: the structure without the
 *   numbers, built in milliseconds), so no network is built for the check, and none for points
 *   that cannot run;
 * - points whose values differ only in fields lowering never fails on (RUNNABILITY_FREE_FIELDS)
 *   share one lowering;
 * - with quant.* parameters, points with the same hardware values share one config check.
 * Every config is still validated with its own values. The check yields to the event loop as it
 * goes, so Ctrl-C stops it, and reports progress.
 */
import { checkRunMemory } from '../engine/memory.js';
import { InputError } from '../errors.js';
import { DEFAULT_MAX_MEMORY_BYTES } from '../formats/bounds.js';
import { checkGraphForRequant } from '../hardware/compatibility.js';
import { requantSettingOf } from '../hardware/model.js';
import type { RequantSetting } from '../requant/index.js';
import type { EnergyTable, LoadedHardware } from '../formats/loadHardware.js';
import type { Graph } from '../graph/model.js';
import { checkAndLower } from '../pipeline/index.js';
import { isRealZooName, isSeededZooArgument, REAL_ZOO_NAMES, ZOO_NAMES, type ZooName } from '../zoo/index.js';
import { checkZooGraphForMode } from '../zoo/build.js';
import { zooSkeleton } from '../zoo/skeleton.js';
import { describePoint, pointAt, pointDigits } from './points.js';
import {
  checkQuantParameters,
  GraphVariants,
  graphKey,
  HardwareChecker,
  isQuantPath,
  pointLabel,
  pointQuant,
  type SweepSpec,
  type ZooQuant,
} from './pointConfig.js';
import type { SweepParameter } from './ranges.js';
import { VALUE_FREE_FIELDS } from './reuse.js';

/**
 * Fields that lowering (src/lower/schedule.ts) and checkGraphOnHardware (src/hardware/compatibility.ts)
 * read only to count cycles and price actions, never to decide whether a layer can run; nor do they
 * appear in their messages. If lowering ever starts refusing a layer because of one of them, it
 * must leave this list (test/sweep/check.test.ts compares the shared check with lowering every point).
 */
export const RUNNABILITY_FREE_FIELDS = [
  'description',
  'sources',
  '$schema',
  'clockMHz',
  'energy',
  'memory.dram',
  'vector',
  'array.zeroGating',
  'accumulator.overflow',
  'requant.unit',
  'requant.outputsPerCycle',
  'requant.rounding',
  'requant.stochasticSeed',
  'requant.shiftBias',
] as const;

/** How often (points) the check looks at the clock to yield and report. */
const CLOCK_EVERY_POINTS = 256;
const YIELD_EVERY_MS = 50;

export interface CheckOptions {
  /** Mark points that cannot run instead of failing the sweep. */
  readonly skipInvalid: boolean;
  /** The memory a run may take (graph constants and working set), and how many runs go at once. */
  readonly maxMemoryBytes?: number;
  readonly runsAtOnce?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface CheckedPoints {
  /** The graph variants the runnable points need, built (workers receive them). */
  readonly graphs: GraphVariants;
  /** Per position in the indices checked: the point's value family (0, 1, ...), or -1 when it cannot run. */
  readonly families: Int32Array;
  readonly familyCount: number;
  /** How many points cannot run. */
  readonly invalid: number;
  /** Why the point at a position cannot run, as one line (`file:location: message`); undefined when it can. */
  reasonAt(position: number): string | undefined;
  /** The first points that cannot run, one per distinct reason (at most three), named: for messages. */
  readonly firstInvalid: readonly InputError[];
}

/**
 * Points of the sweep cannot run. The error is the first such point's, named; the command prints
 * `others` (further distinct reasons) and the count after it.
 */
export class InvalidPointsError extends InputError {
  constructor(
    first: InputError,
    readonly others: readonly InputError[],
    readonly invalid: number,
    readonly checked: number,
  ) {
    super(first.message, first.file, first.location);
  }
}

function covers(field: string, path: string): boolean {
  return path === field || path.startsWith(`${field}.`);
}

/**
 * A number per combination of the values of some parameters (their digits in mixed radix), so that
 * points agreeing on those parameters share it. `span` bounds the numbers.
 */
class SubsetKey {
  private readonly multipliers: Array<[number, number]> = [];
  readonly span: number;

  constructor(parameters: readonly SweepParameter[], members: readonly number[], zip: boolean) {
    let multiplier = 1;
    for (let m = members.length - 1; m >= 0; m -= 1) {
      const p = members[m] as number;
      this.multipliers.push([p, multiplier]);
      multiplier *= (parameters[p] as SweepParameter).values.length;
    }
    // Under --zip every digit is the point index, so the key is the index times the multipliers' sum.
    const sum = this.multipliers.reduce((total, [, value]) => total + value, 0);
    const length = parameters[0]?.values.length ?? 1;
    this.span = zip ? Math.max(1, (length - 1) * sum + 1) : multiplier;
  }

  of(digits: readonly number[]): number {
    let key = 0;
    for (const [p, multiplier] of this.multipliers) key += (digits[p] as number) * multiplier;
    return key;
  }
}

/**
 * A memo of results by number, holding at most `capacity` of them (it starts afresh when full), so
 * memory stays bounded whatever the sweep; a capacity of 1 remembers the last point's.
 */
class Memo<T> {
  private readonly entries = new Map<number, T>();

  constructor(private readonly capacity: number) {}

  get(key: number, compute: () => T): T {
    let value = this.entries.get(key);
    if (value === undefined) {
      value = compute();
      if (this.entries.size >= this.capacity) this.entries.clear();
      this.entries.set(key, value);
    }
    return value;
  }
}

/** Configs kept for points that share hardware values (each holds a whole config and its table). */
const HARDWARE_MEMO_CAPACITY = 10_000;
/** Lowering outcomes (an error or none) and quantization checks are small. */
const SMALL_MEMO_CAPACITY = 1_000_000;

type Checked<T> = { readonly ok: T } | { readonly error: InputError };

function attempt<T>(work: () => T): Checked<T> {
  try {
    return { ok: work() };
  } catch (error) {
    if (error instanceof InputError) return { error };
    throw error;
  }
}

interface QuantCheck {
  readonly quant: ZooQuant | undefined;
  /** Numbers the graph variant (graphKey) and the structure it lowers as (skeleton). */
  readonly variant: number;
  readonly structure: number;
}

/** Numbers distinct strings 0, 1, 2, ... */
class Numbering {
  private readonly ids = new Map<string, number>();

  of(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) this.ids.set(key, (id = this.ids.size));
    return id;
  }

  get size(): number {
    return this.ids.size;
  }
}

class PointChecker {
  private readonly digits: number[];
  private readonly hardwareKey: SubsetKey;
  private readonly quantKey: SubsetKey;
  private readonly loweringKey: SubsetKey;
  private readonly valueKey: SubsetKey;
  private readonly hardwareMemo: Memo<Checked<LoadedHardware>>;
  private readonly quantMemo = new Memo<Checked<QuantCheck>>(SMALL_MEMO_CAPACITY);
  private readonly loweringMemo: Memo<InputError | null>;
  private readonly hardware: HardwareChecker;
  private readonly variants = new Numbering();
  private readonly structures = new Numbering();
  private readonly skeletons = new Map<number, Graph>();
  private readonly quantOfVariant = new Map<number, ZooQuant | undefined>();
  private readonly familyIds = new Map<number, number>();
  private readonly fileGraph: Graph | undefined;
  /** The graph variant and requantization setting of each pair some runnable point uses, by pair number. */
  private readonly pairs = new Numbering();
  private readonly pairSettings: Array<{ readonly quant: ZooQuant | undefined; readonly setting: RequantSetting }> = [];

  constructor(
    private readonly spec: SweepSpec,
    private readonly graphs: GraphVariants,
  ) {
    const { parameters, zip } = spec;
    this.digits = new Array<number>(parameters.length).fill(0);
    const all = parameters.map((_, p) => p);
    const hardware = all.filter((p) => !isQuantPath((parameters[p] as SweepParameter).path));
    const quant = all.filter((p) => isQuantPath((parameters[p] as SweepParameter).path));
    const outside = (fields: readonly string[]) =>
      hardware.filter((p) => !fields.some((field) => covers(field, (parameters[p] as SweepParameter).path)));
    const lowering = outside(RUNNABILITY_FREE_FIELDS);
    this.hardwareKey = new SubsetKey(parameters, hardware, zip);
    this.quantKey = new SubsetKey(parameters, quant, zip);
    this.loweringKey = new SubsetKey(parameters, lowering, zip);
    this.valueKey = new SubsetKey(parameters, outside(VALUE_FREE_FIELDS), zip);
    // Under --zip, or without quant.* parameters, every point has its own hardware values; with
    // quant.* parameters varying fastest, the last point's config serves the next.
    this.hardwareMemo = new Memo(!zip && quant.length > 0 && this.hardwareKey.span <= HARDWARE_MEMO_CAPACITY ? HARDWARE_MEMO_CAPACITY : 1);
    const sharesLowering = zip ? lowering.length === 0 : lowering.length < all.length;
    this.loweringMemo = new Memo(sharesLowering ? SMALL_MEMO_CAPACITY : 1);
    this.fileGraph = isSeededZooArgument(spec.graph) ? undefined : graphs.get(undefined);
    this.hardware = new HardwareChecker(spec, new Map<string, EnergyTable>());
  }

  get familyCount(): number {
    return this.familyIds.size;
  }

  /** The quantization choices of every graph variant some runnable point uses. */
  usedVariants(): Array<ZooQuant | undefined> {
    return [...this.quantOfVariant.values()];
  }

  /**
   * The (graph variant, requantization setting) pairs runnable points use: whether a graph's scales
   * fit the mode is a question of its numbers, which the skeletons lowered here do not have.
   */
  usedPairs(): ReadonlyArray<{ readonly quant: ZooQuant | undefined; readonly setting: RequantSetting }> {
    return this.pairSettings;
  }

  /** The point's value family and its (variant, setting) pair, or the error that keeps it from running. */
  check(index: number): Checked<{ readonly family: number; readonly pair: number }> {
    const { spec, digits } = this;
    pointDigits(spec.parameters, spec.zip, index, digits);
    const point = pointAt(spec.parameters, spec.zip, index);
    const hardware = this.hardwareMemo.get(this.hardwareKey.of(digits), () => attempt(() => this.hardware.check(point, spec.hardwareFile)));
    if ('error' in hardware) return hardware;
    const quant = this.quantMemo.get(this.quantKey.of(digits), () => attempt(() => this.quantCheck(pointQuant(spec, point, spec.graph))));
    if ('error' in quant) return quant;
    const { variant, structure } = quant.ok;
    const lowering = this.loweringMemo.get(structure * this.loweringKey.span + this.loweringKey.of(digits), () => {
      const failure = attempt(() => checkAndLower(this.structureGraph(structure, quant.ok.quant), hardware.ok));
      return 'error' in failure ? failure.error : null;
    });
    if (lowering !== null) return { error: lowering };
    if (!this.quantOfVariant.has(variant)) this.quantOfVariant.set(variant, quant.ok.quant);
    const setting = requantSettingOf(hardware.ok);
    const pairCount = this.pairs.size;
    const pair = this.pairs.of(`${variant}:${JSON.stringify(setting)}`);
    if (pair === pairCount) this.pairSettings.push({ quant: quant.ok.quant, setting });
    // A timing-only sweep computes no values, so all its points are one family.
    const key = spec.timingOnly ? 0 : variant * this.valueKey.span + this.valueKey.of(digits);
    let family = this.familyIds.get(key);
    if (family === undefined) this.familyIds.set(key, (family = this.familyIds.size));
    return { ok: { family, pair } };
  }

  private quantCheck(quant: ZooQuant | undefined): QuantCheck {
    if (quant === undefined) return { quant, variant: this.variants.of('file'), structure: 0 };
    const { weightBits, activationBits, perChannel, signedActivations, requant } = quant;
    return {
      quant,
      variant: this.variants.of(graphKey(quant)),
      structure: this.structures.of(JSON.stringify([weightBits, activationBits, perChannel, signedActivations, requant])),
    };
  }

  /**
   * What a point's lowering is checked on: the graph file itself, or the zoo network's skeleton,
   * first checked against the rules of the mode it is built for, as building the network would.
   */
  private structureGraph(structure: number, quant: ZooQuant | undefined): Graph {
    if (this.fileGraph !== undefined) return this.fileGraph;
    let skeleton = this.skeletons.get(structure);
    if (skeleton === undefined) {
      skeleton = zooSkeleton(this.spec.graph.slice('zoo:'.length) as ZooName, quant as ZooQuant);
      this.skeletons.set(structure, skeleton);
    }
    checkZooGraphForMode(skeleton, quant as ZooQuant);
    return skeleton;
  }
}

function checkZooName(graph: string): void {
  if (!graph.startsWith('zoo:')) return;
  const name = graph.slice('zoo:'.length);
  if (!(ZOO_NAMES as readonly string[]).includes(name) && !isRealZooName(name))
    throw new InputError(`no zoo network "${name}"; the zoo has ${[...ZOO_NAMES, ...REAL_ZOO_NAMES].join(', ')}`, graph);
}

/** The error of a point, named: the point and its values beside the file. */
function namedError(spec: SweepSpec, index: number, error: InputError): InputError {
  const point = pointAt(spec.parameters, spec.zip, index);
  const file =
    error.file === undefined ? `sweep point ${index} (${describePoint(spec.parameters, point)})` : pointLabel(error.file, spec, point);
  return new InputError(error.message, file, error.location);
}

const MAX_NAMED_REASONS = 3;

/**
 * Checks the points at `indices` (ascending). Resolves to undefined when stopped by the signal.
 * Throws InvalidPointsError when points cannot run and `skipInvalid` is off, or when none can run.
 */
export async function checkPoints(spec: SweepSpec, indices: readonly number[], options: CheckOptions): Promise<CheckedPoints | undefined> {
  checkQuantParameters(spec);
  checkZooName(spec.graph);
  const maxMemoryBytes = options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES;
  const graphs = new GraphVariants(spec.graph, new Map(), { maxMemoryBytes });
  const checker = new PointChecker(spec, graphs);
  const total = indices.length;
  const families = new Int32Array(total);
  const pairs = new Int32Array(total);
  const reasonIds = new Map<string, number>();
  const reasons: string[] = [];
  // Only points that cannot run have an entry, so a clean sweep keeps none.
  const reasonOf = new Map<number, number>();
  const firstInvalid: InputError[] = [];
  let invalid = 0;
  let lastYield = performance.now();
  options.onProgress?.(0, total);
  for (let position = 0; position < total; position += 1) {
    if (position % CLOCK_EVERY_POINTS === 0 && performance.now() - lastYield >= YIELD_EVERY_MS) {
      options.onProgress?.(position, total);
      await new Promise<void>((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
    if (options.signal?.aborted === true) return undefined;
    const index = indices[position] as number;
    const result = checker.check(index);
    if ('ok' in result) {
      families[position] = result.ok.family;
      pairs[position] = result.ok.pair;
      continue;
    }
    markInvalid(position, result.error);
  }
  function markInvalid(position: number, error: InputError): void {
    families[position] = -1;
    invalid += 1;
    const reason = error.describe();
    let id = reasonIds.get(reason);
    if (id === undefined) {
      reasonIds.set(reason, (id = reasons.length));
      reasons.push(reason);
      if (firstInvalid.length < MAX_NAMED_REASONS) firstInvalid.push(namedError(spec, indices[position] as number, error));
    }
    reasonOf.set(position, id);
  }
  const refuseIfInvalid = (): void => {
    const [first, ...others] = firstInvalid;
    if (first !== undefined && (!options.skipInvalid || invalid === total)) throw new InvalidPointsError(first, others, invalid, total);
  };
  options.onProgress?.(total, total);
  refuseIfInvalid();
  // Build the networks the runnable points need (seconds each for MobileNet), and only those; each
  // must fit the memory limit, and its numbers (scales, multipliers) the requantization of each config.
  for (const quant of checker.usedVariants()) {
    if (options.signal?.aborted === true) return undefined;
    const graph = graphs.get(quant);
    if (!spec.timingOnly) checkRunMemory(graph, maxMemoryBytes, {}, options.runsAtOnce ?? 1);
  }
  const pairFailures = checker.usedPairs().map(({ quant, setting }) => {
    try {
      checkGraphForRequant(graphs.get(quant), setting, ` of ${spec.hardwareFile}`);
      return undefined;
    } catch (error) {
      if (error instanceof InputError) return error;
      throw error;
    }
  });
  if (pairFailures.some((failure) => failure !== undefined)) {
    for (let position = 0; position < total; position += 1) {
      const failure = families[position] === -1 ? undefined : pairFailures[pairs[position] as number];
      if (failure !== undefined) markInvalid(position, failure);
    }
    refuseIfInvalid();
  }
  return {
    graphs,
    families,
    familyCount: checker.familyCount,
    invalid,
    reasonAt: (position) => {
      const id = reasonOf.get(position);
      return id === undefined ? undefined : reasons[id];
    },
    firstInvalid,
  };
}
