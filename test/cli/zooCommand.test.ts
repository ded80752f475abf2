/** `npusim zoo NAME --out FILE` writes a graph that `npusim validate` accepts, and never overwrites. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { temporaryDirectory } from '../support/files.js';

describe('npusim zoo', () => {
  it('mobilenet_v1: the written graph validates with 569M MACs (within 1%)', async () => {
    const directory = temporaryDirectory();
    const out = join(directory, 'm.json');
    const zoo = await runCli(['zoo', 'mobilenet_v1', '--out', out]);
    expect(zoo.exitCode).toBe(0);
    expect(zoo.stdout).toContain('total: 568740352 MACs (568.7M), 4221032 parameters (4.221M)');
    expect(zoo.stdout).toContain(`wrote ${out} and ${join(directory, 'm.bin')}`);
    expect(zoo.stdout.split('\n').filter((line) => /^(conv1|block\d+_(dw|pw)) /.test(line)).length).toBe(27);
    const validate = await runCli(['validate', out]);
    expect(validate.exitCode).toBe(0);
    expect(validate.stdout).toBe(`valid ${out}: graph "mobilenet_v1": 30 ops, 568.7M MACs (568740352), 4.2M parameters\n`);
    expect(Math.abs(568740352 / 569e6 - 1)).toBeLessThan(0.01);
  });

  it('writes the same bytes for the same seed, and honours the options', async () => {
    const directory = temporaryDirectory();
    const first = join(directory, 'a.json');
    const second = join(directory, 'b.json');
    const options = [
      '--seed',
      '7',
      '--weight-bits',
      '4',
      '--activation-bits',
      '8',
      '--per-tensor',
      '--unsigned',
      '--rounding',
      'half-even',
    ];
    expect((await runCli(['zoo', 'small_cnn', '--out', first, ...options])).exitCode).toBe(0);
    expect((await runCli(['zoo', 'small_cnn', '--out', second, ...options])).exitCode).toBe(0);
    expect(readFileSync(join(directory, 'a.bin')).equals(readFileSync(join(directory, 'b.bin')))).toBe(true);
    const graph = JSON.parse(readFileSync(first, 'utf8')) as { tensors: Record<string, { type: string; quant?: { scale?: unknown } }> };
    expect(graph.tensors['conv1.weights']?.type).toBe('s4');
    expect(graph.tensors.input?.type).toBe('u8');
    expect(typeof graph.tensors['conv1.weights']?.quant?.scale).toBe('number');
  });

  it('refuses to overwrite a file, and exits 2 on bad options', async () => {
    const directory = temporaryDirectory();
    const out = join(directory, 'mine.json');
    writeFileSync(out, '{"keep": "me"}');
    const run = await runCli(['zoo', 'small_cnn', '--out', out]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(`error: ${out}: already exists; npusim never overwrites a file unless you pass --force\n`);
    expect(readFileSync(out, 'utf8')).toBe('{"keep": "me"}');
    expect(existsSync(join(directory, 'mine.bin'))).toBe(false);
    expect((await runCli(['zoo', 'mobilenet_v3', '--out', join(directory, 'x.json')])).exitCode).toBe(2);
    expect((await runCli(['zoo', 'small_cnn', '--out', join(directory, 'x.json'), '--weight-bits', '5'])).exitCode).toBe(2);
    const notJson = await runCli(['zoo', 'small_cnn', '--out', join(directory, 'x.txt')]);
    expect(notJson.stderr).toBe(
      `error: ${join(directory, 'x.txt')}: --out must name a .json file (the weights go beside it, in a .bin file)\n`,
    );
  });

  it('a negative seed is a usage error (exit 2), not an internal error', async () => {
    const run = await runCli(['zoo', 'small_cnn', '--out', join(temporaryDirectory(), 'x.json'), '--seed', '-1']);
    expect([run.exitCode, run.stderr.split('\n')[0]]).toEqual([2, 'error: --seed takes a whole number from 0 to 4294967295, got "-1"']);
  });
});
