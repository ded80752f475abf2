/** A golden against a fresh record of the same run (or another golden): the inputs that changed and the numbers that moved. */
import { differences } from './differences.js';
import type { GoldenFile } from './format.js';
import { inputChanges } from './inputChanges.js';
import type { DiffSection } from './printDiff.js';

export interface GoldenComparison extends DiffSection {
  /** True when something that fails a check changed: an input's content, or a number beyond tolerance. */
  readonly differs: boolean;
}

export function compareGoldens(title: string, golden: GoldenFile, fresh: GoldenFile): GoldenComparison {
  const inputs = inputChanges(golden, fresh);
  const moved = differences(golden.result, fresh.result, {
    matchNamedRecords: true,
    realRelativeTolerance: golden.compare.realRelativeTolerance,
  });
  return { title, inputs, moved, differs: moved.length > 0 || inputs.some((change) => change.blocking) };
}
