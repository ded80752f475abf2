/**
 * `npusim run GRAPH --hw CONFIG`: one simulation, reported as a table, JSON, CSV or Markdown. GRAPH
 * is a graph file, or `zoo:NAME` for a zoo network built in memory with the default options. Every
 * output (--out, --trace, --dump) is planned and checked before the graph is even loaded.
 */
import { basename } from 'node:path';
import { isLabelSetName, LABEL_SET_NAMES, loadLabels } from '../../datasets/labels.js';
import { checkRunMemory } from '../../engine/memory.js';
import { InputError } from '../../errors.js';
import { DEFAULT_MAX_MEMORY_BYTES } from '../../formats/bounds.js';
import { loadHardwareFile } from '../../formats/loadHardware.js';
import { decodeNpy, encodeNpy, MAX_NPY_HEADER_BYTES, npyDtype, npyDtypeName } from '../../formats/npy.js';
import { readUpTo } from '../../formats/readFile.js';
import type { Graph, SourceTensor } from '../../graph/model.js';
import { nativeSourceTensor, typeRange } from '../../graph/model.js';
import { csvReport, markdownReport } from '../../report/csv.js';
import { jsonReport, reportRecord } from '../../report/json.js';
import { tableReport } from '../../report/table.js';
import { topClasses, topClassesText } from '../../report/top.js';
import { chromeTraceJson, DEFAULT_MAX_TILE_EVENTS, TRACE_DETAILS, type TraceDetail } from '../../report/trace.js';
import { defineCommand } from '../command.js';
import { executeRun, graphArgumentFiles, loadGraphArgument, prepareRun, warmKernelThreads } from '../../pipeline/index.js';
import { sourceNpyInput } from '../../pipeline/sourceInput.js';
import { toSourceOrder } from '../../pipeline/sourceView.js';
import { type CliIO, EXIT_OK, paint } from '../io.js';
import {
  forceOption,
  GRAPH_DESCRIPTION,
  hardwareOption,
  MAX_SEED,
  maxMemoryOf,
  maxMemoryOption,
  optionalWholeNumberOption,
  required,
  stringOption,
  wholeNumberOption,
} from '../options.js';
import { OutputPlan, writeAll } from '../outputs.js';
import { progressBar } from '../progress.js';
import { zooLabelSet } from '../../zoo/realModels.js';

/** The HTML page, its module (and the chart library it inlines) loaded only when asked for. */
async function htmlReport(result: Parameters<typeof reportRecord>[0]): Promise<string> {
  const { renderPage, runPage } = await import('../../html/index.js');
  return renderPage(runPage(reportRecord(result)));
}

export const REPORT_FORMATS = ['table', 'json', 'csv', 'md', 'html'] as const;

/** Tile slices a trace may hold: beyond this a trace no longer opens in Perfetto in reasonable time. */
export const MAX_TRACE_TILE_EVENTS = 10_000_000;

export interface RunOptions {
  readonly graph: string;
  readonly hardware: string;
  readonly format: (typeof REPORT_FORMATS)[number];
  readonly out: string | undefined;
  /** A seed for random inputs, or .npy files with the graph inputs' values, one per input in order. */
  readonly input: string | readonly string[] | undefined;
  readonly dump: string | undefined;
  /** Chrome trace event JSON of the timeline (opens in Perfetto). */
  readonly trace?: string | undefined;
  readonly traceDetail?: TraceDetail;
  readonly traceMaxEvents?: number;
  readonly force: boolean;
  /** The memory limit (--max-memory, NPUSIM_MAX_MEMORY); the default when left out. */
  readonly maxMemoryBytes?: number;
  /** Print the K largest values of each graph output after the report. */
  readonly top?: number | undefined;
  /** Class names for --top: a built-in set or a JSON file; a zoo model's own by default. */
  readonly labels?: string | undefined;
}

/** The --input option: a seed (a whole number 0..2^32-1) or a .npy file. */
export type InputChoice = { readonly seed: number } | { readonly npyFile: string };

/** --input given once or once per graph input: a seed, or .npy files. */
export type InputChoices = { readonly seed: number } | { readonly npyFiles: readonly string[] };

export function parseInputOptions(option: string | readonly string[] | undefined): InputChoices {
  const given = option === undefined ? [] : typeof option === 'string' ? [option] : option;
  if (given.length <= 1) {
    const choice = parseInputOption(given[0]);
    return 'seed' in choice ? choice : { npyFiles: [choice.npyFile] };
  }
  const seed = given.find((value) => /^\d+$/.test(value));
  if (seed !== undefined)
    throw new InputError(`--input: give one seed, or one .npy file per graph input (got ${given.length} values with the seed ${seed})`);
  return { npyFiles: given };
}

