/**
 * An interrupted study resumes: killed (SIGKILL) after its first rows reached the journal beside
 * --out, the same command with --resume runs only the schemes the journal lacks and writes the bytes
 * an uninterrupted study writes, as do its shards joined by npusim merge. A journal without
 * --resume, another study's journal, --resume without --out and shards that miss or repeat a scheme
 * are exit 2 with the file named.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { REPO, temporaryDirectory } from '../support/files.js';

const BIN = join(REPO, 'bin/npusim.js');
const HW = join(REPO, 'configs/edge-npu.json');
const STUDY = [
  'study',
  'zoo:mnist_cnn',
  '--data',
  'mnist',
  '--hw',
  HW,
  '--limit',
  '600',
  '--sqnr-images',
  '0',
  '--calib-images',
  '20',
  '--jobs',
  '1',
  '--grid',
  'weight-bits=8,6,4,3',
  '--format',
  'json',
];

function lineCount(file: string): number {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0;
}

describe('npusim study --resume', () => {
  it('killed after its first rows, it finishes with --resume into the bytes an uninterrupted run writes', async () => {
    const folder = temporaryDirectory();
    const out = join(folder, 'study.json');
    const journal = `${out}.partial`;
    const child = spawn(process.execPath, [BIN, ...STUDY, '--out', out], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // The journal's header and one finished row, then the kill.
    for (let waited = 0; waited < 120_000 && lineCount(journal) < 2; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(existsSync(out)).toBe(false);
    const kept = lineCount(journal) - 1;
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(kept).toBeLessThan(4);

    const refused = await runCli([...STUDY, '--out', out]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`${journal}: an interrupted study left this journal`);
    const resumed = await runCli([...STUDY, '--out', out, '--resume']);
    expect(resumed.stderr).toBe('');
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toBe(`wrote ${out} (4 schemes, ${kept} from the interrupted run)\n`);
    expect(existsSync(journal)).toBe(false);

    const whole = join(folder, 'whole.json');
    expect((await runCli([...STUDY, '--out', whole])).exitCode).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(whole, 'utf8'));
    const rows = (JSON.parse(readFileSync(out, 'utf8')) as { rows: { weightBits: number; accuracy: number }[] }).rows;
    expect(rows.map((row) => row.weightBits)).toEqual([8, 6, 4, 3]);
    expect(rows.every((row) => row.accuracy > 0.5)).toBe(true);

    // Its two shards, merged, are the same bytes again.
    const shards = [0, 1].map((shard) => join(folder, `shard${shard}.json`));
    for (const [shard, file] of shards.entries())
      expect((await runCli([...STUDY, '--shard', `${shard}/2`, '--out', file])).exitCode).toBe(0);
    const merged = join(folder, 'merged.json');
    const merge = await runCli(['merge', ...shards, '--out', merged]);
    expect(merge.stderr).toBe(`wrote ${merged}: 4 schemes from 2 files\n`);
    expect(readFileSync(merged, 'utf8')).toBe(readFileSync(whole, 'utf8'));
    const half = await runCli(['merge', shards[0] as string, '--out', join(folder, 'half.json')]);
    expect(half.exitCode).toBe(2);
    expect(half.stderr).toContain("the files hold 2 of the study's 4 schemes; missing 1, 3 (run those shards, then merge)");
    const twice = await runCli([
      'merge',
      shards[0] as string,
      shards[0] as string,
      shards[1] as string,
      '--out',
      join(folder, 'twice.json'),
    ]);
    expect(twice.exitCode).toBe(2);
    expect(twice.stderr).toContain(`scheme 0 is also in ${shards[0]}: merge each shard once`);
  });

  it("another study's journal, and --resume without --out, are refused", async () => {
    const folder = temporaryDirectory();
    const out = join(folder, 'study.json');
    writeFileSync(`${out}.partial`, '{"format":"npusim-study-journal","study":"0123456789abcdef"}\n');
    const other = await runCli([...STUDY, '--out', out, '--resume']);
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toMatch(
      new RegExp(
        `${out}\\.partial: it is the journal of study 0123456789abcdef, this is [0-9a-f]{16}; --resume continues the same study command`,
      ),
    );
    expect(readFileSync(`${out}.partial`, 'utf8')).toBe('{"format":"npusim-study-journal","study":"0123456789abcdef"}\n');
    const noOut = await runCli([...STUDY, '--resume']);
    expect(noOut.exitCode).toBe(2);
    expect(noOut.stderr).toContain('--resume continues the study written to --out FILE: give --out');
  });
});
