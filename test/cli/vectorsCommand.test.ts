/** `npusim vectors`: the summary line, the failure report and the exit codes, in-process and through the real bin. */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { REPO, temporaryDirectory } from '../support/files.js';
import { sharedFiles } from '../support/sharedFolder.js';

const vectorFiles = sharedFiles('vectors', '.jsonl');

describe('npusim vectors', () => {
  it('passes every shared vector: 9000 passed, 0 failed, exit 0', async () => {
    const run = await runCli(['vectors', ...vectorFiles]);
    expect(run.stdout).toBe('9000 passed, 0 failed\n');
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
  });

  it('reports a wrong value with op, args, expected, got and source, and exits 1', async () => {
    const file = join(temporaryDirectory(), 'wrong.jsonl');
    writeFileSync(
      file,
      '{"op":"tflite.mbqm_double","args":{"x":5,"multiplier":1073741824,"shift":-1},"expected":1,"source":"my-harness"}\n' +
        '{"op":"tflite.mbqm_single","args":{"x":5,"multiplier":1073741824,"shift":-1},"expected":1,"source":"my-harness"}\n',
    );
    const run = await runCli(['vectors', file]);
    expect(run.stdout).toBe(
      `FAIL tflite.mbqm_double  ${file}:1\n` +
        '  args:     {"x":5,"multiplier":1073741824,"shift":-1}\n' +
        '  expected: 1\n' +
        '  got:      2\n' +
        '  source:   my-harness\n' +
        '1 passed, 1 failed\n',
    );
    expect(run.exitCode).toBe(1);
  });

  it('prints only the first failures, then how many more', async () => {
    const file = join(temporaryDirectory(), 'many.jsonl');
    writeFileSync(file, Array.from({ length: 4 }, () => '{"op":"gemmlowp.rdbpot32","args":{"x":3,"exponent":1},"expected":1}').join('\n'));
    const run = await runCli(['vectors', file, '--max-failures', '1']);
    expect(run.stdout.match(/^FAIL/gm)?.length).toBe(1);
    expect(run.stdout.endsWith('... and 3 more failures (--max-failures to see more)\n0 passed, 4 failed\n')).toBe(true);
    expect(run.exitCode).toBe(1);
  });

  it('exits 2 naming file:line for a malformed line, and the file for a missing one, with no stack trace', async () => {
    const file = join(temporaryDirectory(), 'bad.jsonl');
    writeFileSync(file, '{"op":"gemmlowp.rdbpot32","args":{"x":3,"exponent":1},"expected":2}\n{"op":"gemmlowp.rdbpot32","args":{"x":3},"expected":2}\n');
    const malformed = await runCli(['vectors', file]);
    expect(malformed.stderr).toBe(`error: ${file}:2: args.exponent: expected an integer in 0..31, got nothing\n`);
    expect(malformed.exitCode).toBe(2);
    const missing = await runCli(['vectors', join(REPO, 'nope.jsonl')]);
    expect(missing.stderr).toBe(`error: ${join(REPO, 'nope.jsonl')}: no such file\n`);
    expect(missing.exitCode).toBe(2);
  });

  it('exits 2 on usage errors', async () => {
    expect((await runCli([])).exitCode).toBe(2);
    const unknown = await runCli(['frobnicate']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect((await runCli(['vectors'])).exitCode).toBe(2);
  });

  it('the installed bin runs the same command (dist/ is built by npm test)', () => {
    const entry = join(REPO, 'dist/cli/main.js');
    expect(existsSync(entry), 'dist/cli/main.js is missing: run npm run build (npm test does it first)').toBe(true);
    const result = spawnSync(process.execPath, [join(REPO, 'bin/npusim.js'), 'vectors', ...vectorFiles], { encoding: 'utf8' });
    expect(result.stdout).toBe('9000 passed, 0 failed\n');
    expect(result.status).toBe(0);
  });
});
