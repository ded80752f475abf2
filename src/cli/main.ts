/**
 * The npusim command line. Commands are thin: they parse flags, call the library and print; every
 * user error ends as one line naming the file and what was expected, with exit code 2.
 */
import { createRequire } from 'node:module';
import type { Argv } from 'yargs';
import { InputError } from '../errors.js';
import { closestName } from '../messages/didYouMean.js';
import { checkCommand } from './commands/check.js';
import { diffCommand } from './commands/diff.js';
import { evaluateCommand } from './commands/evaluate.js';
import { goldenCommand } from './commands/golden.js';
import { importCommand } from './commands/import.js';
import { mergeCommand } from './commands/merge.js';
import { quantizeCommand } from './commands/quantize.js';
import { reportCommand } from './commands/report.js';
import { searchCommand } from './commands/search.js';
import { studyCommand } from './commands/study.js';
import { runCommand } from './commands/run.js';
import { scaleSimCommand } from './commands/scalesim.js';
import { scheduleCommand } from './commands/schedule.js';
import { schemaCommand } from './commands/schema.js';
import { sweepCommand } from './commands/sweep.js';
import { validateCommand } from './commands/validate.js';
import { vectorsCommand } from './commands/vectors.js';
import { zooCommand } from './commands/zoo.js';
import type { CommandSpec } from './command.js';
import { type CliIO, EXIT_BAD_INPUT, paint, processIO } from './io.js';
import { UsageError } from './usage.js';

// yargs' CommonJS build wraps help text at word boundaries; its ESM build breaks words apart.
const yargs = createRequire(import.meta.url)('yargs/yargs') as (argv: readonly string[]) => Argv;

export const COMMANDS: readonly CommandSpec[] = [
  runCommand,
  scheduleCommand,
  validateCommand,
  zooCommand,
  quantizeCommand,
  evaluateCommand,
  studyCommand,
  searchCommand,
  vectorsCommand,
  scaleSimCommand,
  importCommand,
  reportCommand,
  schemaCommand,
  goldenCommand,
  checkCommand,
  diffCommand,
  sweepCommand,
  mergeCommand,
];

const HELP_WIDTH = 100;

function parser(argv: readonly string[], io: CliIO, finish: (exitCode: number) => void): Argv {
  let built = yargs([...argv])
    .scriptName('npusim')
    .usage('$0 <command> [options]');
  for (const command of COMMANDS) built = command.register(built, io, finish);
  return built
    .demandCommand(1, 'name a command')
    .strict()
    .help()
    .version()
    .wrap(Math.max(80, Math.min(built.terminalWidth(), HELP_WIDTH * 2)))
    .exitProcess(false)
    .fail((message, error) => {
      // yargs wraps what an option's coerce throws (our UsageError) in its own YError.
      if (error?.name === 'YError') throw new UsageError(error.message);
      // An error a command's check threw keeps its kind (UsageError, InputError, a bug).
      if (error !== undefined && error !== null) throw error;
      // Stop here: without a throw yargs would go on and run the command with the bad values.
      throw new UsageError(message);
    });
}

/** An unknown first word: say it is an unknown command, with the closest one. */
function checkCommandName(argv: readonly string[]): void {
  const first = argv[0];
  if (first === undefined || first.startsWith('-')) return;
  const names = COMMANDS.map((command) => command.name);
  if (names.includes(first)) return;
  const hint = closestName(first, names);
  throw new UsageError(
    `unknown command "${first}"${hint === undefined ? '' : ` (did you mean "${hint}"?)`}; the commands are ${names.join(', ')}`,
  );
}

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode = 0;
  const finish = (code: number) => {
    exitCode = code;
  };
  try {
    if (argv.length === 0) {
      // No command: the usage, as a usage error.
      io.stderr(`${await parser(['--help'], io, finish).getHelp()}\n`);
      return EXIT_BAD_INPUT;
    }
    checkCommandName(argv);
    // --help and --version print through this callback; errors end in the catch below.
    await parser(argv, io, finish).parseAsync(argv as string[], {}, (_error, _parsed, output) => {
      if (output !== '') io.stdout(`${output}\n`);
    });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${paint(io).red('error')}: ${error.message}\nRun \`npusim --help\` for usage.\n`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof InputError) {
      io.stderr(`${paint(io).red('error')}: ${error.describe()}\n`);
      return EXIT_BAD_INPUT;
    }
    throw error;
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
