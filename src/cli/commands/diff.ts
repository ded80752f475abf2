/** `npusim diff A B`: two JSON reports (or goldens) compared like `check` compares a golden; exit 1 when they differ. */
import { compareFiles } from '../../golden/compareReports.js';
import { formatSection } from '../../golden/printDiff.js';
import { DEFAULT_LINE_LIMIT } from '../../golden/printDiff.js';
import { defineCommand } from '../command.js';
import { type CliIO, EXIT_DIFFERENCE, EXIT_OK, paint } from '../io.js';
import { required, wholeNumberOption } from '../options.js';

export interface DiffOptions {
  readonly old: string;
  readonly new: string;
  readonly limit: number;
}

export function runDiffCommand(options: DiffOptions, io: CliIO): number {
  const chalk = paint(io);
  const comparison = compareFiles(options.old, options.new);
  if (!comparison.differs) {
    io.stdout(`${chalk.green('same')} ${options.old} and ${options.new}: no number moved beyond the tolerance\n`);
    return EXIT_OK;
  }
  io.stdout(formatSection(comparison, chalk, options.limit));
  return EXIT_DIFFERENCE;
}

export const diffCommand = defineCommand({
  command: 'diff <old> <new>',
  describe:
    'compare two JSON reports (`run --format json`) or two goldens: the inputs that differ, then the numbers that moved; exit 1 when they differ',
  builder: (parser) =>
    parser
      .positional('old', { type: 'string', demandOption: true, describe: 'the earlier report' })
      .positional('new', { type: 'string', demandOption: true, describe: 'the later report' })
      .option(
        'limit',
        wholeNumberOption('limit', { describe: 'moved numbers printed; 0 prints all', min: 0, max: 1e9, default: DEFAULT_LINE_LIMIT }),
      ),
  run: (args, io) => runDiffCommand({ old: required(args.old, 'OLD'), new: required(args.new, 'NEW'), limit: args.limit }, io),
});
