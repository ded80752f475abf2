/** `npusim merge FILES... --out FILE`: shards of one sweep or study joined into the file an unsharded run writes. */
import { InputError } from '../../errors.js';
import { mergeStudyFiles } from '../../lab/mergeStudies.js';
import { mergeSweepFiles } from '../../sweep/merge.js';
import { formatOf } from '../../sweep/output.js';
import { defineCommand } from '../command.js';
import { type CliIO, EXIT_OK } from '../io.js';
import { forceOption, required, requiredStringOption } from '../options.js';
import { OutputPlan, writeAll } from '../outputs.js';

export interface MergeCommandOptions {
  readonly files: readonly string[];
  readonly out: string;
  readonly force: boolean;
}

export function runMergeCommand(options: MergeCommandOptions, io: CliIO): number {
  if (options.out.endsWith('.json')) return mergeStudies(options, io);
  const format = formatOf(options.out);
  for (const file of options.files) {
    if (formatOf(file) !== format) throw new InputError(`is ${formatOf(file)}, the output ${format}: merge files of one format`, file);
  }
  const plan = new OutputPlan(options.force).addInputs(options.files, 'a shard being merged');
  const out = plan.file(options.out, '--out');
  // The merged file is written whole (a temporary file renamed into place) once every row checks out.
  const { points } = mergeSweepFiles(options.files, out);
  io.stderr(`wrote ${options.out}: ${points} points from ${options.files.length} ${options.files.length === 1 ? 'file' : 'files'}\n`);
  return EXIT_OK;
}

/** Study shards (their --format json files) into the study file. */
function mergeStudies(options: MergeCommandOptions, io: CliIO): number {
  for (const file of options.files)
    if (!file.endsWith('.json')) throw new InputError('is not a .json study file, the output is: merge files of one kind', file);
  const plan = new OutputPlan(options.force).addInputs(options.files, 'a shard being merged');
  const out = plan.file(options.out, '--out');
  const { text, schemes } = mergeStudyFiles(options.files);
  writeAll(plan, [[out, text]]);
  io.stderr(`wrote ${options.out}: ${schemes} schemes from ${options.files.length} files\n`);
  return EXIT_OK;
}

export const mergeCommand = defineCommand({
  command: 'merge <files..>',
  describe: 'join the shards of a sweep (.csv, .jsonl) or of a study (.json) into the file one unsharded run writes',
  builder: (parser) =>
    parser
      .positional('files', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'sweep files (.csv or .jsonl) of one sweep, or study files (.json) of one study',
      })
      .option('out', requiredStringOption('out', 'the merged file (its folder must exist)'))
      .option('force', forceOption),
  run: (args, io) => runMergeCommand({ files: required(args.files, 'FILE'), out: args.out, force: args.force }, io),
});
