/** `npusim vectors FILE...`: checks conformance vector files against the numeric core. */
import { type ConformanceFailure, runConformanceFiles } from '../../conformance/runFiles.js';
import type { VectorFailure } from '../../conformance/runVectors.js';
import { defineCommand } from '../command.js';
import { type CliIO, EXIT_DIFFERENCE, EXIT_OK, paint } from '../io.js';
import { required, wholeNumberOption } from '../options.js';
import { progressBar } from '../progress.js';

export interface VectorsOptions {
  readonly files: readonly string[];
  readonly maxFailures: number;
  /** Accept a file without cases; otherwise it fails the run, so an empty file or a wrong glob cannot pass CI. */
  readonly allowEmpty: boolean;
}

const KIB = 1024;

function formatResult(value: VectorFailure['got']): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function formatFailure(entry: ConformanceFailure, colour: ReturnType<typeof paint>): string {
  if (entry.kind === 'layer') {
    const failure = entry.failure;
    return `${colour.red('FAIL')} ${colour.bold(failure.name)}  ${failure.file}:${failure.line}\n  ${failure.reason}\n`;
  }
  const failure = entry.failure;
  return (
    `${colour.red('FAIL')} ${colour.bold(failure.op)}  ${failure.file}:${failure.line}\n` +
    `  args:     ${JSON.stringify(failure.args)}\n` +
    `  expected: ${JSON.stringify(failure.expected)}\n` +
    `  got:      ${formatResult(failure.got)}\n` +
    `  source:   ${failure.source}\n`
  );
}

export async function runVectorsCommand(options: VectorsOptions, io: CliIO): Promise<number> {
  const colour = paint(io);
  const bar = progressBar(io, 'vectors', 'KiB');
  let run: Awaited<ReturnType<typeof runConformanceFiles>>;
  try {
    // Verdicts are printed only once every file has run, so a malformed line stops the run (exit 2) before any is.
    run = await runConformanceFiles(options.files, {
      keepFailures: options.maxFailures,
      onProgress: (doneBytes, totalBytes, casesDone) =>
        bar.update(Math.ceil(doneBytes / KIB), Math.ceil(totalBytes / KIB), `${casesDone} cases`),
    });
  } finally {
    bar.stop();
  }
  for (const failure of run.failures) io.stdout(formatFailure(failure, colour));
  const hidden = run.failed - run.failures.length;
  if (hidden > 0) io.stdout(`... and ${hidden} more failures (--max-failures to see more)\n`);
  const empty = options.allowEmpty ? [] : run.files.filter((file) => file.cases === 0);
  for (const { file } of empty) {
    io.stdout(`${colour.red('FAIL')} ${file}: no cases found (the file is empty or holds only blank lines; --allow-empty accepts that)\n`);
  }
  const emptyNote = empty.length === 0 ? '' : `, ${empty.length} ${empty.length === 1 ? 'file' : 'files'} without cases`;
  const summary = `${run.passed} passed, ${run.failed} failed${emptyNote}`;
  const ok = run.failed === 0 && empty.length === 0;
  io.stdout(`${ok ? colour.green(summary) : colour.red(summary)}\n`);
  return ok ? EXIT_OK : EXIT_DIFFERENCE;
}

export const vectorsCommand = defineCommand({
  command: 'vectors <files..>',
  describe: 'check conformance vector files (JSON Lines) against the numeric core, and whole-layer cases against the engine',
  builder: (parser) =>
    parser
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'vector files (.jsonl)' })
      .option(
        'max-failures',
        wholeNumberOption('max-failures', { describe: 'how many failures to print in full', min: 0, max: 1e9, default: 10 }),
      )
      .option('allow-empty', {
        type: 'boolean',
        default: false,
        describe: 'accept a file without cases (by default it fails the run, so a wrong glob cannot pass)',
      }),
  run: (args, io) =>
    runVectorsCommand({ files: required(args.files, 'FILE'), maxFailures: args.maxFailures, allowEmpty: args.allowEmpty }, io),
});
