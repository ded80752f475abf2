/** `npusim diff A B`: two JSON reports (or goldens) compared like `check` compares a golden; exit 1 when they differ. */
import { compareFiles } from '../../golden/compareReports.js';
import { formatSection } from '../../golden/printDiff.js';
import { type CliIO, EXIT_DIFFERENCE, EXIT_OK, paint } from '../io.js';

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
