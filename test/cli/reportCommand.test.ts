/**
 * `npusim report` and the --html / --format html outputs under the rules of every command: output
 * paths checked before any work (exit 2, nothing written), never over an input or an existing file
 * without --force, and a file of another kind named with what was expected.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { REPO, temporaryDirectory } from '../support/files.js';

const HW = join(REPO, 'configs/edge-npu.json');

describe('npusim report', () => {
  it('draws a JSON report, keeps an existing page without --force, and never writes over its input', async () => {
    const directory = temporaryDirectory();
    const json = join(directory, 'r.json');
    expect((await runCli(['run', 'zoo:small_cnn', '--hw', HW, '--format', 'json', '--out', json])).exitCode).toBe(0);
    const html = join(directory, 'r.html');
    const first = await runCli(['report', json, '--out', html]);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toBe(`wrote ${html} (the run page of ${json})\n`);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>/);
    writeFileSync(html, 'mine');
    const again = await runCli(['report', json, '--out', html]);
    expect(again.exitCode).toBe(2);
    expect(readFileSync(html, 'utf8')).toBe('mine');
    expect((await runCli(['report', json, '--out', html, '--force'])).exitCode).toBe(0);
    const over = await runCli(['report', json, '--out', json, '--force']);
    expect(over.exitCode).toBe(2);
    expect(over.stderr).toContain('never writes over its inputs');
  });

  it('names what it expected of a file of another kind, with the JSON path', async () => {
    const directory = temporaryDirectory();
    const other = join(directory, 'other.json');
    writeFileSync(other, '{"format":"something-else"}\n');
    const run = await runCli(['report', other, '--out', join(directory, 'x.html')]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`${other}:$.format: expected a JSON report (npusim run --format json), a study or evaluation file`);
    const broken = join(directory, 'broken.json');
    writeFileSync(broken, '{"format":"npusim-report","version":4}\n');
    const invalid = await runCli(['report', broken, '--out', join(directory, 'y.html')]);
    expect(invalid.exitCode).toBe(2);
    expect(invalid.stderr).toContain(broken);
    const text = join(directory, 'notes.txt');
    writeFileSync(text, 'hello');
    expect((await runCli(['report', text, '--out', join(directory, 'z.html')])).stderr).toContain(
      'npusim report reads .json, .csv or .jsonl files',
    );
    expect(existsSync(join(directory, 'x.html')) || existsSync(join(directory, 'y.html')) || existsSync(join(directory, 'z.html'))).toBe(
      false,
    );
  });

  it('checks --html and --format html outputs before any work', async () => {
    const directory = temporaryDirectory();
    const missing = join(directory, 'no-such-folder', 'r.html');
    const run = await runCli(['run', 'zoo:mobilenet_v1', '--hw', HW, '--format', 'html', '--out', missing]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('does not exist');
    const csv = join(directory, 's.csv');
    const sweep = await runCli([
      'sweep',
      'zoo:small_cnn',
      '--hw',
      HW,
      '--set',
      'array.rows=8,16',
      '--timing-only',
      '--out',
      csv,
      '--html',
      csv,
    ]);
    expect(sweep.exitCode).toBe(2);
    expect(sweep.stderr).toContain('name the same file');
    expect(existsSync(csv)).toBe(false);
    const study = await runCli(['study', 'zoo:mnist_cnn', '--data', 'mnist', '--hw', HW, '--html', missing]);
    expect(study.exitCode).toBe(2);
    expect(study.stderr).toContain('does not exist');
  });
});