export function parseInputOption(option: string | undefined): InputChoice {
  if (option === undefined) return { seed: 1 };
  if (/^\d+$/.test(option)) {
    const seed = Number(option);
    if (!Number.isSafeInteger(seed) || seed > MAX_SEED)
      throw new InputError(`--input: a seed is a whole number from 0 to ${MAX_SEED}, got ${option}`);
    return { seed };
  }
  return { npyFile: option };
}

/** Each graph input's values from its .npy file, in the graph's input order. */
function npyInputs(files: readonly string[], graph: Graph): Map<string, Int32Array> {
  if (files.length !== graph.inputs.length) {
    throw new InputError(
      `--input: the graph has ${graph.inputs.length} input${graph.inputs.length === 1 ? '' : 's'} (${graph.inputs.map((name) => `"${name}"`).join(', ')}); give one .npy file for each, in that order (got ${files.length})`,
      graph.file,
    );
  }
  // An imported model takes each input in its own layout and dtype (ONNX: NCHW, or float32 through its QuantizeLinear).
  return new Map(
    files.flatMap((file, index) => {
      const source = graph.source?.inputs.find((candidate) => candidate.tensor === graph.inputs[index]);
      const view = source === undefined ? undefined : graph.source?.tensors.get(source.tensor);
      return [...(source === undefined || view === undefined ? npyInput(file, graph, index) : sourceNpyInput(file, graph, source, view))];
    }),
  );
}

/** One graph input's values from a .npy file of exactly its shape and dtype. */
function npyInput(file: string, graph: Graph, index: number): Map<string, Int32Array> {
  const name = graph.inputs[index] ?? '';
  const tensor = graph.tensors.get(name);
  if (tensor === undefined) throw new InputError('the graph has no input', graph.file);
  const dtype = npyDtype(tensor.type.bits, tensor.type.signed);
  const count = tensor.shape.reduce((a, b) => a * b, 1);
  const expected = `shape (${tensor.shape.join(', ')}) of ${npyDtypeName(dtype)} (${dtype}), as graph input "${name}" (${tensor.type.name}) needs`;
  // Read no more than a .npy of the input's shape can hold, so a device or a huge file fails at once.
  const { bytes, truncated } = readUpTo(file, 12 + MAX_NPY_HEADER_BYTES + count * 4, 'a .npy file');
  if (truncated) throw new InputError(`holds more bytes than a .npy of ${expected}`, file);
  const { shape, dtype: given, values } = decodeNpy(bytes, file);
  const sameShape = shape.length === tensor.shape.length && shape.every((size, axis) => size === tensor.shape[axis]);
  if (!sameShape || given !== dtype) {
    throw new InputError(
      `holds shape (${shape.join(', ')}) of ${npyDtypeName(given)}; expected ${expected} (the input's own layout, as the graph or model declares it)`,
      file,
    );
  }
  const { min, max } = typeRange(tensor.type);
  const outside = values.findIndex((value) => value < min || value > max);
  if (outside >= 0)
    throw new InputError(
      `value ${values[outside]} at index ${outside} is outside the input's ${tensor.type.name} range ${min}..${max}`,
      file,
    );
  return new Map([[name, values]]);
}

/**
 * A layer's dump file name: letters, digits, `.`, `_` and `-` kept, every other byte written as
 * %XX, so distinct layer names always give distinct files (`x/y` is `x%2Fy.npy`, `x_y` is `x_y.npy`).
 */
export function dumpFileName(layer: string): string {
  const encoded = [...new TextEncoder().encode(layer)]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9._-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
  return `${encoded}.npy`;
}

/** One entry of DIR/manifest.json: a dump file and the tensor it holds, in the source model's terms. */
export interface DumpManifestEntry {
  readonly file: string;
  readonly layer: string;
  /** The source model's tensor name (the TFLite or ONNX tensor; the npusim tensor for JSON and zoo graphs). */
  readonly sourceTensor: string;
  /** The source model's shape and layout, which the .npy holds. */
  readonly shape: readonly number[];
  /** numpy's name of the .npy dtype. */
  readonly dtype: string;
  readonly layout: string;
}

interface PlannedDump {
  readonly name: string;
  readonly output: string;
  readonly file: string;
}

/** The tensor a dump holds, in the source model's terms when the graph has one. */
function dumpView(graph: Graph, output: string): SourceTensor | undefined {
  const tensor = graph.tensors.get(output);
  if (tensor === undefined) return undefined;
  return graph.source?.tensors.get(output) ?? nativeSourceTensor(output, tensor.shape);
}

