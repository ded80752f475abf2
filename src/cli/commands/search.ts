/**
 * `npusim search FLOAT_MODEL --data DATASET --hw CONFIG --max-drop 1.0`: mixed precision per layer
 * (lab/search.ts), then the chosen bits written as a --bits-per-layer file and the graph quantized
 * with them.
 */
import { basename } from 'node:path';
import { InputError } from '../../errors.js';
import { isLabBits, type LabBits, quantizeModel, type SearchStep, searchBits } from '../../lab/index.js';
import { defineCommand } from '../command.js';
import { type CliIO, EXIT_OK, paint } from '../io.js';
import { required, stringOption } from '../options.js';
import { OutputPlan, writeAll } from '../outputs.js';
import { UsageError } from '../usage.js';
import { SCHEME_OPTIONS, type SchemeArguments, schemeFromArguments } from './quantize.js';
import { LAB_RUN_OPTIONS, studyRequest } from './study.js';
import { studyFileRow } from '../../lab/files.js';

function budget(raw: unknown, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new UsageError(`${flag} takes a number >= 0, got "${String(raw)}"`);
  return value;
}

function stepLine(step: SearchStep, io: CliIO): string {
  const f = step.row.figures;
  return `${paint(io).bold(step.layer)} ${step.knob} -> ${step.bits} bits: top-1 ${((f?.accuracy ?? 0) * 100).toFixed(2)}% (drop ${f?.accuracyDropPoints.toFixed(2)}), ${f?.weightBytes} weight bytes, ${f?.cycles} cycles\n`;
}

export const searchCommand = defineCommand({
  command: 'search <model>',
  describe: 'mixed precision per layer: lower weights and outputs layer by layer while the accuracy drop stays within --max-drop',
  builder: (parser) =>
    parser
      .positional('model', { type: 'string', demandOption: true, describe: 'float model (as npusim quantize takes it)' })
      .options(LAB_RUN_OPTIONS)
      .option('max-drop', { type: 'number', default: 1, describe: 'largest accuracy drop from float, in percentage points' })
      .option('max-cycles', { type: 'number', describe: 'largest cycles per image' })
      .option('max-energy', { type: 'number', describe: 'largest energy per image, pJ' })
      .option('ladder', stringOption('ladder', 'widths each layer steps down through, highest first (default 8,4)'))
      .option('bits-out', stringOption('bits-out', 'write the chosen bits as a --bits-per-layer file'))
      .option(
        'graph-out',
        stringOption('graph-out', 'write the graph quantized with the chosen bits (.json, weights in the .bin beside it)'),
      )
      .options(SCHEME_OPTIONS),
  run: async (args, io) => {
    const plan = new OutputPlan(args.force).addInputs([args.model, args.hw], 'an input of this search');
    const out = args.out === undefined ? undefined : plan.file(args.out, '--out');
    const bitsOut = args.bitsOut === undefined ? undefined : plan.file(args.bitsOut, '--bits-out');
    if (args.graphOut !== undefined && !args.graphOut.endsWith('.json'))
      throw new InputError('--graph-out must name a .json file', args.graphOut);
    const graphOut = args.graphOut === undefined ? undefined : plan.file(args.graphOut, '--graph-out');
    const sidecar =
      args.graphOut === undefined ? undefined : plan.file(`${args.graphOut.slice(0, -'.json'.length)}.bin`, 'the sidecar of --graph-out');
    const ladder = (args.ladder ?? '8,4').split(',').map((value) => Number(value));
    if (!ladder.every(isLabBits) || ladder.some((bits, index) => index > 0 && bits >= (ladder[index - 1] ?? 0)))
      throw new UsageError(`--ladder takes decreasing widths from 2 to 16 bits (e.g. 8,6,4), got "${args.ladder}"`);
    const maxDropPoints = budget(args.maxDrop, '--max-drop') ?? 1;
    const base = schemeFromArguments(args as SchemeArguments);
    const request = studyRequest({ ...args, model: required(args.model, 'MODEL') }, io);
    const result = await searchBits(
      request,
      base,
      ladder as LabBits[],
      { maxDropPoints, maxCycles: budget(args.maxCycles, '--max-cycles'), maxEnergyPj: budget(args.maxEnergy, '--max-energy') },
      (step) => {
        if (args.format === 'table' && out === undefined) io.stdout(stepLine(step, io));
      },
    );
    if (result.start.figures === undefined) throw new InputError(`the starting point cannot run: ${result.start.error ?? ''}`, args.model);
    const bits = Object.fromEntries(result.bitsPerLayer);
    const startBytes = result.start.figures.weightBytes;
    const best = result.best.figures ?? result.start.figures;
    const files: [string, string | Uint8Array][] = [];
    if (bitsOut !== undefined) files.push([bitsOut, `${JSON.stringify(bits, null, 2)}\n`]);
    if (graphOut !== undefined && sidecar !== undefined) {
      const quantized = quantizeModel({
        float: request.float,
        scheme: { ...base, bitsPerLayer: result.bitsPerLayer },
        calibration: request.calibration,
        modelReference: args.model,
        sidecarFile: basename(sidecar),
      });
      files.push([sidecar, quantized.sidecar], [graphOut, `${JSON.stringify(quantized.file, null, 1)}\n`]);
    }
    const summary = {
      floatModel: args.model,
      data: request.data.name,
      hardware: args.hw,
      images: request.images,
      maxDropPoints,
      evaluated: result.evaluated,
      bitsPerLayer: bits,
      floatAccuracy: best.floatAccuracy,
      accuracy: best.accuracy,
      agreement: best.agreement,
      weightBytes: best.weightBytes,
      memoryReductionVsStart: Number((startBytes / best.weightBytes).toFixed(3)),
      compression: best.compression,
      cycles: best.cycles,
      energyPj: best.energyPj,
      layers: best.layers,
      start: studyFileRow(result.start),
      steps: result.steps.map((step) => ({ layer: step.layer, knob: step.knob, bits: step.bits, ...studyFileRow(step.row) })),
    };
    const text =
      args.format === 'json'
        ? `${JSON.stringify(summary, null, 2)}\n`
        : `${Object.entries(bits)
            .map(([layer, entry]) => `${layer}: weights ${entry.weights}, output ${entry.activations}`)
            .join(
              '\n',
            )}\ntop-1 ${(best.accuracy * 100).toFixed(2)}% (float ${(best.floatAccuracy * 100).toFixed(2)}%), weights ${best.weightBytes} bytes (${summary.memoryReductionVsStart}x fewer than the start, ${best.compression}x fewer than float32), ${best.cycles} cycles, ${(best.energyPj / 1e6).toFixed(3)} uJ; ${result.evaluated} schemes evaluated\n`;
    if (out === undefined) io.stdout(text);
    else files.push([out, text]);
    writeAll(plan, files);
    if (out !== undefined) io.stdout(`wrote ${out}\n`);
    return EXIT_OK;
  },
});
