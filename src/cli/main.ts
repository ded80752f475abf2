/**
 * The npusim command line. Commands are thin: they parse flags, call the library and print; every
 * user error ends as one line naming the file and what was expected, with exit code 2.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Argv } from 'yargs';
import { InputError } from '../errors.js';
import { npusimVersion } from '../formats/version.js';
import { closestName } from '../messages/didYouMean.js';
import type { CallContext, CommandSpec } from './command.js';
import { type CliIO, EXIT_BAD_INPUT, paint, processIO } from './io.js';
import { UsageError } from './usage.js';

// yargs' CommonJS build wraps help text at word boundaries; its ESM build breaks words apart.
const requireHere = createRequire(import.meta.url);
const yargs = requireHere('yargs/yargs') as (argv: readonly string[]) => Argv;
startYargsSearchAtPackage();

/**
 * Every yargs instance guesses a version as it is made, by listing each folder from its "main
 * file" up to / until one holds a package.json. Under an ES-module entry that file is the working
 * directory, so a run from a folder in a crowded /tmp lists /tmp (tens of milliseconds a process;
 * the tests start thousands). Our version is given below anyway, so the search starts at npusim's
 * own folder (dist/cli/ or dist/bundle/, two below package.json). This reaches into yargs'
 * platform shim: if it changes, the guard leaves yargs as it is.
 */
function startYargsSearchAtPackage(): void {
  const build = createRequire(requireHere.resolve('yargs/yargs'))('./build/index.cjs') as { cjsPlatformShim?: { mainFilename?: unknown } };
  const shim = build.cjsPlatformShim;
  if (shim !== undefined && typeof shim.mainFilename === 'string')
    shim.mainFilename = fileURLToPath(new URL('../../package.json', import.meta.url));
}

/**
 * Each command's module, loaded when its command runs (all of them for the top-level help): a
 * command should not start slower for the libraries the others load.
 */
const COMMAND_MODULES: ReadonlyArray<readonly [string, () => Promise<CommandSpec>]> = [
  ['run', async () => (await import('./commands/run.js')).runCommand],
  ['schedule', async () => (await import('./commands/schedule.js')).scheduleCommand],
  ['validate', async () => (await import('./commands/validate.js')).validateCommand],
  ['zoo', async () => (await import('./commands/zoo.js')).zooCommand],
  ['quantize', async () => (await import('./commands/quantize.js')).quantizeCommand],
  ['evaluate', async () => (await import('./commands/evaluate.js')).evaluateCommand],
  ['study', async () => (await import('./commands/study.js')).studyCommand],
  ['search', async () => (await import('./commands/search.js')).searchCommand],
  ['vectors', async () => (await import('./commands/vectors.js')).vectorsCommand],
  ['scalesim', async () => (await import('./commands/scalesim.js')).scaleSimCommand],
  ['import', async () => (await import('./commands/import.js')).importCommand],
  ['report', async () => (await import('./commands/report.js')).reportCommand],
  ['schema', async () => (await import('./commands/schema.js')).schemaCommand],
  ['golden', async () => (await import('./commands/golden.js')).goldenCommand],
  ['check', async () => (await import('./commands/check.js')).checkCommand],
  ['diff', async () => (await import('./commands/diff.js')).diffCommand],
  ['sweep', async () => (await import('./commands/sweep.js')).sweepCommand],
  ['merge', async () => (await import('./commands/merge.js')).mergeCommand],
];

export const COMMAND_NAMES: readonly string[] = COMMAND_MODULES.map(([name]) => name);

/** Every command, in the order the help lists them. */
export async function allCommands(): Promise<CommandSpec[]> {
  return Promise.all(COMMAND_MODULES.map(([, load]) => load()));
}

/** The command the arguments name, or every command when they name none (help, version, a usage error). */
async function commandsFor(argv: readonly string[]): Promise<CommandSpec[]> {
  const named = COMMAND_MODULES.find(([name]) => name === argv[0]);
  return named === undefined ? allCommands() : [await named[1]()];
}

const HELP_WIDTH = 100;

/** A built parser and the call it serves now. */
interface CallParser {
  readonly parser: Argv;
  call: CallContext;
}

