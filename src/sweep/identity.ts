/**
 * A sweep's identity, written on every row: a hash of everything that decides its results (npusim's
 * version, the graph, the base config as read, the parameters and their values, --zip, timing-only)
 * and the number of points. --resume and merge refuse rows of another sweep by it, and merge knows
 * from it how many points make the whole. The shard is not part of it: shards of one sweep share it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { npusimVersion } from '../formats/version.js';
import type { SweepSpec } from './pointConfig.js';

/** The graph file's bytes for a file (its sidecar is not read); the name for a zoo network. */
function graphContent(graph: string): string {
  if (graph.startsWith('zoo:')) return graph;
  try {
    return createHash('sha256').update(readFileSync(graph)).digest('hex');
  } catch {
    return graph;
  }
}

export function sweepId(spec: SweepSpec, points: number): string {
  const identity = JSON.stringify({
    npusim: npusimVersion(),
    graph: graphContent(spec.graph),
    hardware: spec.baseHardware,
    parameters: spec.parameters.map((parameter) => ({ path: parameter.path, values: parameter.values.map((value) => value.text) })),
    zip: spec.zip,
    timingOnly: spec.timingOnly,
  });
  return `${createHash('sha256').update(identity).digest('hex').slice(0, 12)}/${points}`;
}
