/**
 * `npusim import tflite MODEL.tflite --out G.json`: a TFLite model as an npusim graph, its weights and
 * biases in G.bin beside it. The graph is checked as `npusim validate` checks a graph file before
 * anything is written, and every output is planned before the model is read.
 */
import { basename } from 'node:path';
import { InputError } from '../../errors.js';
import { resolveGraph } from '../../formats/loadGraph.js';
import { importTfliteFile } from '../../importers/tflite/index.js';
import { type CliIO, EXIT_OK } from '../io.js';
import { OutputPlan, writeAll } from '../outputs.js';

export interface ImportTfliteOptions {
  readonly model: string;
  readonly out: string;
  readonly force: boolean;
}

export function runImportTfliteCommand(options: ImportTfliteOptions, io: CliIO): number {
  const plan = new OutputPlan(options.force).addInputs([options.model]);
  if (!options.out.endsWith('.json')) throw new InputError('--out must name a .json file', options.out);
  plan.file(options.out, '--out');
  const sidecarFile = `${options.out.slice(0, -'.json'.length)}.bin`;
  plan.file(sidecarFile, 'the sidecar of --out');
  const imported = importTfliteFile(options.model, basename(sidecarFile));
  const graphText = `${JSON.stringify(imported.graph, null, 1)}\n`;
  // What is written must load back: resolve it as the written file, with the sidecar in memory.
  const graph = resolveGraph(imported.graph, options.out, { sidecars: new Map([[basename(sidecarFile), imported.sidecar]]) });
  writeAll(plan, [
    [sidecarFile, imported.sidecar],
    [options.out, graphText],
  ]);
  io.stdout(`${graph.name}: ${graph.ops.length} ops, ${graph.tensors.size} tensors; wrote ${options.out} and ${sidecarFile}\n`);
  return EXIT_OK;
}