function callParser(commands: readonly CommandSpec[], call: CallContext): CallParser {
  const entry: { parser?: Argv; call: CallContext } = { call };
  let built = memoizeInternals(yargs([])).scriptName('npusim').usage('$0 <command> [options]');
  for (const command of commands) built = command.register(built, () => entry.call);
  const finished = built
    .demandCommand(1, 'name a command')
    .strict()
    .help()
    // Given, so that yargs does not search the folders above the script for a package.json on every parse.
    .version(npusimVersion())
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
  skipHelpCache(finished);
  return Object.assign(entry, { parser: finished });
}

/**
 * Built parsers no call is using, by the command they were built for. Building one (yargs'
 * instance, every option of the command) costs about as much as parsing with it, and a process
 * that calls main() many times (the tests, tens of thousands of times) would build it each time.
 * yargs saves its state before each parse and restores it after (its "freeze"), so a parser that
 * finished a parse serves the next one; one whose parse threw before that restore is dropped.
 * Calls that overlap each take their own.
 */
const idleParsers = new Map<string, CallParser[]>();

async function parseWith(key: string, commands: () => Promise<CommandSpec[]>, argv: readonly string[], call: CallContext): Promise<void> {
  const taken = idleParsers.get(key)?.pop() ?? callParser(await commands(), call);
  taken.call = call;
  // --help and --version print through this callback; errors end in main()'s catch. What throws
  // here, before yargs restored its state, leaves this parser out of the pool.
  const parsed = taken.parser.parseAsync(argv as string[], {}, (_error, _parsed, output) => {
    if (output !== '') call.io.stdout(`${output}\n`);
  });
  try {
    await parsed;
  } finally {
    const idle = idleParsers.get(key) ?? [];
    idle.push(taken);
    idleParsers.set(key, idle);
  }
}

/**
 * yargs renders the whole help of a command after its handler, in case an asynchronous handler's
 * failure wants to show it: about 0.5 ms a parse, a third of what an in-process run of a small
 * command costs (the fuzz tests run tens of thousands). Our fail() above never shows help, so the
 * rendering is skipped. This reaches into yargs' internals: if they change, the guard leaves yargs as it is.
 */
function skipHelpCache(built: Argv): void {
  const internals = (built as unknown as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: unknown } } })
    .getInternalMethods;
  const usage = typeof internals === 'function' ? internals.call(built).getUsageInstance?.() : undefined;
  if (usage !== undefined && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

/**
 * yargs asks its instance for its internal methods dozens of times a parse, and each answer binds
 * sixteen fresh functions to the same instance (a tenth of an in-process parse). The methods read
 * the instance's state when called, so one set serves every ask. Guarded like skipHelpCache.
 */
function memoizeInternals(instance: Argv): Argv {
  const target = instance as unknown as { getInternalMethods?: unknown };
  const original = target.getInternalMethods;
  if (typeof original !== 'function') return instance;
  let methods: unknown;
  target.getInternalMethods = function getInternalMethods(this: unknown) {
    if (this !== instance) return original.call(this);
    methods ??= original.call(instance);
    return methods;
  };
  return instance;
}

/** An unknown first word: say it is an unknown command, with the closest one. */
function checkCommandName(argv: readonly string[]): void {
  const first = argv[0];
  if (first === undefined || first.startsWith('-')) return;
  const names = COMMAND_NAMES;
  if (names.includes(first)) return;
  const hint = closestName(first, names);
  throw new UsageError(
    `unknown command "${first}"${hint === undefined ? '' : ` (did you mean "${hint}"?)`}; the commands are ${names.join(', ')}`,
  );
}

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode = 0;
  const call: CallContext = {
    io,
    finish: (code: number) => {
      exitCode = code;
    },
  };
  try {
    if (argv.length === 0) {
      // No command: the usage, as a usage error.
      io.stderr(`${await callParser(await allCommands(), call).parser.getHelp()}\n`);
      return EXIT_BAD_INPUT;
    }
    checkCommandName(argv);
    const named = COMMAND_MODULES.find(([name]) => name === argv[0]);
    await parseWith(named?.[0] ?? '', () => commandsFor(argv), argv, call);
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
