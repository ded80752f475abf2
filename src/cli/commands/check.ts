/**
 * `npusim check TRACE... [--update]`: re-runs every golden and compares it with the file. Exit 0
 * when all match, 1 with a semantic diff when any differ, 2 for a bad golden. `--update` rewrites
 * the goldens that differ, printing what changed; nothing else ever writes a golden.
 */
import { DEFAULT_MAX_MEMORY_BYTES } from '../../formats/bounds.js';
import { compareGoldens } from '../../golden/compareGoldens.js';
import type { GoldenFile } from '../../golden/format.js';
import { formatSection } from '../../golden/printDiff.js';
import { readGoldenFile } from '../../golden/read.js';
import { cachingLoader, rerunGolden } from '../../golden/rerun.js';
import { serializeJson } from '../../golden/serialize.js';
import { loadGraphArgument } from '../../pipeline/graphArgument.js';
import { DEFAULT_LINE_LIMIT } from '../../golden/printDiff.js';
import { defineCommand } from '../command.js';
import { type CliIO, EXIT_DIFFERENCE, EXIT_OK, paint } from '../io.js';
import { maxMemoryOf, maxMemoryOption, required, wholeNumberOption } from '../options.js';
import { writeFileAtomically } from '../outputs.js';
import { progressBar } from '../progress.js';

export interface CheckOptions {
  readonly files: readonly string[];
  readonly update: boolean;
  /** Moved numbers printed per golden; 0 prints all. */
  readonly limit: number;
  readonly maxMemoryBytes?: number;
}

function headline(golden: GoldenFile): string {
  const { result } = golden;
  return `${result.graph} on ${result.hardware}, seed ${golden.run.input.seed}: ${result.totals.cycles} cycles, ${result.totals.energyPj.toPrecision(6)} pJ`;
}

export function runCheckCommand(options: CheckOptions, io: CliIO): number {
  const chalk = paint(io);
  // Read every golden before running any, so a malformed one fails at once (exit 2).
  const goldens = options.files.map((file) => ({ file, golden: readGoldenFile(file) }));
  const maxMemoryBytes = options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES;
  const loadGraph = cachingLoader((argument) => loadGraphArgument(argument, { maxMemoryBytes }));
  let differing = 0;
  const bar = progressBar(io, 'check', '');
  try {
    for (const [index, { file, golden }] of goldens.entries()) {
      const rerun = rerunGolden(file, golden, loadGraph, {
        maxMemoryBytes,
        onProgress: (done, total) => bar.update(index + done / total, goldens.length, `golden ${index + 1}/${goldens.length} ${file}`),
      });
      // The bar comes back with the next golden's progress; it must not cut through this one's lines.
      bar.stop();
      const comparison = compareGoldens(file, golden, rerun);
      const notes = comparison.inputs
        .filter((change) => !change.blocking)
        .map((change) => `${change.source} ${change.field} ${change.old} -> ${change.new}`);
      if (!comparison.differs) {
        io.stdout(`${chalk.green('ok')}   ${file}  ${headline(golden)}${notes.length > 0 ? `  (note: ${notes.join('; ')})` : ''}\n`);
        continue;
      }
      differing += 1;
      io.stdout(formatSection(comparison, chalk, options.limit));
      if (options.update) {
        writeFileAtomically(file, serializeJson(rerun));
        io.stdout(`${chalk.yellow('updated')} ${file}  ${headline(rerun)}\n`);
      }
    }
  } finally {
    bar.stop();
  }
  const summary = `${goldens.length} golden(s): ${goldens.length - differing} match, ${differing} ${options.update ? 'updated' : 'differ'}`;
  io.stdout(`${differing > 0 && !options.update ? chalk.red(summary) : summary}\n`);
  if (differing > 0 && !options.update) {
    io.stdout('If the change is intended, rewrite them with `npusim check --update FILE...` and commit the result.\n');
    return EXIT_DIFFERENCE;
  }
  return EXIT_OK;
}

export const checkCommand = defineCommand({
  command: 'check <traces..>',
  describe: 're-run golden traces and compare: integers exactly, energies within a relative 1e-9; exit 1 with a diff when any differ',
  builder: (parser) =>
    parser
      .positional('traces', { type: 'string', array: true, demandOption: true, describe: 'golden trace files (.json)' })
      .option('update', { type: 'boolean', default: false, describe: 'rewrite the goldens that differ, printing what changed' })
      .option(
        'limit',
        wholeNumberOption('limit', {
          describe: 'moved numbers printed per golden; 0 prints all',
          min: 0,
          max: 1e9,
          default: DEFAULT_LINE_LIMIT,
        }),
      )
      .option('max-memory', maxMemoryOption),
  run: (args, io) =>
    runCheckCommand(
      { files: required(args.traces, 'TRACE'), update: args.update, limit: args.limit, maxMemoryBytes: maxMemoryOf(args.maxMemory) },
      io,
    ),
});
