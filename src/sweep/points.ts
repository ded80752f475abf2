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

/** The most points one sweep has: its shards' files still merge in bounded memory (about 50 bytes a point). */
export const MAX_POINTS = 10_000_000;

/**
 * The most points one run checks and runs (the shard's points): the check, the run and the final
 * rewrite of the file stay within minutes and a few hundred megabytes. Larger sweeps run as shards.
 */
export const MAX_POINTS_PER_RUN = 1_000_000;

/** The number of points, exact even for a product far beyond MAX_POINTS. */
function exactPointCount(parameters: readonly SweepParameter[], zip: boolean): bigint {
  if (parameters.length === 0) return 1n;
  if (zip) return BigInt(parameters[0]?.values.length ?? 0);
  return parameters.reduce((count, parameter) => count * BigInt(parameter.values.length), 1n);
}

export function pointCount(parameters: readonly SweepParameter[], zip: boolean): number {
  return Number(exactPointCount(parameters, zip));
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
  const count = exactPointCount(parameters, zip);
  if (count > BigInt(MAX_POINTS)) {
    throw new InputError(
      `the sweep has ${count} points; a sweep has at most ${MAX_POINTS} (split it into several sweeps, e.g. one per value of the first --set)`,
      '--set',
    );
  }
}

/** Checks that one run (the points of shard `shard` of `shards`) stays within MAX_POINTS_PER_RUN, saying how to shard it. */
export function checkRunSize(points: number, shardPoints: number, shard: number, shards: number): void {
  if (shardPoints <= MAX_POINTS_PER_RUN) return;
  const needed = Math.ceil(points / MAX_POINTS_PER_RUN);
  const what =
    shards === 1 ? `the sweep has ${points} points` : `shard ${shard}/${shards} has ${shardPoints} of the sweep's ${points} points`;
  throw new InputError(
    `${what}; one run checks and runs at most ${MAX_POINTS_PER_RUN}: split the sweep into ${needed} shards, --shard 1/${needed} to --shard ${needed}/${needed} (one run each, on one machine or many), and join their files with npusim merge`,
    shards === 1 ? '--set' : `--shard ${shard}/${shards}`,
  );
}

/** Each parameter's value index at point `index` (the digits of the index in the product's mixed radix). */
export function pointDigits(parameters: readonly SweepParameter[], zip: boolean, index: number, digits: number[]): void {
  let rest = index;
  for (let p = parameters.length - 1; p >= 0; p -= 1) {
    const count = (parameters[p] as SweepParameter).values.length;
    digits[p] = zip ? index : rest % count;
    rest = Math.floor(rest / count);
  }
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
