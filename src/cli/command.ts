/**
 * One CLI command: its yargs builder (positionals and options) and what it runs. Each command file
 * defines its own, so main.ts only lists them.
 */
import type { ArgumentsCamelCase, Argv } from 'yargs';
import type { CliIO } from './io.js';

export interface CommandSpec {
  /** The command's name, its first word (`run`, `import`). */
  readonly name: string;
  readonly register: (parser: Argv, io: CliIO, finish: (exitCode: number) => void) => Argv;
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
    register: (parser, io, finish) =>
      parser.command(definition.command, definition.describe, definition.builder, async (args) => {
        finish(await definition.run(args, io));
      }),
  };
}
