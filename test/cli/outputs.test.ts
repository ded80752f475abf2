/**
 * The output rule of every command (src/cli/outputs.ts), through the CLI: every output path is
 * checked before any work (each case here would fail later on a missing graph or hardware file if
 * the outputs were checked late), nothing the user gave is overwritten or lost, and two outputs of
 * one run never collide.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpFileName } from '../../src/cli/commands/run.js';
import { expectRefused } from '../support/badInput.js';
import { runCli } from '../support/cli.js';
import { fixtureCopy, REPO } from '../support/files.js';

const HW = join(REPO, 'configs/edge-npu.json');
const NO_FOLDERS = 'create it first (npusim creates no folders for its outputs)';

/** A folder with the tiny graph, its sidecar, a hardware config, and a graph file that does not exist. */
function workspace() {
  const directory = fixtureCopy();
  copyFileSync(HW, join(directory, 'hw.json'));
  return {
    directory,
    graph: join(directory, 'tiny-graph.json'),
    hardware: join(directory, 'hw.json'),
    missingGraph: join(directory, 'missing.json'),
  };
}

describe('outputs are checked before any work', () => {
  it('run: --out and --trace into a missing folder, --out naming a folder even with --force, --dump naming a file', async () => {
    const { directory, missingGraph, hardware } = workspace();
    const missing = join(directory, 'nope');
    await expectRefused(
      ['run', missingGraph, '--hw', hardware, '--out', join(missing, 'r.json')],
      `${join(missing, 'r.json')}: folder ${missing} does not exist; ${NO_FOLDERS}`,
      [directory],
    );
    await expectRefused(
      ['run', missingGraph, '--hw', hardware, '--trace', join(missing, 't.json')],
      `${join(missing, 't.json')}: folder ${missing} does not exist; ${NO_FOLDERS}`,
      [directory],
    );
    const folder = join(directory, 'folder');
    mkdirSync(folder);
    await expectRefused(
      ['run', missingGraph, '--hw', hardware, '--out', folder, '--force'],
      `${folder}: is a folder; --out names a file to write`,
    );
    await expectRefused(['run', missingGraph, '--hw', hardware, '--dump', hardware], `${hardware}: is a file; --dump names a folder`, [
      directory,
    ]);
    await expectRefused(
      ['run', missingGraph, '--hw', hardware, '--dump', join(missing, 'deeper')],
      `${join(missing, 'deeper')}: folder ${missing} does not exist; ${NO_FOLDERS}`,
      [directory],
    );
    expect(existsSync(missing)).toBe(false);
  });

  it('schedule, golden, merge and zoo into a missing folder create nothing', async () => {
    const { directory, missingGraph, hardware } = workspace();
    const missing = join(directory, 'nope');
    const out = join(missing, 'x.json');
    await expectRefused(
      ['schedule', missingGraph, '--hw', hardware, '--out', out],
      `${out}: folder ${missing} does not exist; ${NO_FOLDERS}`,
      [directory],
    );
    await expectRefused(
      ['golden', missingGraph, '--hw', hardware, '--out', out],
      `${out}: folder ${missing} does not exist; ${NO_FOLDERS}`,
      [directory],
    );
    await expectRefused(['zoo', 'small_cnn', '--out', out], `${out}: folder ${missing} does not exist; ${NO_FOLDERS}`, [directory]);
    const shard = join(directory, 'a.csv');
    writeFileSync(shard, 'x\n1\n');
    await expectRefused(
      ['merge', shard, '--out', join(missing, 'm.csv')],
      `${join(missing, 'm.csv')}: folder ${missing} does not exist; ${NO_FOLDERS}`,
      [directory],
    );
    expect(existsSync(missing)).toBe(false);
  });
});

