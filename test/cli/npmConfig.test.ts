/**
 * npm in this project prints no warning of its own: an unknown key in a project .npmrc (as
 * onnxruntime-node's install switch once was) made npm warn on every `npm start` and `npx npusim`.
 * `npm pkg get` reads the same configuration and runs no script, so it neither builds nor touches
 * dist/ while the suite runs (`npm exec` of the project's own bin would install it, running prepare).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/files.js';

const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

describe('npm in the project', () => {
  it('reads the project configuration without a warning', () => {
    const run = spawnSync('npm', ['pkg', 'get', 'version'], { cwd: REPO, encoding: 'utf8' });
    expect([run.status, run.stdout.trim(), run.stderr]).toEqual([0, JSON.stringify(VERSION), '']);
  });
});
