/**
 * `npusim evaluate G.json --hw CONFIG --data DATASET`: every image runs exactly on the simulated
 * NPU and through the graph's float model; reports accuracy, agreement, per-layer SQNR (cumulative
 * and alone), value ranges against the format, overflow, weight bytes, cycles and energy.
 */
import { InputError } from '../../errors.js';
import { loadHardwareFile } from '../../formats/loadHardware.js';
import { type Evaluation, evaluateInParallel, floatModelOf, loadFloatModel, loadLabData, summarizeEvaluation } from '../../lab/index.js';
import { loadGraphArgument } from '../../pipeline/index.js';
import { defineCommand } from '../command.js';
import { type CliIO, EXIT_OK, paint } from '../io.js';
import { GRAPH_DESCRIPTION, htmlOption, jobsWithinCores, noteCappedJobs, required, stringOption } from '../options.js';
import { type EvaluationFile, evaluationFile } from '../../lab/files.js';
import { evaluationPage, renderPage } from '../../html/index.js';
import { EVALUATION_OPTIONS, type LabFormat } from '../labOptions.js';
import { OutputPlan, writeAll } from '../outputs.js';
import { progressBar } from '../progress.js';
import { UsageError } from '../usage.js';

export const DEFAULT_SQNR_THRESHOLD_DB = 20;

