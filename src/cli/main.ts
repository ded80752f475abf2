/**
 * The npusim command line. Commands are thin: they parse flags, call the library and print; every
 * user error ends as one line naming the file and what was expected, with exit code 2.
 */
import yargs from 'yargs';
import { InputError } from '../errors.js';
import { SCHEMA_NAMES } from '../formats/jsonSchema.js';
import { runSchemaCommand } from './commands/schema.js';
import { runValidateCommand } from './commands/validate.js';
import { runVectorsCommand } from './commands/vectors.js';
import { type CliIO, EXIT_BAD_INPUT, paint, processIO } from './io.js';

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode = 0;
  let usageError: string | undefined;
  const parser = yargs([...argv])
    .scriptName('npusim')
    .usage('$0 <command> [options]')
    .command(
      'vectors <files..>',
      'check conformance vector files (JSON Lines) against the numeric core',
      (command) =>
        command
          .positional('files', { type: 'string', array: true, demandOption: true, describe: 'vector files (.jsonl)' })
          .option('max-failures', { type: 'number', default: 10, describe: 'how many failures to print in full' }),
      async (args) => {
        exitCode = await runVectorsCommand({ files: args.files, maxFailures: args['max-failures'] }, io);
      },
    )
    .command(
      'validate <files..>',
      'check hardware configs, graphs and energy tables, and say what is wrong',
      (command) =>
        command
          .positional('files', { type: 'string', array: true, demandOption: true, describe: 'JSON files' })
          .option('hw', { type: 'string', describe: 'also check that each graph runs on this hardware config' }),
      (args) => {
        exitCode = runValidateCommand({ files: args.files, hardware: args.hw }, io);
      },
    )
    .command(
      'schema <kind>',
      'print the JSON Schema of a file kind',
      (command) => command.positional('kind', { choices: SCHEMA_NAMES, demandOption: true, describe: 'which schema' }),
      (args) => {
        exitCode = runSchemaCommand(args.kind, io);
      },
    )
    .demandCommand(1, 'name a command')
    .strict()
    .help()
    .version()
    .exitProcess(false)
    .fail((message, error) => {
      if (error !== undefined && error !== null) throw error;
      usageError = message;
    });
  try {
    await parser.parseAsync(argv as string[], {}, (_error, _parsed, output) => {
      if (output !== '' && usageError === undefined) io.stdout(`${output}\n`);
    });
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr(`${paint(io).red('error')}: ${error.describe()}\n`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }
  if (usageError !== undefined) {
    io.stderr(`${paint(io).red('error')}: ${usageError}\nRun \`npusim --help\` for usage.\n`);
    return EXIT_BAD_INPUT;
  }
  return exitCode;
}

export async function runFromProcess(): Promise<void> {
  const io = processIO();
  try {
    process.exitCode = await main(process.argv.slice(2), io);
  } catch (error) {
    io.stderr(`npusim: internal error (please report it): ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 70;
  }
}
