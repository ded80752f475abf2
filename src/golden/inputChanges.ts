/**
 * What changed in a golden's inputs between when it was written and now: the config fields (by
 * JSON path, from the recorded copy of the content), the energy table's entries, the graph's hash.
 * These come first in a diff: they usually explain the numbers that moved.
 */
import { formatJsonPath } from '../messages/jsonPath.js';
import { differences, type DiffStep } from './differences.js';
import type { GoldenFile, RecordedFile } from './format.js';

export interface InputChange {
  /** The file (or zoo network) that changed. */
  readonly source: string;
  /** A JSON path inside it, or what about it changed. */
  readonly field: string;
  readonly old: string;
  readonly new: string;
  /**
   * Whether the change fails a check. A new npusim version or a reformatted file does not by
   * itself: only a change in what was run (content) or in what came out does.
   */
  readonly blocking: boolean;
}

const ABSENT = '(absent)';

function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

function jsonText(value: unknown): string {
  return value === undefined ? ABSENT : JSON.stringify(value);
}

function stepKey(step: DiffStep): PropertyKey {
  return typeof step === 'object' ? step.named : step;
}

function fileChanges(old: RecordedFile | undefined, current: RecordedFile | undefined, what: string): InputChange[] {
  if (old === undefined && current === undefined) return [];
  if (old === undefined || current === undefined || old.file !== current.file) {
    return [{ source: what, field: 'file', old: old?.file ?? ABSENT, new: current?.file ?? ABSENT, blocking: true }];
  }
  if (old.sha256 === current.sha256) return [];
  const fields = differences(old.content, current.content, { matchNamedRecords: false, realRelativeTolerance: 0 });
  if (fields.length === 0)
    return [
      {
        source: old.file,
        field: 'sha256 (formatting only, same content)',
        old: shortHash(old.sha256),
        new: shortHash(current.sha256),
        blocking: false,
      },
    ];
  return fields.map((change) => ({
    source: old.file,
    field: formatJsonPath(change.path.map(stepKey)),
    old: jsonText(change.old),
    new: jsonText(change.new),
    blocking: true,
  }));
}

export function inputChanges(golden: GoldenFile, fresh: GoldenFile): InputChange[] {
  const changes: InputChange[] = [];
  const oldGraph = golden.run.graph;
  const newGraph = fresh.run.graph;
  if (oldGraph.sha256 !== newGraph.sha256) {
    const source = 'zoo' in oldGraph ? `zoo:${oldGraph.zoo}` : oldGraph.file;
    changes.push({
      source,
      field: 'graph content sha256 (ops, tensors, constant data)',
      old: shortHash(oldGraph.sha256),
      new: shortHash(newGraph.sha256),
      blocking: true,
    });
  }
  changes.push(...fileChanges(golden.run.hardware, fresh.run.hardware, 'hardware config'));
  changes.push(...fileChanges(golden.run.energyTable, fresh.run.energyTable, 'energy table'));
  if (golden.npusimVersion !== fresh.npusimVersion)
    changes.push({ source: 'npusim', field: 'version', old: golden.npusimVersion, new: fresh.npusimVersion, blocking: false });
  return changes;
}