export interface EvaluateCommandOptions {
  readonly graph: string;
  readonly hardware: string;
  readonly data: string;
  readonly float: string | undefined;
  readonly limit: number | undefined;
  readonly aloneImages: number;
  readonly sqnrThresholdDb: number;
  readonly format: LabFormat;
  readonly out: string | undefined;
  /** Also draw the evaluation as an HTML page here. */
  readonly html?: string | undefined;
  readonly force: boolean;
  /** Worker threads (the figures do not depend on it). */
  readonly jobs: number;
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

function db(value: number | null): string {
  return value === null ? 'exact' : value === Number.NEGATIVE_INFINITY ? '-inf' : value.toFixed(2);
}

export function evaluationTable(evaluation: Evaluation, io: CliIO): string {
  const colour = paint(io);
  const lines = [
    `${colour.bold(evaluation.graph)} on ${evaluation.hardware}, ${evaluation.images} images of ${evaluation.data} (float model ${evaluation.floatModel})`,
    `top-1 ${percent(evaluation.accuracy)} (float ${percent(evaluation.floatAccuracy)}, drop ${evaluation.accuracyDropPoints.toFixed(2)} points), agreement with float ${percent(evaluation.agreement)}${evaluation.top5 === undefined ? '' : `; top-5 ${percent(evaluation.top5.accuracy)} (float ${percent(evaluation.top5.floatAccuracy)})`}`,
    `weights ${evaluation.weightBytes} bytes (${evaluation.compression}x smaller than float32); ${evaluation.cycles} cycles, ${(evaluation.energyPj / 1e6).toFixed(3)} uJ, ${evaluation.latencyMs.toFixed(3)} ms per image`,
    `SQNR mean ${db(evaluation.meanSqnrDb)} dB, worst ${db(evaluation.worstSqnrDb)} dB; first layer below ${evaluation.sqnrThresholdDb} dB: ${evaluation.firstLayerBelowThreshold ?? 'none'}; layers alone on ${evaluation.aloneImages} images`,
  ];
  const width = Math.max(5, ...evaluation.layers.map((layer) => layer.name.length));
  lines.push(
    `${'layer'.padEnd(width)}  ${'op'.padEnd(16)} ${'type'.padEnd(4)} ${'SQNR dB'.padStart(8)} ${'alone'.padStart(8)} ${'clipped'.padStart(8)} ${'unused bits'.padStart(11)} ${'acc bits'.padStart(8)} overflow`,
  );
  for (const layer of evaluation.layers) {
    const low = layer.sqnrDb !== null && layer.sqnrDb < evaluation.sqnrThresholdDb;
    const overflow = layer.accumulatorTransient + layer.accumulatorFinal + layer.outputClipped;
    lines.push(
      `${layer.name.padEnd(width)}  ${layer.op.padEnd(16)} ${layer.type.padEnd(4)} ${(low ? colour.yellow : (text: string) => text)(db(layer.sqnrDb).padStart(8))} ${db(layer.sqnrDbAlone).padStart(8)} ${percent(layer.clippedFraction).padStart(8)} ${String(layer.unusedBits).padStart(11)} ${(layer.op === 'conv2d' || layer.op === 'depthwise_conv2d' || layer.op === 'fully_connected' ? String(layer.partialBits) : '').padStart(8)} ${overflow === 0 ? '' : `${layer.accumulatorTransient}/${layer.accumulatorFinal}/${layer.outputClipped}`}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function evaluationCsv(evaluation: Evaluation): string {
  const header = [
    'layer',
    'op',
    'tensor',
    'type',
    'sqnrDb',
    'sqnrDbAlone',
    'formatLow',
    'formatHigh',
    'floatLow',
    'floatHigh',
    'clippedFraction',
    'usedBits',
    'unusedBits',
    'accumulatorTransient',
    'accumulatorFinal',
    'outputClipped',
    'partialBits',
  ];
  const rows = evaluation.layers.map((layer) =>
    [
      layer.name,
      layer.op,
      layer.tensor,
      layer.type,
      layer.sqnrDb ?? '',
      layer.sqnrDbAlone ?? '',
      ...layer.formatRange,
      ...layer.floatRange,
      layer.clippedFraction,
      layer.usedBits,
      layer.unusedBits,
      layer.accumulatorTransient,
      layer.accumulatorFinal,
      layer.outputClipped,
      layer.partialBits,
    ]
      .map((cell) => (typeof cell === 'string' && /[",\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : String(cell)))
      .join(','),
  );
  return `${[header.join(','), ...rows].join('\n')}\n`;
}

export async function runEvaluateCommand(options: EvaluateCommandOptions, io: CliIO): Promise<number> {
  const plan = new OutputPlan(options.force).addInputs([options.graph, options.hardware], 'an input of this evaluation');
  const out = options.out === undefined ? undefined : plan.file(options.out, '--out');
  const html = plan.optionalFile(options.html, '--html');
  const hardware = loadHardwareFile(options.hardware);
  const graph = loadGraphArgument(options.graph);
  const reference = options.float ?? (graph.quantizedFrom === undefined ? undefined : floatModelOf(graph.quantizedFrom.model, graph.file));
  if (reference === undefined)
    throw new InputError('names no float model (it was not written by npusim quantize): give one with --float MODEL', options.graph);
  const float = loadFloatModel(reference);
  const data = loadLabData(options.data, float, 'test');
  const end = Math.min(options.limit ?? data.count, data.count);
  const workers = jobsWithinCores(options.jobs);
  noteCappedJobs(io, options.jobs, workers);
  const bar = progressBar(io, 'evaluate', 'images');
  const tally = await evaluateInParallel(
    {
      graph: options.graph,
      hardware: options.hardware,
      float: reference,
      data: options.data,
      end,
      aloneImages: Math.min(options.aloneImages, end),
    },
    { graph, hardware, float, data },
    workers.jobs,
    (done) => bar.update(done, end),
  );
  bar.stop();
  const evaluation = summarizeEvaluation(tally, graph, float, {
    graph: options.graph,
    floatModel: reference,
    hardware: options.hardware,
    data: data.name,
    classes: data.classes,
    sqnrThresholdDb: options.sqnrThresholdDb,
  });
  const file = evaluationFile(evaluation, hardware.energy.name);
  const text =
    options.format === 'json'
      ? `${JSON.stringify(file, null, 2)}\n`
      : options.format === 'csv'
        ? evaluationCsv(evaluation)
        : evaluationTable(evaluation, out === undefined ? io : { ...io, colour: false });
  const files: [string, string][] = [];
  if (out !== undefined) files.push([out, text]);
  // The page is drawn from the file as JSON holds it, so `npusim report` on the JSON draws the same bytes.
  if (html !== undefined) files.push([html, await renderPage(evaluationPage(JSON.parse(JSON.stringify(file)) as EvaluationFile))]);
  writeAll(plan, files);
  if (out === undefined) io.stdout(text);
  else io.stdout(`wrote ${out}\n`);
  if (html !== undefined) io.stdout(`wrote ${html}\n`);
  return EXIT_OK;
}

export const evaluateCommand = defineCommand({
  command: 'evaluate <graph>',
  describe:
    'run a quantized graph exactly over a data set: accuracy, agreement with its float model, per-layer SQNR, ranges, overflow, cost',
  builder: (parser) =>
    parser
      .positional('graph', { type: 'string', demandOption: true, describe: GRAPH_DESCRIPTION })
      .options(EVALUATION_OPTIONS)
      .option('html', htmlOption)
      .option('float', stringOption('float', 'the float model to compare with (default: the one the graph was quantized from)'))
      .option('sqnr-threshold', {
        type: 'number',
        default: DEFAULT_SQNR_THRESHOLD_DB,
        describe: 'SQNR (dB) below which a layer is flagged',
      }),
  run: (args, io) => {
    if (!Number.isFinite(args.sqnrThreshold)) throw new UsageError('--sqnr-threshold takes a number of dB');
    return runEvaluateCommand(
      {
        graph: required(args.graph, 'GRAPH'),
        hardware: args.hw,
        data: args.data,
        float: args.float,
        limit: args.limit,
        aloneImages: args.sqnrImages,
        sqnrThresholdDb: args.sqnrThreshold,
        format: args.format,
        out: args.out,
        html: args.html,
        force: args.force,
        jobs: args.jobs,
      },
      io,
    );
  },
});
