/** Asserting the promise of every command on bad input: exit 2, one line naming the file and what was expected, no stack trace, files untouched. */
import { expect } from 'vitest';
import { type CliRun, runCli } from './cli.js';
import { digestFolder } from './files.js';

export async function expectRefused(argv: readonly string[], message: string, untouched: readonly string[] = []): Promise<CliRun> {
  const before = untouched.map((folder) => digestFolder(folder));
  const run = await runCli(argv);
  expect(run.stderr).toBe(`error: ${message}\n`);
  expect(run.exitCode).toBe(2);
  expect(run.stdout).toBe('');
  untouched.forEach((folder, index) => expect(digestFolder(folder)).toEqual(before[index]));
  return run;
}

/** A usage error: the same, with the pointer to --help on a second line. */
export async function expectUsageError(argv: readonly string[], message: string): Promise<CliRun> {
  const run = await runCli(argv);
  expect(run.stderr).toBe(`error: ${message}\nRun \`npusim --help\` for usage.\n`);
  expect(run.exitCode).toBe(2);
  return run;
}
