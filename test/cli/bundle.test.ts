/**
 * The bundled CLI (scripts/bundle.mjs, what bin/npusim.js starts) and the modules it is made of
 * (dist/cli/main.js, the fallback) give the same bytes: a run, and a sweep whose points run on the
 * bundled worker threads.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { zooGraph } from '../../src/zoo/graph.js';
import { REPO, temporaryDirectory } from '../support/files.js';

const BUNDLE = join(REPO, 'dist/bundle/cli.js');
const MODULES = join(REPO, 'dist/cli/main.js');

/** `npusim ARGS` from the bundle (through bin/npusim.js) or from the unbundled modules. */
function npusim(entry: 'bundle' | 'modules', args: readonly string[], cwd: string) {
  const command = entry === 'bundle' ? [join(REPO, 'bin/npusim.js'), ...args] : [join(cwd, 'modules-entry.mjs'), ...args];
  const run = spawnSync(process.execPath, command, { cwd, encoding: 'utf8', env: { ...process.env, NPUSIM_CACHE_DIR: 'off' } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('the bundled CLI', () => {
  it('is built, with its worker entries and the kernels beside it', () => {
    for (const name of ['cli.js', 'sweep-worker.js', 'lab-worker.js', 'kernels.wasm', 'thread.js'])
      expect(existsSync(join(REPO, 'dist/bundle', name)), `dist/bundle/${name} (npm run build makes it)`).toBe(true);
    expect(readFileSync(join(REPO, 'bin/npusim.js'), 'utf8')).toContain('dist/bundle/cli.js');
    expect(existsSync(BUNDLE)).toBe(true);
  });

  it("carries the hash of src/ it was built from, the one the tests' zoo cache takes of src/, so both share entries", () => {
    const source = join(REPO, 'src');
    const hash = createHash('sha256');
    const walk = (folder: string): void => {
      for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.(js|ts|wasm)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
          hash.update(relative(source, path)).update(readFileSync(path));
      }
    };
    walk(source);
    expect(readFileSync(join(REPO, 'dist/bundle/code-hash.txt'), 'utf8')).toBe(`${hash.digest('hex')}\n`);
    // A network built here, from src/, is the one the bundled CLI then reads: no second entry.
    const cache = temporaryDirectory('npusim-bundle-cache-');
    const previous = process.env.NPUSIM_CACHE_DIR;
    process.env.NPUSIM_CACHE_DIR = cache;
    try {
      zooGraph('small_cnn');
    } finally {
      if (previous === undefined) delete process.env.NPUSIM_CACHE_DIR;
      else process.env.NPUSIM_CACHE_DIR = previous;
    }
    const entries = readdirSync(join(cache, 'zoo')).sort();
    expect(entries).toHaveLength(2);
    const run = spawnSync(
      process.execPath,
      [join(REPO, 'bin/npusim.js'), 'run', 'zoo:small_cnn', '--hw', join(REPO, 'configs/edge-npu.json'), '--format', 'json'],
      {
        encoding: 'utf8',
        env: { ...process.env, NPUSIM_CACHE_DIR: cache },
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(readdirSync(join(cache, 'zoo')).sort()).toEqual(entries);
  });

  it('gives the modules bytes for a run and for a sweep on 2 worker threads', () => {
    const folder = temporaryDirectory('npusim-bundle-');
    // bin/npusim.js as it would be without the bundle.
    writeFileSync(
      join(folder, 'modules-entry.mjs'),
      `await (await import(${JSON.stringify(pathToFileURL(MODULES).href)})).runFromProcess();\n`,
    );
    const hardware = join(REPO, 'configs/edge-npu.json');
    const commands = (tag: string) => [
      ['run', 'zoo:small_cnn', '--hw', hardware, '--format', 'json', '--out', join(folder, `${tag}.json`)],
      ['sweep', 'zoo:small_cnn', '--hw', hardware, '--set', 'array.rows=8,16,32', '--jobs', '2', '--out', join(folder, `${tag}.csv`)],
    ];
    for (const [index, bundled] of commands('bundle').entries()) {
      const viaBundle = npusim('bundle', bundled, folder);
      const viaModules = npusim('modules', commands('modules')[index] ?? [], folder);
      expect(viaBundle.status, viaBundle.stderr).toBe(0);
      expect(viaModules.status, viaModules.stderr).toBe(0);
      expect(viaBundle.stdout.replaceAll('bundle.', 'modules.')).toBe(viaModules.stdout);
    }
    expect(readFileSync(join(folder, 'bundle.json'), 'utf8')).toBe(readFileSync(join(folder, 'modules.json'), 'utf8'));
    expect(readFileSync(join(folder, 'bundle.csv'), 'utf8')).toBe(readFileSync(join(folder, 'modules.csv'), 'utf8'));
  });
});
