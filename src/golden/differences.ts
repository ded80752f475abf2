/**
 * The semantic comparison behind `check` and `diff`: two JSON values walked side by side, arrays
 * of named records (layers) matched by name rather than position, numbers compared exactly or,
 * for real-valued fields (energies, latency, utilization), within a relative tolerance.
 */
import type { Json } from './format.js';

/** One step of a path: an object key, an array index, or a record of a named list (a layer). */
export type DiffStep = string | number | { readonly named: string };

export interface Difference {
  readonly path: readonly DiffStep[];
  /** undefined: the field or record is absent on that side. */
  readonly old: Json | undefined;
  readonly new: Json | undefined;
}

/** Fields whose values are sums of floating-point prices or ratios: compared within the tolerance. */
const REAL_VALUED_KEYS = new Set(['energyPj', 'energyByComponentPj', 'latencyMs', 'utilization']);

export function isRealValued(path: readonly DiffStep[]): boolean {
  return path.some((step) => typeof step === 'string' && REAL_VALUED_KEYS.has(step));
}

export function withinTolerance(old: number, current: number, relativeTolerance: number): boolean {
  return old === current || Math.abs(current - old) <= relativeTolerance * Math.max(Math.abs(old), Math.abs(current));
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The names of an array of records with unique string `name`s, or undefined for any other array. */
function recordNames(items: readonly Json[]): string[] | undefined {
  const names = items.map((item) => (isObject(item) && typeof item.name === 'string' ? item.name : undefined));
  if (names.length === 0 || names.some((name) => name === undefined)) return undefined;
  const defined = names as string[];
  return new Set(defined).size === defined.length ? defined : undefined;
}

export interface CompareOptions {
  /** Match arrays of named records by name (layers); off for config files, whose arrays are positional. */
  readonly matchNamedRecords: boolean;
  readonly realRelativeTolerance: number;
}

function walk(old: Json | undefined, current: Json | undefined, path: DiffStep[], options: CompareOptions, found: Difference[]): void {
  if (typeof old === 'number' && typeof current === 'number') {
    const same = isRealValued(path) ? withinTolerance(old, current, options.realRelativeTolerance) : old === current;
    if (!same) found.push({ path, old, new: current });
    return;
  }
  if (Array.isArray(old) && Array.isArray(current)) {
    const oldNames = options.matchNamedRecords ? recordNames(old) : undefined;
    const newNames = options.matchNamedRecords ? recordNames(current) : undefined;
    if (oldNames !== undefined && newNames !== undefined) {
      const byName = new Map(current.map((item, index) => [newNames[index] as string, item]));
      old.forEach((item, index) => {
        const name = oldNames[index] as string;
        walk(item, byName.get(name), [...path, { named: name }], options, found);
      });
      current.forEach((item, index) => {
        const name = newNames[index] as string;
        if (!oldNames.includes(name)) found.push({ path: [...path, { named: name }], old: undefined, new: item });
      });
      return;
    }
    for (let index = 0; index < Math.max(old.length, current.length); index += 1)
      walk(old[index], current[index], [...path, index], options, found);
    return;
  }
  if (isObject(old) && isObject(current)) {
    for (const key of Object.keys(old)) walk(old[key], current[key], [...path, key], options, found);
    for (const key of Object.keys(current)) if (!(key in old)) found.push({ path: [...path, key], old: undefined, new: current[key] });
    return;
  }
  if (JSON.stringify(old) !== JSON.stringify(current)) found.push({ path, old, new: current });
}

/** Every leaf that differs between `old` and `current`, in the order of `old` (then what is new). */
export function differences(old: Json, current: Json, options: CompareOptions): Difference[] {
  const found: Difference[] = [];
  walk(old, current, [], options, found);
  return found;
}
