/**
 * `npusim quantize FLOAT_MODEL --calib DATA --out G.json`: post-training quantization of a float
 * model (or a quantized one dequantized) into an npusim graph under a scheme; the weights go to the
 * .bin beside it. Outputs are checked before any work, and the graph is read back before writing.
 */
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { InputError } from '../../errors.js';
import { resolveGraph } from '../../formats/loadGraph.js';
import { readJsonFile } from '../../formats/readJson.js';
import {
  type CalibrationMethod,
  calibrationInputs,
  DEFAULT_SCHEME,
  isLabBits,
  LAB_BITS,
  type LabBits,
  loadFloatModel,
  loadLabData,
  type QuantizationScheme,
  quantizeModel,
} from '../../lab/index.js';
import { REQUANT_MODES, ROUNDING_MODES } from '../../numeric/index.js';
import { defineCommand } from '../command.js';
import { type CliIO, EXIT_OK, paint } from '../io.js';
import { forceOption, required, requiredStringOption, stringOption } from '../options.js';
import { OutputPlan, writeAll } from '../outputs.js';
import { UsageError } from '../usage.js';
import { calibrationImagesOption } from '../labOptions.js';
import { eitherFlag } from './zoo.js';

/** `minmax`, `percentile:P` (0 < P <= 100) or `mse`. */
export function parseCalibration(raw: string): CalibrationMethod {
  if (raw === 'minmax' || raw === 'mse') return { kind: raw };
  const match = /^percentile:(\d+(?:\.\d+)?)$/.exec(raw);
  const percentile = match === null ? Number.NaN : Number(match[1]);
  if (!(percentile > 50 && percentile <= 100))
    throw new UsageError(`--calibration takes minmax, mse or percentile:P with 50 < P <= 100 (e.g. percentile:99.99), got "${raw}"`);
  return { kind: 'percentile', percentile };
}

/** --bits-per-layer FILE: {"layer": {"weights": 4, "activations": 8}, ...} keyed by op name. */
export function readBitsPerLayer(file: string): Map<string, { weights?: LabBits; activations?: LabBits }> {
  const data = readJsonFile(file, 'bits per layer (JSON: {"layer": {"weights": 4, "activations": 8}})');
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new InputError('expected an object mapping op names to {"weights": bits, "activations": bits}', file);
  const bits = new Map<string, { weights?: LabBits; activations?: LabBits }>();
  for (const [layer, entry] of Object.entries(data as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw new InputError('expected {"weights": bits, "activations": bits}', file, `$["${layer}"]`);
    const chosen: { weights?: LabBits; activations?: LabBits } = {};
    for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
      if (key !== 'weights' && key !== 'activations')
        throw new InputError(`unknown key "${key}"; expected "weights" or "activations"`, file, `$["${layer}"].${key}`);
      if (!isLabBits(value))
        throw new InputError(
          `expected a width in bits, a whole number from 2 to 16, got ${JSON.stringify(value)}`,
          file,
          `$["${layer}"].${key}`,
        );
      chosen[key] = value as LabBits;
    }
    bits.set(layer, chosen);
  }
  return bits;
}

export interface QuantizeCommandOptions {
  readonly model: string;
  readonly calib: string;
  readonly calibImages: number;
  readonly out: string;
  readonly force: boolean;
  readonly scheme: QuantizationScheme;
}

/** The float model as the written graph names it: zoo names as they are, files relative to the graph's folder. */
function modelReference(model: string, out: string): string {
  if (model.startsWith('zoo:')) return model;
  const from = dirname(resolve(out));
  const path = relative(from, resolve(model));
  return isAbsolute(path) ? path : path.split('\\').join('/');
}

