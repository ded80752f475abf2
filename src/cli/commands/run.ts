/**
 * `npusim run GRAPH --hw CONFIG`: one simulation, reported as a table or JSON. GRAPH is a graph
 * file, or `zoo:NAME` for a zoo network built in memory with the default options.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../engine/simulate.js';
import { InputError } from '../../errors.js';
import { checkGraphOnHardware } from '../../formats/compatibility.js';
import { loadHardwareFile } from '../../formats/loadHardware.js';
import type { Graph } from '../../graph/model.js';
import { csvReport, markdownReport } from '../../report/csv.js';
import { jsonReport } from '../../report/json.js';
import { tableReport } from '../../report/table.js';
import { chromeTraceJson, DEFAULT_MAX_TILE_EVENTS, type TraceDetail } from '../../report/trace.js';
import { decodeNpy, encodeNpy, npyDtype } from '../../formats/npy.js';
import { typeRange } from '../../graph/model.js';
import { loadGraphArgument } from '../graphArgument.js';
import { type CliIO, EXIT_OK, paint } from '../io.js';

export const REPORT_FORMATS = ['table', 'json', 'csv', 'md'] as const;

export interface RunOptions {
  readonly graph: string;
  readonly hardware: string;
  readonly format: (typeof REPORT_FORMATS)[number];
  readonly out: string | undefined;
  /** A seed for random inputs, or a .npy file with the first graph input's values. */
  readonly input: string | undefined;
  readonly dump: string | undefined;
  /** Chrome trace event JSON of the timeline (opens in Perfetto). */
  readonly trace?: string | undefined;
  readonly traceDetail?: TraceDetail;
  readonly traceMaxEvents?: number;
  readonly force: boolean;
}

/** The graph inputs from --input: a seed (a whole number) or a .npy file for the first input. */
function inputsFrom(option: string | undefined, graph: Graph): { seed: number; inputs?: Map<string, Int32Array> } {
  if (option === undefined) return { seed: 1 };
  if (/^\d+$/.test(option)) return { seed: Number(option) };
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(option));
  } catch {
    throw new InputError('cannot be read; --input takes a .npy file or a whole-number seed', option);
  }
  const { shape, values } = decodeNpy(bytes, option);
  const name = graph.inputs[0] ?? '';
  const tensor = graph.tensors.get(name);
  if (tensor === undefined) throw new InputError('the graph has no input', graph.file);
  const expected = tensor.shape.reduce((a, b) => a * b, 1);
  if (values.length !== expected) {
    throw new InputError(`holds ${values.length} values (shape ${shape.join('x')}), the graph input "${name}" needs ${expected} (${tensor.shape.join('x')})`, option);
  }
  const { min, max } = typeRange(tensor.type);
  const outside = values.findIndex((value) => value < min || value > max);
  if (outside >= 0) throw new InputError(`value ${values[outside]} at index ${outside} is outside the input's ${tensor.type.name} range ${min}..${max}`, option);
  return { seed: 1, inputs: new Map([[name, values]]) };
}

/** Writes every layer's output as <layer>.npy in DIR, never over an existing file without --force. */
function dumpLayers(directory: string, graph: Graph, tensors: ReadonlyMap<string, Int32Array>, layers: readonly { name: string; outputTensor: string }[], force: boolean): void {
  mkdirSync(directory, { recursive: true });
  for (const layer of layers) {
    const file = join(directory, `${layer.name.replace(/[^A-Za-z0-9._-]/g, '_')}.npy`);
    if (existsSync(file) && !force) throw new InputError('already exists; npusim never overwrites a file unless you pass --force', file);
    const tensor = graph.tensors.get(layer.outputTensor);
    const values = tensors.get(layer.outputTensor);
    if (tensor === undefined || values === undefined) continue;
    writeFileSync(file, encodeNpy(values, tensor.shape, npyDtype(tensor.type.bits, tensor.type.signed)));
  }
}

export function runRunCommand(options: RunOptions, io: CliIO): number {
  const hardware = loadHardwareFile(options.hardware);
  const graph = loadGraphArgument(options.graph);
  checkGraphOnHardware(graph, hardware.config, hardware.file);
  for (const file of [options.out, options.trace]) {
    if (file !== undefined && existsSync(file) && !options.force) throw new InputError('already exists; npusim never overwrites a file unless you pass --force', file);
  }
  const result = simulate(graph, hardware, inputsFrom(options.input, graph));
  if (options.dump !== undefined) dumpLayers(options.dump, graph, result.tensors, result.layers, options.force);
  if (options.trace !== undefined) {
    writeFileSync(options.trace, chromeTraceJson(result, { detail: options.traceDetail ?? 'tile', maxTileEvents: options.traceMaxEvents ?? DEFAULT_MAX_TILE_EVENTS }));
    io.stderr(`wrote ${options.trace} (open it in https://ui.perfetto.dev)\n`);
  }
  const overflow = hardware.config.accumulator.overflow;
  const text =
    options.format === 'json'
      ? jsonReport(result, overflow)
      : options.format === 'csv'
        ? csvReport(result, overflow)
        : options.format === 'md'
          ? markdownReport(result, overflow)
          : tableReport(result, overflow, paint(options.out === undefined ? io : { ...io, colour: false }));
  if (options.out === undefined) io.stdout(text);
  else {
    writeFileSync(options.out, text);
    io.stdout(`wrote ${options.out}\n`);
  }
  return EXIT_OK;
}
