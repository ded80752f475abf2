/** `npusim merge FILES... --out FILE`: shards of one sweep joined into the file an unsharded run writes. */
import { existsSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { mergeSweepFiles } from '../../sweep/merge.js';
import { formatOf, tableText, writeFileAtomically } from '../../sweep/output.js';
import { type CliIO, EXIT_OK } from '../io.js';

export interface MergeCommandOptions {
  readonly files: readonly string[];
  readonly out: string;
  readonly force: boolean;
}

export function runMergeCommand(options: MergeCommandOptions, io: CliIO): number {
  const format = formatOf(options.out);
  for (const file of options.files) {
    if (formatOf(file) !== format) throw new InputError(`is ${formatOf(file)}, the output ${format}: merge files of one format`, file);
  }
  if (existsSync(options.out) && !options.force) throw new InputError('already exists; npusim never overwrites a file unless you pass --force', options.out);
  const { table, points } = mergeSweepFiles(options.files);
  writeFileAtomically(options.out, tableText(format, table));
  io.stderr(`wrote ${options.out}: ${points} points from ${options.files.length} files\n`);
  return EXIT_OK;
}