export function dumpManifest(graph: Graph, dumps: readonly PlannedDump[]): DumpManifestEntry[] {
  return dumps.flatMap((dump) => {
    const tensor = graph.tensors.get(dump.output);
    const view = dumpView(graph, dump.output);
    if (tensor === undefined || view === undefined) return [];
    return [
      {
        file: basename(dump.file),
        layer: dump.name,
        sourceTensor: view.name,
        shape: view.shape,
        dtype: npyDtypeName(npyDtype(tensor.type.bits, tensor.type.signed)),
        layout: view.layout,
      },
    ];
  });
}

/** A layer's output as a .npy in the source model's layout. */
function dumpFile(graph: Graph, dump: PlannedDump, values: Int32Array): Uint8Array | undefined {
  const tensor = graph.tensors.get(dump.output);
  const view = dumpView(graph, dump.output);
  if (tensor === undefined || view === undefined) return undefined;
  return encodeNpy(toSourceOrder(values, view), view.shape, npyDtype(tensor.type.bits, tensor.type.signed));
}

/** For --top: each graph output's largest values with their class names, in the source model's layout. */
function topOutputs(graph: Graph, tensors: ReadonlyMap<string, Int32Array>, count: number, labels: readonly string[] | undefined) {
  return graph.outputs.map((output) => {
    // Indices in the source model's layout (an ONNX model's NCHW), as --dump writes them and its runtime counts them.
    const view = dumpView(graph, output);
    const stored = tensors.get(output) ?? new Int32Array(0);
    const values = view === undefined ? stored : toSourceOrder(stored, view);
    const quant = graph.tensors.get(output)?.quant;
    const affine = quant?.kind === 'affine' && quant.scales.length === 1 ? quant : undefined;
    const classes = topClasses(values, count, { scale: affine?.scales[0], zeroPoint: affine?.zeroPoints[0] ?? 0 }, labels);
    return { output: view?.name ?? output, classes, size: values.length };
  });
}

export async function runRunCommand(options: RunOptions, io: CliIO): Promise<number> {
  const input = parseInputOptions(options.input);
  const plan = new OutputPlan(options.force).addInputs([
    ...graphArgumentFiles(options.graph),
    options.hardware,
    ...('npyFiles' in input ? input.npyFiles : []),
  ]);
  const out = plan.optionalFile(options.out, '--out');
  const trace = plan.optionalFile(options.trace, '--trace');
  const dumpFolder = options.dump === undefined ? undefined : plan.folder(options.dump, '--dump');

  if (options.top !== undefined && options.format !== 'table' && options.format !== 'md' && options.format !== 'json')
    throw new InputError(
      `--top goes with the table, Markdown or JSON report, not the ${options.format} one; with --format ${options.format}, read the outputs with --dump`,
    );
  if (options.labels !== undefined && options.top === undefined)
    throw new InputError('--labels names the classes --top prints: give --top K too');
  if (options.labels !== undefined && !isLabelSetName(options.labels)) plan.addInputs([options.labels]);
  const labelSet = options.labels ?? zooLabelSet(options.graph);
  const labels = options.top === undefined || labelSet === undefined ? undefined : loadLabels(labelSet);

  const maxMemoryBytes = options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES;
  warmKernelThreads();
  const hardware = loadHardwareFile(options.hardware);
  const graph = loadGraphArgument(options.graph, { maxMemoryBytes });
  plan.addInputs(graph.sourceFiles, `a file of graph ${graph.name}`).addInputs([hardware.energy.file], 'the energy table of this run');
  const prepared = prepareRun(graph, hardware);
  checkRunMemory(graph, maxMemoryBytes, { dumps: dumpFolder !== undefined, npyInput: 'npyFiles' in input });
  // Every dump file is planned before the run, so a name that exists or collides stops it at once.
  const layers = graph.ops.map((op) => ({ name: op.name, output: op.output }));
  const dumps =
    dumpFolder === undefined
      ? []
      : layers.map((layer) => ({
          ...layer,
          file: plan.fileIn(dumpFolder, dumpFileName(layer.name), `the --dump of layer "${layer.name}"`),
        }));
  const manifestFile = dumpFolder === undefined ? undefined : plan.fileIn(dumpFolder, 'manifest.json', 'the --dump manifest');
  const inputs = 'npyFiles' in input ? npyInputs(input.npyFiles, graph) : undefined;

  const bar = progressBar(io, 'run', 'MACs');
  let result;
  try {
    result = executeRun(prepared, {
      seed: 'seed' in input ? input.seed : 1,
      ...(inputs === undefined ? {} : { inputs }),
      onProgress: (done, total, pass) => bar.update(done, total, pass === 'values' ? '' : pass),
    });
  } finally {
    bar.stop();
  }

  const files: Array<readonly [string, string | Uint8Array]> = [];
  for (const dump of dumps) {
    const values = result.tensors.get(dump.output);
    const bytes = values === undefined ? undefined : dumpFile(graph, dump, values);
    if (bytes !== undefined) files.push([dump.file, bytes]);
  }
  if (manifestFile !== undefined) files.push([manifestFile, `${JSON.stringify(dumpManifest(graph, dumps), null, 1)}\n`]);
  if (trace !== undefined) {
    files.push([
      trace,
      chromeTraceJson(result, { detail: options.traceDetail ?? 'tile', maxTileEvents: options.traceMaxEvents ?? DEFAULT_MAX_TILE_EVENTS }),
    ]);
  }
  const top = options.top === undefined ? undefined : topOutputs(graph, result.tensors, options.top, labels);
  const text =
    options.format === 'json'
      ? jsonReport(
          result,
          top?.map(({ output, classes }) => ({ output, classes })),
        )
      : options.format === 'html'
        ? await htmlReport(result)
        : options.format === 'csv'
          ? csvReport(result)
          : options.format === 'md'
            ? markdownReport(result)
            : tableReport(result, paint(out === undefined ? io : { ...io, colour: false }));
  const report =
    top === undefined || options.format === 'json'
      ? text
      : `${text}\n${top.map((entry) => topClassesText(entry.output, entry.classes, labels?.length, entry.size)).join('\n')}`;
  if (out !== undefined) files.push([out, report]);
  writeAll(plan, files);
  if (trace !== undefined) io.stderr(`wrote ${trace} (open it in https://ui.perfetto.dev)\n`);
  if (dumpFolder !== undefined) io.stderr(`wrote ${dumps.length} layer outputs to ${dumpFolder}\n`);
  if (out === undefined) io.stdout(report);
  else io.stdout(`wrote ${out}\n`);
  return EXIT_OK;
}

