/**
 * Checking every point of a sweep before the first one runs: the config with the point's values
 * (schema and rules, the path and point named on failure), its zoo quantization, and the graph
 * lowered on it (operand modes, tiles that fit). Also sorts the points into value families.
 */
import { InputError } from '../errors.js';
import { PointEvaluator } from './evaluate.js';
import { checkQuantParameters, GraphVariants, type SweepSpec } from './pointConfig.js';

export interface ValidatedSweep {
  readonly graphs: GraphVariants;
  /** A small number per point naming its value family (points with one number share values). */
  readonly familyOf: (index: number) => number;
  readonly families: number;
}

export function validateSweep(spec: SweepSpec, indices: readonly number[], graphs = new GraphVariants(spec.graph)): ValidatedSweep {
  checkQuantParameters(spec);
  const evaluator = new PointEvaluator(spec, graphs);
  const familyIds = new Map<string, number>();
  const families = new Map<number, number>();
  for (const index of indices) {
    const point = evaluator.resolve(index);
    evaluator.schedule(point);
    // A timing-only sweep computes no values, so all its points are one family.
    const key = spec.timingOnly ? '' : point.family;
    let id = familyIds.get(key);
    if (id === undefined) familyIds.set(key, (id = familyIds.size));
    families.set(index, id);
  }
  return {
    graphs,
    familyOf: (index) => {
      const id = families.get(index);
      if (id === undefined) throw new InputError(`point ${index} was not validated`, describeSweep(spec));
      return id;
    },
    families: familyIds.size,
  };
}

export function describeSweep(spec: SweepSpec): string {
  return `${spec.graph} on ${spec.hardwareFile}`;
}

