/**
 * Through npm, as users start it (`npx npusim`, `npm exec`): npm prints no warning of its own on
 * every command (an unknown key in a project .npmrc used to), and the exit code is npusim's.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/files.js';

const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

describe('npusim started through npm', () => {
  it('npm exec -- npusim --version prints the version and nothing on stderr', () => {
    const run = spawnSync('npm', ['exec', '--offline', '--', 'npusim', '--version'], { cwd: REPO, encoding: 'utf8' });
    expect([run.status, run.stdout.trim(), run.stderr]).toEqual([0, VERSION, '']);
  });

  it('a refused command keeps its exit code 2 and its one error line', () => {
    const run = spawnSync('npm', ['exec', '--offline', '--', 'npusim', 'frobnicate'], { cwd: REPO, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr.split('\n')[0]).toMatch(/^error: unknown command "frobnicate"/);
    expect(run.stderr).not.toMatch(/npm (warn|WARN|error|ERR)/);
  });
});