export const runCommand = defineCommand({
  command: 'run <graph>',
  describe: 'simulate a graph on a hardware config: exact values, cycles, energy and overflow per layer',
  builder: (parser) =>
    parser
      .positional('graph', { type: 'string', demandOption: true, describe: GRAPH_DESCRIPTION })
      .option('hw', hardwareOption)
      .option('format', { choices: REPORT_FORMATS, default: 'table' as const, describe: 'report format' })
      .option('out', stringOption('out', 'write the report to this file instead of the terminal'))
      .option('input', {
        type: 'string',
        requiresArg: true,
        describe: `the graph input: a .npy file of its shape and type (once per input, in order), or a seed 0..${MAX_SEED} for random values (default 1)`,
        coerce: (raw: unknown): string[] => (Array.isArray(raw) ? raw.map(String) : [String(raw)]),
      })
      .option('dump', stringOption('dump', "write every layer's exact output to this folder as <layer>.npy"))
      .option('trace', stringOption('trace', 'write the timeline as Chrome trace event JSON (opens in ui.perfetto.dev)'))
      .option('trace-detail', {
        choices: TRACE_DETAILS,
        default: 'tile' as const,
        describe: 'slices per layer, or per tile inside each layer',
      })
      .option(
        'trace-max-events',
        wholeNumberOption('trace-max-events', {
          describe: 'cap on tile slices in the trace; beyond it tiles are drawn in runs',
          min: 0,
          max: MAX_TRACE_TILE_EVENTS,
          default: DEFAULT_MAX_TILE_EVENTS,
        }),
      )
      .option(
        'top',
        optionalWholeNumberOption('top', { describe: 'after the report, print the K largest values of each output', min: 1, max: 1000 }),
      )
      .option(
        'labels',
        stringOption('labels', `class names for --top: ${LABEL_SET_NAMES.join(', ')} or a JSON array file (a zoo model's own by default)`),
      )
      .option('max-memory', maxMemoryOption)
      .option('force', forceOption),
  run: (args, io) =>
    runRunCommand(
      {
        graph: required(args.graph, 'GRAPH'),
        hardware: args.hw,
        format: args.format,
        out: args.out,
        input: args.input,
        dump: args.dump,
        trace: args.trace,
        traceDetail: args.traceDetail,
        traceMaxEvents: args.traceMaxEvents,
        force: args.force,
        maxMemoryBytes: maxMemoryOf(args.maxMemory),
        top: args.top,
        labels: args.labels,
      },
      io,
    ),
});
