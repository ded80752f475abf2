/**
 * What one sweep point runs: the base hardware config with the point's values written at their
 * JSON paths (validated like a file, named by a label that says which point), and for a zoo
 * network the quantization choices (quant.*) the graph is built with.
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import { type HardwareConfig, hardwareSchema } from '../formats/hardwareSchema.js';
import { checkHardwareRules, type EnergyTable, type LoadedHardware, loadHardwareData } from '../formats/loadHardware.js';
import { resolveHardware } from '../hardware/resolve.js';
import type { GraphLoadOptions } from '../formats/loadGraph.js';
import { loadGraphArgument } from '../pipeline/graphArgument.js';
import { validateWith } from '../formats/validate.js';
import type { Graph } from '../graph/model.js';
import { REQUANT_MODES, ROUNDING_MODES } from '../numeric/index.js';
import type { ZooOptions } from '../zoo/index.js';
import { isSeededZooArgument } from '../zoo/index.js';
import { DEFAULT_ZOO_QUANT, zooGraph } from '../zoo/graph.js';
import { describePoint, type SweepPoint } from './points.js';
import type { SweepParameter, SweepValue } from './ranges.js';

/** Everything a sweep needs to rebuild any point, in a worker as in the main thread (plain data). */
export interface SweepSpec {
  /** A graph file, or zoo:NAME. */
  readonly graph: string;
  readonly hardwareFile: string;
  /** The base config's JSON as read once, so an edit to the file mid-sweep changes nothing. */
  readonly baseHardware: unknown;
  readonly parameters: readonly SweepParameter[];
  readonly zip: boolean;
  /** Cycles and energy from the schedule alone: no values, no overflow columns. */
  readonly timingOnly: boolean;
}

export type ZooQuant = Omit<ZooOptions, 'sidecarFile'>;

const QUANT_PREFIX = 'quant.';

/** The zoo's quantization choices a sweep may vary (the options of `npusim zoo`). */
const quantSchema = z.strictObject({
  quant: z
    .strictObject({
      seed: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
      weightBits: z.literal([4, 8, 16]),
      activationBits: z.literal([4, 8, 16]),
      perChannel: z.boolean(),
      signedActivations: z.boolean(),
      requant: z.enum(REQUANT_MODES),
      rounding: z.enum(ROUNDING_MODES),
    })
    .partial(),
});

export function isQuantPath(path: string): boolean {
  return path === 'quant' || path.startsWith(QUANT_PREFIX);
}

/** Checks up front that quant.* paths have a zoo network to apply to. */
export function checkQuantParameters(spec: Pick<SweepSpec, 'graph' | 'parameters'>): void {
  const quant = spec.parameters.find((parameter) => isQuantPath(parameter.path));
  if (quant !== undefined && !isSeededZooArgument(spec.graph)) {
    throw new InputError(
      `${quant.path} sets a seeded zoo network's quantization, but the graph is ${spec.graph.startsWith('zoo:') ? 'a real model with its own quantization' : 'a file'} (${spec.graph}); use zoo:NAME or --zoo NAME of a seeded network`,
      `--set ${quant.path}`,
    );
  }
}

