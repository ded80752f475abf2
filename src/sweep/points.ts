/**
 * The points of a sweep: the cartesian product of the parameters' values (the first --set varies
 * slowest, the last fastest, as nested loops in the order given), or with --zip the i-th value of
 * every parameter together. A point's index is its place in that order, the same on every machine.
 */
import { InputError } from '../errors.js';
import type { SweepParameter, SweepValue } from './ranges.js';

export interface SweepPoint {
  readonly index: number;
  /** One value per parameter, in the parameters' order. */
  readonly values: readonly SweepValue[];
}

/** A guard against a product that would take days or exhaust memory before it starts. */
export const MAX_POINTS = 10_000_000;

export function pointCount(parameters: readonly SweepParameter[], zip: boolean): number {
  if (parameters.length === 0) return 1;
  if (zip) return parameters[0]?.values.length ?? 0;
  return parameters.reduce((count, parameter) => count * parameter.values.length, 1);
}

/** Checks the parameters can form a sweep: distinct paths, equal lengths under --zip, a sane size. */
export function checkParameters(parameters: readonly SweepParameter[], zip: boolean): void {
  const seen = new Set<string>();
  for (const { path } of parameters) {
    if (seen.has(path)) throw new InputError(`${path} is set twice; give all its values in one --set`, `--set ${path}=...`);
    seen.add(path);
  }
  if (zip) {
    const lengths = parameters.map((parameter) => `${parameter.path} has ${parameter.values.length}`);
    if (new Set(parameters.map((parameter) => parameter.values.length)).size > 1) {
      throw new InputError(`--zip pairs values one to one, so every --set needs the same number of values: ${lengths.join(', ')}`, '--zip');
    }
  }
  const count = pointCount(parameters, zip);
  if (count > MAX_POINTS) throw new InputError(`the sweep has ${count} points; npusim runs at most ${MAX_POINTS} in one sweep (split it, or shard it)`, '--set');
}

/** The point at `index` (0-based), without building the others. */
export function pointAt(parameters: readonly SweepParameter[], zip: boolean, index: number): SweepPoint {
  if (zip) return { index, values: parameters.map((parameter) => parameter.values[index] as SweepValue) };
  const values: SweepValue[] = new Array<SweepValue>(parameters.length);
  let rest = index;
  for (let p = parameters.length - 1; p >= 0; p -= 1) {
    const choices = (parameters[p] as SweepParameter).values;
    values[p] = choices[rest % choices.length] as SweepValue;
    rest = Math.floor(rest / choices.length);
  }
  return { index, values };
}

/** "array.rows=16 memory.dram.bytesPerCycle=8": a point as a person reads it. */
export function describePoint(parameters: readonly SweepParameter[], point: SweepPoint): string {
  return parameters.map((parameter, p) => `${parameter.path}=${point.values[p]?.text ?? ''}`).join(' ');
}