describe('nothing the user gave is overwritten', () => {
  it('no output may be an input of the run, even with --force', async () => {
    const { directory, graph, hardware } = workspace();
    await expectRefused(
      ['run', graph, '--hw', hardware, '--out', hardware, '--force'],
      `${hardware}: --out would write over an input of this run; npusim never writes over its inputs`,
      [directory],
    );
    await expectRefused(
      ['run', graph, '--hw', hardware, '--trace', graph, '--force'],
      `${graph}: --trace would write over an input of this run; npusim never writes over its inputs`,
      [directory],
    );
    // The sidecar is known once the graph is read; it is still refused before the simulation.
    const sidecar = join(directory, 'tiny.bin');
    await expectRefused(
      ['run', graph, '--hw', hardware, '--out', sidecar, '--force'],
      `${sidecar}: --out names ${sidecar}, a file of graph tiny; npusim never writes over its inputs`,
      [directory],
    );
    await expectRefused(
      ['schedule', graph, '--hw', hardware, '--out', sidecar, '--force'],
      `${sidecar}: --out names ${sidecar}, a file of graph tiny; npusim never writes over its inputs`,
      [directory],
    );
  });

  it('two outputs naming the same file are refused, even with --force, and nothing is written', async () => {
    const { directory, missingGraph, hardware } = workspace();
    const file = join(directory, 'x.json');
    await expectRefused(
      ['run', missingGraph, '--hw', hardware, '--out', file, '--trace', file, '--force'],
      `${file}: --out and --trace name the same file`,
      [directory],
    );
    // Compared case-insensitively, so the run behaves the same on case-insensitive file systems.
    await expectRefused(
      ['run', missingGraph, '--hw', hardware, '--out', file, '--trace', join(directory, 'X.json')],
      `${join(directory, 'X.json')}: --out (${file}) and --trace name the same file`,
      [directory],
    );
  });

  it('--dump checks every layer file before the run: one that exists stops it with none written', async () => {
    const { directory, graph, hardware } = workspace();
    const dump = join(directory, 'dump');
    mkdirSync(dump);
    // The last layer's file exists: the earlier layers must not be written either.
    writeFileSync(join(dump, 'fc.npy'), 'mine');
    await expectRefused(
      ['run', graph, '--hw', hardware, '--dump', dump],
      `${join(dump, 'fc.npy')}: already exists; npusim never overwrites a file unless you pass --force`,
      [dump],
    );
    expect(readdirSync(dump)).toEqual(['fc.npy']);
    const forced = await runCli(['run', graph, '--hw', hardware, '--dump', dump, '--force']);
    expect(forced.exitCode).toBe(0);
    expect(readdirSync(dump).sort()).toEqual(['conv.npy', 'dw.npy', 'fc.npy', 'flatten.npy', 'manifest.json', 'pool.npy']);
    // The manifest is checked with the layer files: one that exists stops the run too.
    const again = join(directory, 'again');
    mkdirSync(again);
    writeFileSync(join(again, 'manifest.json'), 'mine');
    await expectRefused(
      ['run', graph, '--hw', hardware, '--dump', again],
      `${join(again, 'manifest.json')}: already exists; npusim never overwrites a file unless you pass --force`,
      [again],
    );
  });
});

describe('dump file names', () => {
  it('are injective: x/y and x_y map to different files, other bytes as %XX', () => {
    expect(dumpFileName('x/y')).toBe('x%2Fy.npy');
    expect(dumpFileName('x_y')).toBe('x_y.npy');
    expect(dumpFileName('a%b')).toBe('a%25b.npy');
    expect(dumpFileName('..')).toBe('...npy');
    expect(dumpFileName('conv·1')).toBe('conv%C2%B71.npy');
  });

  it('layers whose names differ only in case collide on some file systems: refused before the run', async () => {
    const { directory, graph, hardware } = workspace();
    const text = readFileSync(graph, 'utf8');
    writeFileSync(graph, text.replaceAll('"name": "pool"', '"name": "FC"'));
    const dump = join(directory, 'dump');
    await expectRefused(
      ['run', graph, '--hw', hardware, '--dump', dump],
      `${join(dump, 'fc.npy')}: the --dump of layer "FC" (${join(dump, 'FC.npy')}) and the --dump of layer "fc" name the same file`,
    );
    expect(existsSync(dump)).toBe(false);
  });
});