export function runQuantizeCommand(options: QuantizeCommandOptions, io: CliIO): number {
  if (!options.out.endsWith('.json'))
    throw new InputError('--out must name a .json file (the weights go beside it, in a .bin file)', options.out);
  const plan = new OutputPlan(options.force).addInputs([options.model], 'the float model');
  const out = plan.file(options.out, '--out');
  const sidecar = plan.file(`${options.out.slice(0, -'.json'.length)}.bin`, 'the sidecar of --out');
  const float = loadFloatModel(options.model);
  const data = loadLabData(options.calib, float, 'train');
  const quantized = quantizeModel({
    float,
    scheme: options.scheme,
    calibration: calibrationInputs(data, options.calibImages),
    modelReference: modelReference(options.model, options.out),
    sidecarFile: basename(sidecar),
  });
  const text = `${JSON.stringify(quantized.file, null, 1)}\n`;
  resolveGraph(JSON.parse(text) as typeof quantized.file, out, { sidecars: new Map([[basename(sidecar), quantized.sidecar]]) });
  writeAll(plan, [
    [sidecar, quantized.sidecar],
    [out, text],
  ]);
  const colour = paint(io);
  const images = Math.min(options.calibImages, data.count);
  io.stdout(`${colour.bold(float.name)} quantized on ${images} calibration images of ${data.name}\n`);
  const width = Math.max(5, ...quantized.layers.map((layer) => layer.name.length));
  io.stdout(`${'layer'.padEnd(width)}  ${'op'.padEnd(16)} bits  ${'range'.padStart(23)}  clipped\n`);
  for (const layer of quantized.layers) {
    const bits = `${layer.weightBits === undefined ? '' : `w${layer.weightBits}`}a${layer.activationBits}`;
    const range = `[${layer.range.low.toPrecision(4)}, ${layer.range.high.toPrecision(4)}]`;
    const clipped = `${(layer.clippedFraction * 100).toFixed(3)}%`;
    io.stdout(
      `${layer.name.padEnd(width)}  ${layer.op.padEnd(16)} ${bits.padEnd(5)} ${range.padStart(23)}  ${layer.clippedFraction > 0 ? colour.yellow(clipped) : clipped}\n`,
    );
  }
  for (const pair of quantized.equalized)
    io.stdout(`equalized ${pair.depthwise} -> ${pair.pointwise}${pair.relu6Dropped ? ' (its relu6 became relu)' : ''}\n`);
  io.stdout(
    `weights ${quantized.weightBytes} bytes (float32 ${quantized.floatBytes}, ${(quantized.floatBytes / Math.max(1, quantized.weightBytes)).toFixed(2)}x smaller); wrote ${out} and ${sidecar}\n`,
  );
  return EXIT_OK;
}

export const SCHEME_OPTIONS = {
  'weight-bits': { choices: LAB_BITS, describe: 'weight width, 2 to 16 (default 8; 5-7 bits live in 8-bit types, etc.)' },
  'activation-bits': { choices: LAB_BITS, describe: 'activation and output width, 2 to 16 (default 8)' },
  'bits-per-layer': stringOption('bits-per-layer', 'JSON file: {"layer": {"weights": 4, "activations": 8}} by op name'),
  'per-channel': { type: 'boolean', describe: 'one weight scale per output channel (the default)' },
  'per-tensor': { type: 'boolean', describe: 'one weight scale per tensor' },
  symmetric: { type: 'boolean', describe: 'activations with zero point 0' },
  asymmetric: { type: 'boolean', describe: 'activations with a zero point placed by the range (the default)' },
  signed: { type: 'boolean', describe: 'signed activations and outputs (the default)' },
  unsigned: { type: 'boolean', describe: 'unsigned activations and outputs' },
  'weight-rounding': { choices: ROUNDING_MODES, describe: 'rounding of float weights and biases (default half-even)' },
  calibration: stringOption('calibration', 'minmax (default), percentile:P or mse'),
  requant: {
    choices: REQUANT_MODES,
    describe: 'requantization the graph is made for (default tflite-double); shift-only = dynamic fixed point',
  },
  'shift-bias': { type: 'string', requiresArg: true, describe: 'S-DFP exponent bias of every activation (shift-only; -8..8, default 0)' },
  equalize: { type: 'boolean', default: false, describe: 'cross-layer equalization of depthwise -> pointwise pairs' },
  'bias-correction': { type: 'boolean', default: false, describe: "correct each bias for its weights' rounding error" },
  seed: { type: 'string', requiresArg: true, describe: 'seed of stochastic weight rounding (default 1)' },
} as const;

