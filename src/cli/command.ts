/**
 * One CLI command: its yargs builder (positionals and options) and what it runs. Each command file
 * defines its own, so main.ts only lists them.
 */
import type { ArgumentsCamelCase, Argv } from 'yargs';
import type { CliIO } from './io.js';

/** Where a command's run writes and reports its exit code: one per call of main(). */
export interface CallContext {
  readonly io: CliIO;
  readonly finish: (exitCode: number) => void;
}

export interface CommandSpec {
  /** The command's name, its first word (`run`, `import`). */
  readonly name: string;
  /** Adds the command to a parser; its handler asks `call()` for the call it runs in (a parser serves many calls). */
  readonly register: (parser: Argv, call: () => CallContext) => Argv;
}

export interface CommandDefinition<T> {
  /** The yargs command string: name and positionals, e.g. `run <graph>`. */
  readonly command: string;
  readonly describe: string;
  readonly builder: (parser: Argv) => Argv<T>;
  readonly run: (args: ArgumentsCamelCase<T>, io: CliIO) => number | Promise<number>;
}

export function defineCommand<T>(definition: CommandDefinition<T>): CommandSpec {
  const name = definition.command.split(' ')[0] ?? definition.command;
  return {
    name,
    register: (parser, call) =>
      parser.command(definition.command, definition.describe, definition.builder, async (args) => {
        const { io, finish } = call();
        finish(await definition.run(args, io));
      }),
  };
}
