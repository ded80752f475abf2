/** `npusim golden GRAPH --hw CONFIG --out FILE`: runs once and writes a new golden trace. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../../errors.js';
import { asJson } from '../../golden/format.js';
import { recordGolden } from '../../golden/record.js';
import { serializeJson } from '../../golden/serialize.js';
import { loadGraphArgument } from '../graphArgument.js';
import { type CliIO, EXIT_OK } from '../io.js';

export interface GoldenOptions {
  readonly graph: string;
  readonly hardware: string;
  /** A whole-number seed; a golden records its input as a seed, not as a file. */
  readonly input: string | undefined;
  readonly out: string;
  /** The folder recorded paths are relative to: the repository, normally the working directory. */
  readonly root: string;
  readonly force: boolean;
}

export function runGoldenCommand(options: GoldenOptions, io: CliIO): number {
  const input = options.input ?? '1';
  if (!/^\d+$/.test(input) || !Number.isSafeInteger(Number(input))) {
    throw new InputError(`--input must be a whole-number seed for a golden (got "${input}"); a .npy input is not recorded in goldens`);
  }
  if (existsSync(options.out) && !options.force) {
    throw new InputError('already exists; npusim never overwrites a golden unless you pass --force (or use `npusim check --update` to re-record it)', options.out);
  }
  const golden = recordGolden({ graph: options.graph, hardwareFile: options.hardware, seed: Number(input), root: options.root }, options.out, loadGraphArgument);
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, serializeJson(asJson(golden)));
  io.stdout(`wrote ${options.out}: ${golden.result.graph} on ${golden.result.hardware}, ${golden.result.layers.length} layers, ${golden.result.totals.cycles} cycles\n`);
  return EXIT_OK;
}
