/**
 * `npusim check <differing golden> | head -1`: the reader closes the pipe early. The exit code must
 * still be the check's (1), never 0. Runs the built bin as a child process, since only a real pipe
 * closes like that; the pipe is closed before the child writes anything, so its writes meet EPIPE
 * on every run (a reader that closes after the first line races with a fast writer).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { REPO, temporaryDirectory } from '../support/files.js';

function exitCodeWithStdoutClosed(argv: readonly string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin/npusim.js'), ...argv], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

it('a failed check exits 1 even when nobody reads its output', async () => {
  const repo = temporaryDirectory();
  mkdirSync(join(repo, 'configs'));
  mkdirSync(join(repo, 'traces'));
  const config = join(repo, 'configs/edge-npu.json');
  copyFileSync(join(REPO, 'configs/edge-npu.json'), config);
  const golden = join(repo, 'traces/small_cnn.json');
  expect((await runCli(['golden', 'zoo:small_cnn', '--hw', config, '--out', golden, '--root', repo])).exitCode).toBe(0);
  writeFileSync(config, readFileSync(config, 'utf8').replace('"dram": { "bytesPerCycle": 16,', '"dram": { "bytesPerCycle": 8,'));
  const { code, stderr } = await exitCodeWithStdoutClosed(['check', golden], repo);
  expect(stderr).toBe('');
  expect(code).toBe(1);
  // And a check that passes still exits 0.
  writeFileSync(config, readFileSync(config, 'utf8').replace('"dram": { "bytesPerCycle": 8,', '"dram": { "bytesPerCycle": 16,'));
  expect((await exitCodeWithStdoutClosed(['check', golden], repo)).code).toBe(0);
}, 60_000);
