/**
 * `npusim zoo NAME --out FILE`: writes a zoo network as a graph JSON and its little-endian sidecar
 * FILE with .bin in place of .json. A seeded network (real layer shapes, seeded weights, calibrated
 * quantization) is built with the quantization options; a real model (person_detect,
 * mobilenet_v2_int8) is imported as `npusim import tflite` imports it, with its own quantization.
 */
import { basename } from 'node:path';
import { InputError } from '../../errors.js';
import { REQUANT_MODES, ROUNDING_MODES } from '../../numeric/index.js';
import {
  DEFAULT_ZOO_QUANT,
  isRealZooName,
  REAL_ZOO_NAMES,
  type RealZooName,
  realZooModelFile,
  ZOO_NAMES,
  type ZooName,
  type ZooOptions,
  zooNetwork,
} from '../../zoo/index.js';
import { defineCommand } from '../command.js';
import { type CliIO, EXIT_OK, paint } from '../io.js';
import { forceOption, MAX_SEED, optionalWholeNumberOption, required, requiredStringOption } from '../options.js';
import { OutputPlan, writeAll } from '../outputs.js';
import { UsageError } from '../usage.js';
import { runImportTfliteCommand } from './importTflite.js';

export interface ZooCommandOptions extends Omit<ZooOptions, 'sidecarFile'> {
  readonly name: ZooName;
  readonly out: string;
  readonly force: boolean;
}

function sidecarPath(out: string): string {
  return out.endsWith('.json') ? `${out.slice(0, -'.json'.length)}.bin` : `${out}.bin`;
}

/** A count as people read it, to four significant digits: 1754, 42.12K, 568.7M. */
export function shortCount(count: number): string {
  if (count >= 1e9) return `${Number((count / 1e9).toPrecision(4))}G`;
  if (count >= 1e6) return `${Number((count / 1e6).toPrecision(4))}M`;
  if (count >= 1e4) return `${Number((count / 1e3).toPrecision(4))}K`;
  return String(count);
}

/** Quantization options given for a real model, which has its own quantization: a contradiction, not something to ignore. */
export interface RealZooCommandOptions {
  readonly name: RealZooName;
  readonly out: string;
  readonly force: boolean;
  readonly quantizationOptions: readonly string[];
}

export function runRealZooCommand(options: RealZooCommandOptions, io: CliIO): number {
  if (options.quantizationOptions.length > 0)
    throw new UsageError(
      `${options.quantizationOptions.map((option) => `--${option}`).join(', ')} set a seeded network's quantization; ${options.name} is a real model whose weights and scales are its own (to requantize it under another scheme: npusim quantize zoo:${options.name} --calib DATA --out G.json)`,
    );
  return runImportTfliteCommand({ model: realZooModelFile(options.name), out: options.out, force: options.force }, io);
}

export function runZooCommand(options: ZooCommandOptions, io: CliIO): number {
  const colour = paint(io);
  if (!options.out.endsWith('.json'))
    throw new InputError('--out must name a .json file (the weights go beside it, in a .bin file)', options.out);
  const plan = new OutputPlan(options.force);
  const out = plan.file(options.out, '--out');
  const sidecar = plan.file(sidecarPath(options.out), 'the sidecar of --out');
  const network = zooNetwork(options.name, {
    seed: options.seed,
    weightBits: options.weightBits,
    activationBits: options.activationBits,
    perChannel: options.perChannel,
    signedActivations: options.signedActivations,
    requant: options.requant,
    rounding: options.rounding,
    sidecarFile: basename(sidecar),
  });
  writeAll(plan, [
    [sidecar, network.sidecar],
    [out, `${JSON.stringify(network.graph, null, 1)}\n`],
  ]);
  const width = Math.max(...network.layers.map((layer) => layer.name.length), 5);
  io.stdout(`${colour.bold(network.graph.name)}: ${network.layers.length} layers, calibrated on a seeded input (seed ${options.seed})\n`);
  io.stdout(`${'layer'.padEnd(width)}  ${'op'.padEnd(16)} ${'MACs'.padStart(12)} ${'params'.padStart(9)}  clipped\n`);
  for (const layer of network.layers) {
    const clipped = `${(layer.clippedFraction * 100).toFixed(3)}%`;
    io.stdout(
      `${layer.name.padEnd(width)}  ${layer.op.padEnd(16)} ${String(layer.macs).padStart(12)} ${String(layer.params).padStart(9)}  ${layer.clippedFraction > 0 ? colour.yellow(clipped) : clipped}\n`,
    );
  }
  io.stdout(
    `total: ${network.totals.macs} MACs${network.totals.macs >= 1e4 ? ` (${shortCount(network.totals.macs)})` : ''}, ${network.totals.params} parameters${network.totals.params >= 1e4 ? ` (${shortCount(network.totals.params)})` : ''}\n`,
  );
  io.stdout(`wrote ${out} and ${sidecar}\n`);
  return EXIT_OK;
}

