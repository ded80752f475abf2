/** `npusim vectors FILE...`: checks conformance vector files against the numeric core. */
import { readFile } from 'node:fs/promises';
import { type LayerCase, runLayerCases } from '../../conformance/layerCases.js';
import { runVectorCases, type VectorFailure } from '../../conformance/runVectors.js';
import { type ConformanceCases, parseConformanceText, type VectorCase } from '../../conformance/vectorFile.js';
import { InputError } from '../../errors.js';
import { defineCommand } from '../command.js';
import { type CliIO, EXIT_DIFFERENCE, EXIT_OK, paint } from '../io.js';
import { required, wholeNumberOption } from '../options.js';

export interface VectorsOptions {
  readonly files: readonly string[];
  readonly maxFailures: number;
}

async function readCases(file: string): Promise<ConformanceCases> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a .jsonl file' : `cannot be read (${code ?? (error as Error).message})`;
    throw new InputError(reason, file);
  }
  return parseConformanceText(text, file);
}

function formatResult(value: VectorFailure['got']): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export async function runVectorsCommand(options: VectorsOptions, io: CliIO): Promise<number> {
  const colour = paint(io);
  // Read and parse everything first, so that a malformed file stops the run before any verdict.
  const cases: VectorCase[] = [];
  const layerCases: LayerCase[] = [];
  for (const file of options.files) {
    const read = await readCases(file);
    cases.push(...read.vectors);
    layerCases.push(...read.layers);
  }
  const vectors = runVectorCases(cases);
  // Whole-layer cases run through the engine's kernels on every dataflow's accumulation split.
  const layers = runLayerCases(layerCases);
  const result = { passed: vectors.passed + layers.passed, failed: vectors.failed + layers.failures.length };
  let shown = 0;
  for (const failure of vectors.failures) {
    if (shown >= options.maxFailures) break;
    shown += 1;
    io.stdout(
      `${colour.red('FAIL')} ${colour.bold(failure.op)}  ${failure.file}:${failure.line}\n` +
        `  args:     ${JSON.stringify(failure.args)}\n` +
        `  expected: ${JSON.stringify(failure.expected)}\n` +
        `  got:      ${formatResult(failure.got)}\n` +
        `  source:   ${failure.source}\n`,
    );
  }
  for (const failure of layers.failures) {
    if (shown >= options.maxFailures) break;
    shown += 1;
    io.stdout(`${colour.red('FAIL')} ${colour.bold(failure.name)}  ${failure.file}:${failure.line}\n  ${failure.reason}\n`);
  }
  const hidden = result.failed - Math.min(result.failed, options.maxFailures);
  if (hidden > 0) io.stdout(`... and ${hidden} more failures (--max-failures to see more)\n`);
  const summary = `${result.passed} passed, ${result.failed} failed`;
  io.stdout(`${result.failed === 0 ? colour.green(summary) : colour.red(summary)}\n`);
  return result.failed === 0 ? EXIT_OK : EXIT_DIFFERENCE;
}

export const vectorsCommand = defineCommand({
  command: 'vectors <files..>',
  describe: 'check conformance vector files (JSON Lines) against the numeric core, and whole-layer cases against the engine',
  builder: (parser) =>
    parser
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'vector files (.jsonl)' })
      .option('max-failures', wholeNumberOption('max-failures', { describe: 'how many failures to print in full', min: 0, max: 1e9, default: 10 })),
  run: (args, io) => runVectorsCommand({ files: required(args.files, 'FILE'), maxFailures: args.maxFailures }, io),
});
