/**
 * The command line itself: usage with no arguments, unknown commands, help that wraps at word
 * boundaries, and parsers that serve one call after another (and overlapping ones) as fresh ones would.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allCommands, COMMAND_NAMES } from '../../src/cli/main.js';
import { expectUsageError } from '../support/badInput.js';
import { runCli } from '../support/cli.js';
import { REPO } from '../support/files.js';

describe('npusim', () => {
  it('with no arguments prints the usage (every command) and exits 2', async () => {
    const run = await runCli([]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe('npusim <command> [options]');
    for (const name of COMMAND_NAMES) expect(run.stderr).toContain(`npusim ${name}`);
  });

  it('loads each command from the module its name says (commands load only when they run)', async () => {
    expect((await allCommands()).map((command) => command.name)).toEqual(COMMAND_NAMES);
  });

  it('an unknown command says so, with the closest command', async () => {
    await expectUsageError(['sweeep'], `unknown command "sweeep" (did you mean "sweep"?); the commands are ${COMMAND_NAMES.join(', ')}`);
    await expectUsageError(['frobnicate'], `unknown command "frobnicate"; the commands are ${COMMAND_NAMES.join(', ')}`);
  });

  it('an unknown flag is a usage error', async () => {
    await expectUsageError(['schema', 'graph', '--frobnicate'], 'Unknown argument: frobnicate');
  });

  it('--help wraps between words, never inside one', async () => {
    const run = await runCli(['run', '--help']);
    expect(run.exitCode).toBe(0);
    // Words the old help split across lines ("r\nandom", "ui\n.perfetto.dev").
    expect(run.stdout).toContain('ui.perfetto.dev');
    expect(run.stdout.replace(/\s+/g, ' ')).toContain('a seed 0..4294967295 for random values');
    for (const line of run.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(200);
  });

  it('a parser that served a call serves the next as a fresh one would: no option, output or exit code carries over', async () => {
    const hardware = join(REPO, 'configs/edge-npu.json');
    const json = ['schedule', 'zoo:small_cnn', '--hw', hardware, '--format', 'json'];
    const table = ['schedule', 'zoo:small_cnn', '--hw', hardware];
    const first = await runCli(json);
    const tableRun = await runCli(table);
    expect(first.exitCode).toBe(0);
    expect(() => JSON.parse(first.stdout)).not.toThrow();
    expect(tableRun.exitCode).toBe(0);
    expect(tableRun.stdout).not.toBe(first.stdout);
    expect(tableRun.stdout.trimStart().startsWith('{')).toBe(false);
    // A usage error yargs throws mid-parse, a bad file the command refuses, then the same calls again.
    await expectUsageError([...table, '--frobnicate'], 'Unknown argument: frobnicate');
    const refused = await runCli(['schedule', 'zoo:small_cnn', '--hw', join(REPO, 'no-such-config.json')]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stdout).toBe('');
    expect(await runCli(table)).toEqual(tableRun);
    expect(await runCli(json)).toEqual(first);
    // Calls that overlap each take a parser of their own.
    const overlapping = await Promise.all([runCli(json), runCli(table), runCli(json), runCli(['schedule', '--help'])]);
    expect(overlapping.slice(0, 3)).toEqual([first, tableRun, first]);
    expect(overlapping[3]?.stdout).toContain('npusim schedule <graph>');
  });
});
