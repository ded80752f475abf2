/** `npusim golden GRAPH --hw CONFIG --out FILE`: runs once and writes a new golden trace. */
import { existsSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { DEFAULT_MAX_MEMORY_BYTES } from '../../formats/bounds.js';
import { recordGolden } from '../../golden/record.js';
import { serializeJson } from '../../golden/serialize.js';
import { defineCommand } from '../command.js';
import { graphArgumentFiles, loadGraphArgument } from '../../pipeline/graphArgument.js';
import { type CliIO, EXIT_OK } from '../io.js';
import {
  forceOption,
  GRAPH_DESCRIPTION,
  hardwareOption,
  MAX_SEED,
  maxMemoryOf,
  maxMemoryOption,
  required,
  requiredStringOption,
  stringOption,
} from '../options.js';
import { OutputPlan, writeAll } from '../outputs.js';
import { parseInputOption } from './run.js';

export interface GoldenOptions {
  readonly graph: string;
  readonly hardware: string;
  /** A whole-number seed; a golden records its input as a seed, not as a file. */
  readonly input: string | undefined;
  readonly out: string;
  /** The folder recorded paths are relative to: the repository, normally the working directory. */
  readonly root: string;
  readonly force: boolean;
  readonly maxMemoryBytes?: number;
}

export function runGoldenCommand(options: GoldenOptions, io: CliIO): number {
  const input = parseInputOption(options.input);
  if (!('seed' in input))
    throw new InputError(
      `--input must be a whole-number seed for a golden (got "${options.input ?? ''}"); a .npy input is not recorded in goldens`,
    );
  if (existsSync(options.out) && !options.force) {
    throw new InputError(
      'already exists; npusim never overwrites a golden unless you pass --force (or use `npusim check --update` to re-record it)',
      options.out,
    );
  }
  const plan = new OutputPlan(options.force).addInputs([...graphArgumentFiles(options.graph), options.hardware]);
  const out = plan.file(options.out, '--out');
  const maxMemoryBytes = options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES;
  const golden = recordGolden(
    { graph: options.graph, hardwareFile: options.hardware, seed: input.seed, root: options.root, maxMemoryBytes },
    out,
    (argument) => loadGraphArgument(argument, { maxMemoryBytes }),
  );
  writeAll(plan, [[out, serializeJson(golden)]]);
  io.stdout(
    `wrote ${options.out}: ${golden.result.graph} on ${golden.result.hardware}, ${golden.result.layers.length} layers, ${golden.result.totals.cycles} cycles\n`,
  );
  return EXIT_OK;
}

export const goldenCommand = defineCommand({
  command: 'golden <graph>',
  describe:
    'run once and write a golden trace: what was run (graph, config with its hash and content, seed) and what came out, for `npusim check`',
  builder: (parser) =>
    parser
      .positional('graph', { type: 'string', demandOption: true, describe: GRAPH_DESCRIPTION })
      .option('hw', hardwareOption)
      .option('input', stringOption('input', `a seed 0..${MAX_SEED} for the random input (default 1)`))
      .option('out', requiredStringOption('out', 'golden file to write, e.g. traces/NAME.json (its folder must exist)'))
      .option('root', { ...stringOption('root', 'folder the recorded paths are relative to (your repository)'), default: '.' })
      .option('max-memory', maxMemoryOption)
      .option('force', forceOption),
  run: (args, io) =>
    runGoldenCommand(
      {
        graph: required(args.graph, 'GRAPH'),
        hardware: args.hw,
        input: args.input,
        out: args.out,
        root: args.root,
        force: args.force,
        maxMemoryBytes: maxMemoryOf(args.maxMemory),
      },
      io,
    ),
});