/** One of two opposite flags (`--per-channel`/`--per-tensor`): both given is a contradiction, not a silent choice. */
export function eitherFlag(
  yes: boolean | undefined,
  no: boolean | undefined,
  names: readonly [string, string],
  fallback: boolean,
): boolean {
  if ((yes === true && no === true) || (yes === false && no === false))
    throw new UsageError(`--${names[0]} and --${names[1]} contradict each other; give one`);
  if (no === true || yes === false) return false;
  if (yes === true || no === false) return true;
  return fallback;
}

const BITS = [4, 8, 16] as const;
const QUANTIZATION_OPTIONS = [
  'seed',
  'weightBits',
  'activationBits',
  'perChannel',
  'perTensor',
  'signed',
  'unsigned',
  'requant',
  'rounding',
] as const;
const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

export const zooCommand = defineCommand({
  command: 'zoo <name>',
  describe:
    'write a zoo network as a graph and its sidecar: a seeded one (real layer shapes, seeded weights, calibrated quantization) or a real model',
  builder: (parser) =>
    parser
      .positional('name', {
        choices: [...ZOO_NAMES, ...REAL_ZOO_NAMES],
        demandOption: true,
        describe: `network: seeded ${ZOO_NAMES.join(', ')}; real (models/) ${REAL_ZOO_NAMES.join(', ')}`,
      })
      .option('out', requiredStringOption('out', 'graph file to write (.json); the weights go to the .bin beside it'))
      .option(
        'seed',
        optionalWholeNumberOption('seed', { describe: 'seed of the weights and the calibration input (default 1)', min: 0, max: MAX_SEED }),
      )
      .option('weight-bits', { choices: BITS, describe: 'weight width (default 8)' })
      .option('activation-bits', { choices: BITS, describe: 'activation width (default 8)' })
      .option('per-channel', { type: 'boolean', describe: 'per-channel weight scales (the default)' })
      .option('per-tensor', { type: 'boolean', describe: 'one weight scale per tensor' })
      .option('signed', { type: 'boolean', describe: 'signed activations (the default)' })
      .option('unsigned', { type: 'boolean', describe: 'unsigned activations' })
      .option('requant', {
        choices: REQUANT_MODES,
        describe: 'requantization the graph is prepared for (default tflite-double): shift-only writes dynamic fixed point',
      })
      .option('rounding', {
        choices: ROUNDING_MODES,
        describe: 'rounding of float weights and biases to integers (default half-away)',
      })
      .option('force', forceOption),
  run: (args, io) => {
    const name = required(args.name, 'NAME');
    if (isRealZooName(name)) {
      const given = QUANTIZATION_OPTIONS.filter((option) => args[option] !== undefined).map(kebab);
      return runRealZooCommand({ name, out: args.out, force: args.force, quantizationOptions: given }, io);
    }
    return runZooCommand(
      {
        name: name as ZooName,
        out: args.out,
        seed: args.seed ?? DEFAULT_ZOO_QUANT.seed,
        weightBits: args.weightBits ?? DEFAULT_ZOO_QUANT.weightBits,
        activationBits: args.activationBits ?? DEFAULT_ZOO_QUANT.activationBits,
        perChannel: eitherFlag(args.perChannel, args.perTensor, ['per-channel', 'per-tensor'], true),
        signedActivations: eitherFlag(args.signed, args.unsigned, ['signed', 'unsigned'], true),
        requant: args.requant ?? DEFAULT_ZOO_QUANT.requant,
        rounding: args.rounding ?? DEFAULT_ZOO_QUANT.rounding,
        force: args.force,
      },
      io,
    );
  },
});
