/** Re-running a golden: its recorded spec, resolved against its root, recorded afresh. */
import { InputError } from '../errors.js';
import type { Graph } from '../graph/model.js';
import type { GoldenFile } from './format.js';
import { resolveRecorded, rootOf } from './paths.js';
import { type GraphLoader, recordGolden } from './record.js';

/** A graph loader that builds each zoo network or reads each graph file once per process. */
export function cachingLoader(load: GraphLoader): GraphLoader {
  const graphs = new Map<string, Graph>();
  return (argument) => {
    let graph = graphs.get(argument);
    if (graph === undefined) {
      graph = load(argument);
      graphs.set(argument, graph);
    }
    return graph;
  };
}

export interface RerunOptions {
  /** The memory limit of the run (default 4 GiB). */
  readonly maxMemoryBytes?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export function rerunGolden(goldenFile: string, golden: GoldenFile, loadGraph: GraphLoader, options: RerunOptions = {}): GoldenFile {
  const { maxMemoryBytes, onProgress } = options;
  const root = rootOf(goldenFile, golden.root);
  const { graph, hardware, input } = golden.run;
  const spec = {
    graph: 'zoo' in graph ? `zoo:${graph.zoo}` : resolveRecorded(root, graph.file),
    hardwareFile: resolveRecorded(root, hardware.file),
    seed: input.seed,
    root,
    ...(maxMemoryBytes === undefined ? {} : { maxMemoryBytes }),
  };
  try {
    return recordGolden(spec, goldenFile, loadGraph, onProgress);
  } catch (error) {
    // Name the golden too: the file that failed (a config, a graph) is one it points at.
    if (error instanceof InputError) throw new InputError(`${error.describe()} (running golden ${goldenFile})`);
    throw error;
  }
}
