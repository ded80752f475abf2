/** The command line itself: usage with no arguments, unknown commands, help that wraps at word boundaries. */
import { describe, expect, it } from 'vitest';
import { allCommands, COMMAND_NAMES } from '../../src/cli/main.js';
import { expectUsageError } from '../support/badInput.js';
import { runCli } from '../support/cli.js';

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
});
