/**
 * `npusim import onnx MODEL.onnx --out G.json [--force]`: an ONNX model (QOperator or QDQ) as an
 * npusim graph, its weights in G.bin beside it. Both outputs are checked before the model is read,
 * and the graph is read back as `npusim validate` reads it before anything is written.
 */
import { basename } from 'node:path';
import { InputError } from '../../errors.js';
import { resolveGraph } from '../../formats/loadGraph.js';
import { formatBytes, READ_LIMITS } from '../../formats/readFile.js';
import { opMacs } from '../../graph/model.js';
import { importOnnxFile } from '../../importers/onnx/index.js';
import { type CliIO, EXIT_OK } from '../io.js';
import { OutputPlan, writeAll } from '../outputs.js';

export interface ImportOnnxOptions {
  readonly model: string;
  readonly out: string;
  readonly force: boolean;
}

export function runImportOnnxCommand(options: ImportOnnxOptions, io: CliIO): number {
  const plan = new OutputPlan(options.force).addInputs([options.model], 'the model');
  if (!options.out.endsWith('.json')) throw new InputError('--out must name a .json file', options.out);
  plan.file(options.out, '--out');
  const sidecarFile = `${options.out.slice(0, -'.json'.length)}.bin`;
  plan.file(sidecarFile, 'the sidecar of --out');
  const imported = importOnnxFile(options.model, basename(sidecarFile));
  let text: string;
  try {
    text = `${JSON.stringify(imported.file, null, 1)}\n`;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new InputError(
      `cannot import: the graph would pass the ${formatBytes(READ_LIMITS.json)} npusim reads back (nothing was written)`,
      options.model,
    );
  }
  if (text.length > READ_LIMITS.json)
    throw new InputError(
      `cannot import: the graph would pass the ${formatBytes(READ_LIMITS.json)} npusim reads back (nothing was written)`,
      options.model,
    );
  // What is written must load again: the file as JSON text, with its sidecar.
  resolveGraph(JSON.parse(text) as typeof imported.file, options.out, { sidecars: new Map([[basename(sidecarFile), imported.sidecar]]) });
  writeAll(plan, [
    [sidecarFile, imported.sidecar],
    [options.out, text],
  ]);
  const { graph } = imported;
  const macs = graph.ops.reduce((total, op) => total + opMacs(op, graph.tensors), 0);
  io.stdout(
    `${graph.name}: ${imported.form} model, ${graph.ops.length} ops, ${macs} MACs (run it under requant mode ort-float to reproduce onnxruntime); wrote ${options.out} and ${sidecarFile}\n`,
  );
  return EXIT_OK;
}