export interface SchemeArguments {
  readonly weightBits?: LabBits | undefined;
  readonly activationBits?: LabBits | undefined;
  readonly bitsPerLayer?: string | undefined;
  readonly perChannel?: boolean | undefined;
  readonly perTensor?: boolean | undefined;
  readonly symmetric?: boolean | undefined;
  readonly asymmetric?: boolean | undefined;
  readonly signed?: boolean | undefined;
  readonly unsigned?: boolean | undefined;
  readonly weightRounding?: (typeof ROUNDING_MODES)[number] | undefined;
  readonly calibration?: string | undefined;
  readonly requant?: (typeof REQUANT_MODES)[number] | undefined;
  readonly shiftBias?: string | undefined;
  readonly equalize?: boolean | undefined;
  readonly biasCorrection?: boolean | undefined;
  readonly seed?: string | undefined;
}

export function schemeFromArguments(args: SchemeArguments): QuantizationScheme {
  const whole = (raw: string | undefined, flag: string, min: number, max: number, fallback: number): number => {
    if (raw === undefined) return fallback;
    const value = /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max)
      throw new UsageError(`--${flag} takes a whole number from ${min} to ${max}, got "${raw}"`);
    return value;
  };
  return {
    weightBits: args.weightBits ?? DEFAULT_SCHEME.weightBits,
    activationBits: args.activationBits ?? DEFAULT_SCHEME.activationBits,
    bitsPerLayer: args.bitsPerLayer === undefined ? new Map() : readBitsPerLayer(args.bitsPerLayer),
    perChannel: eitherFlag(args.perChannel, args.perTensor, ['per-channel', 'per-tensor'], DEFAULT_SCHEME.perChannel),
    symmetric: eitherFlag(args.symmetric, args.asymmetric, ['symmetric', 'asymmetric'], DEFAULT_SCHEME.symmetric),
    signed: eitherFlag(args.signed, args.unsigned, ['signed', 'unsigned'], DEFAULT_SCHEME.signed),
    weightRounding: args.weightRounding ?? DEFAULT_SCHEME.weightRounding,
    calibration: args.calibration === undefined ? DEFAULT_SCHEME.calibration : parseCalibration(args.calibration),
    requant: args.requant ?? DEFAULT_SCHEME.requant,
    shiftBias: whole(args.shiftBias, 'shift-bias', -8, 8, 0),
    equalize: args.equalize ?? false,
    biasCorrection: args.biasCorrection ?? false,
    seed: whole(args.seed, 'seed', 0, 2 ** 32 - 1, DEFAULT_SCHEME.seed),
  };
}

export const quantizeCommand = defineCommand({
  command: 'quantize <model>',
  describe: 'post-training quantization of a float model (or a quantized one, dequantized) into an npusim graph',
  builder: (parser) =>
    parser
      .positional('model', {
        type: 'string',
        demandOption: true,
        describe: 'float ONNX model, zoo:mnist_cnn, zoo:fashion_cnn, or any quantized model (dequantized first)',
      })
      .option(
        'calib',
        requiredStringOption('calib', 'calibration data: mnist, fashion-mnist (training split) or a folder of .npy + labels.json'),
      )
      .option('calib-images', calibrationImagesOption)
      .option('out', requiredStringOption('out', 'graph file to write (.json); the weights go to the .bin beside it'))
      .options(SCHEME_OPTIONS)
      .option('force', forceOption),
  run: (args, io) =>
    runQuantizeCommand(
      {
        model: required(args.model, 'MODEL'),
        calib: args.calib,
        calibImages: args.calibImages,
        out: args.out,
        force: args.force,
        scheme: schemeFromArguments(args as SchemeArguments),
      },
      io,
    ),
});