/** A file named with the sweep point it is read for: `configs/edge-npu.json (sweep point 1: array.rows=0)`. */
export function pointLabel(source: string, spec: Pick<SweepSpec, 'parameters'>, point: SweepPoint): string {
  return `${source} (sweep point ${point.index}: ${describePoint(spec.parameters, point)})`;
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Writes `value` at a dotted path of a plain JSON object (null removes the field). Every object on
 * the way is copied before it changes, so `target` may share everything else with the base config.
 */
function setPath(target: Record<string, unknown>, path: string, value: SweepValue['value'], label: string): void {
  const segments = path.split('.');
  let current: unknown = target;
  segments.forEach((segment, depth) => {
    const container = current as Record<string, unknown>;
    const last = depth === segments.length - 1;
    if (Array.isArray(container) && !/^\d+$/.test(segment)) {
      throw new InputError(
        `${segments.slice(0, depth).join('.')} is a list; address an item by its index, e.g. ${segments.slice(0, depth).join('.')}.0`,
        label,
      );
    }
    if (last) {
      if (value === null) delete container[segment];
      else container[segment] = value;
      return;
    }
    let next = container[segment];
    if (next === undefined) next = {};
    if (next === null || typeof next !== 'object') {
      throw new InputError(
        `${segments.slice(0, depth + 1).join('.')} is ${typeName(next)}, so it has no field "${segments[depth + 1] ?? ''}"`,
        label,
        `$.${segments.slice(0, depth + 1).join('.')}`,
      );
    }
    next = Array.isArray(next) ? [...(next as unknown[])] : { ...(next as Record<string, unknown>) };
    container[segment] = next;
    current = next;
  });
}

/**
 * The point's hardware: the base config with its values set, validated and checked. `label` names
 * the config in messages: by default the file and the point; the up-front check passes the file
 * alone and names the point itself.
 */
export function pointHardware(
  spec: SweepSpec,
  point: SweepPoint,
  tables: Map<string, EnergyTable>,
  label = pointLabel(spec.hardwareFile, spec, point),
): LoadedHardware {
  return loadHardwareData(pointData(spec, point, label), label, spec.hardwareFile, tables);
}

/** The point's config as JSON data: the base with the point's values written (sharing the rest with the base). */
function pointData(spec: SweepSpec, point: SweepPoint, label: string): Record<string, unknown> {
  const data = { ...(spec.baseHardware as Record<string, unknown>) };
  spec.parameters.forEach((parameter, p) => {
    if (!isQuantPath(parameter.path)) setPath(data, parameter.path, (point.values[p] as SweepValue).value, label);
  });
  return data;
}

/**
 * Checks the hardware configs of many points quickly and exactly: each top-level field a point's
 * values touch is parsed alone against its part of the schema, the others are the base config's as
 * validated once, and the rules between fields run on the whole. That equals parsing the whole
 * config only because the schema's top level is a plain strict object (nothing at that level looks
 * at two fields at once); when it is not, or a point fails, or its energy table changes, the point
 * takes the full path, so its error is exactly the one a run gives.
 */
export class HardwareChecker {
  private readonly base: LoadedHardware;
  /** The base config as validated once (the fields a point leaves alone). */
  private readonly baseConfig: HardwareConfig;
  private readonly fields: readonly string[];
  private readonly fast: boolean;

  constructor(
    private readonly spec: SweepSpec,
    private readonly tables: Map<string, EnergyTable>,
  ) {
    this.base = loadHardwareData(spec.baseHardware, spec.hardwareFile, spec.hardwareFile, tables);
    this.baseConfig = validateWith(hardwareSchema, spec.baseHardware, spec.hardwareFile);
    const hardwarePaths = spec.parameters.map((parameter) => parameter.path).filter((path) => !isQuantPath(path));
    this.fields = [...new Set(hardwarePaths.map((path) => path.split('.')[0] ?? ''))];
    const root = hardwareSchema.def;
    this.fast =
      root.type === 'object' &&
      (root.checks ?? []).length === 0 &&
      this.fields.every((field) => field !== 'energy' && Object.hasOwn(hardwareSchema.shape, field));
  }

  /** The point's hardware, its file named `label`; throws the InputError a run would. */
  check(point: SweepPoint, label: string): LoadedHardware {
    const data = pointData(this.spec, point, label);
    if (!this.fast) return loadHardwareData(data, label, this.spec.hardwareFile, this.tables);
    const config: Record<string, unknown> = { ...this.baseConfig };
    for (const field of this.fields) {
      const parsed = (hardwareSchema.shape[field as keyof typeof hardwareSchema.shape] as z.ZodType).safeParse(data[field]);
      if (!parsed.success) return loadHardwareData(data, label, this.spec.hardwareFile, this.tables);
      if (parsed.data === undefined) delete config[field];
      else config[field] = parsed.data;
    }
    checkHardwareRules(config as HardwareConfig, label);
    return resolveHardware(config as HardwareConfig, label, this.base.energy);
  }
}

/** The point's zoo quantization (undefined for a graph file), validated with the path named. */
export function pointQuant(spec: SweepSpec, point: SweepPoint, label = pointLabel(spec.graph, spec, point)): ZooQuant | undefined {
  if (!isSeededZooArgument(spec.graph)) return undefined;
  const data: Record<string, unknown> = { quant: {} };
  spec.parameters.forEach((parameter, p) => {
    if (isQuantPath(parameter.path)) setPath(data, parameter.path, (point.values[p] as SweepValue).value, label);
  });
  const { quant } = validateWith(quantSchema, data, label);
  return { ...DEFAULT_ZOO_QUANT, ...quant };
}

/** Names a graph variant: the same key, the same graph. */
export function graphKey(quant: ZooQuant | undefined): string {
  if (quant === undefined) return 'file';
  const { seed, weightBits, activationBits, perChannel, signedActivations, requant, rounding } = quant;
  return JSON.stringify({ seed, weightBits, activationBits, perChannel, signedActivations, requant, rounding });
}

/** Builds each graph variant once (a zoo network takes seconds to build and calibrate). */
export class GraphVariants {
  private readonly graphs: Map<string, Graph>;

  constructor(
    private readonly graph: string,
    known: ReadonlyMap<string, Graph> = new Map(),
    private readonly loadOptions: GraphLoadOptions = {},
  ) {
    this.graphs = new Map(known);
  }

  get(quant: ZooQuant | undefined): Graph {
    const key = graphKey(quant);
    let graph = this.graphs.get(key);
    if (graph === undefined) {
      graph = quant === undefined ? loadGraphArgument(this.graph, this.loadOptions) : zooGraph(this.graph.slice('zoo:'.length), quant);
      this.graphs.set(key, graph);
    }
    return graph;
  }

  /** Every variant built so far, by key (a worker receives them instead of rebuilding). */
  all(): ReadonlyMap<string, Graph> {
    return this.graphs;
  }
}
