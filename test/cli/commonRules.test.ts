/** docs/cli.md quotes the CLI's messages: they must be what it prints. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { REPO } from '../support/files.js';

const page = readFileSync(join(REPO, 'docs/cli.md'), 'utf8');

describe('docs/cli.md', () => {
  it('a bad whole number: the example block is the command and its output', async () => {
    const example = /```\n\$ npusim (.*)\n([\s\S]*?)```/.exec(page);
    expect(example).not.toBeNull();
    const [, command = '', output = ''] = example ?? [];
    const run = await runCli(command.split(' '));
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(output);
  });

  it('an unknown command: the quoted message starts what the CLI says', async () => {
    const quoted = /`(error: unknown command "scheudle"[^`]*), \.\.\.`/.exec(page)?.[1];
    expect(quoted).toBeDefined();
    const run = await runCli(['scheudle']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.startsWith(quoted ?? '-')).toBe(true);
  });

  it('no arguments: the usage on stderr, exit 2', async () => {
    const run = await runCli([]);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('npusim <command> [options]');
    expect(run.stderr).toContain('npusim run <graph>');
  });
});
