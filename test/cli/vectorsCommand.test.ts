/** `npusim vectors`: the summary line, the failure report and the exit codes, in-process and through the real bin. */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliRun, runCli } from '../support/cli.js';
import { REPO, temporaryDirectory } from '../support/files.js';
import { sharedFiles, sharedPath } from '../support/sharedFolder.js';

const vectorFiles = sharedFiles('vectors', '.jsonl');
const WRONG = '{"op":"gemmlowp.rdbpot32","args":{"x":3,"exponent":1},"expected":1}';
const RIGHT = '{"op":"gemmlowp.rdbpot32","args":{"x":3,"exponent":1},"expected":2}';
const NO_CASES = 'no cases found (the file is empty or holds only blank lines; --allow-empty accepts that)';

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
    writeFileSync(
      file,
      '{"op":"gemmlowp.rdbpot32","args":{"x":3,"exponent":1},"expected":2}\n{"op":"gemmlowp.rdbpot32","args":{"x":3},"expected":2}\n',
    );
    const malformed = await runCli(['vectors', file]);
    expect(malformed.stderr).toBe(`error: ${file}:2: args.exponent: expected an integer in 0..31, got nothing\n`);
    expect(malformed.exitCode).toBe(2);
    const missing = await runCli(['vectors', join(REPO, 'nope.jsonl')]);
    expect(missing.stderr).toBe(`error: ${join(REPO, 'nope.jsonl')}: no such file (expected a .jsonl file of conformance cases)\n`);
    expect(missing.exitCode).toBe(2);
  });

  it('a malformed line after failing cases still stops the run before any verdict is printed', async () => {
    const file = join(temporaryDirectory(), 'late.jsonl');
    writeFileSync(file, `${WRONG}\n${WRONG}\n{"op":"gemmlowp.rdbpot32","args":{"x":3},"expected":2}\n`);
    const run = await runCli(['vectors', file]);
    expect([run.exitCode, run.stdout, run.stderr]).toEqual([
      2,
      '',
      `error: ${file}:3: args.exponent: expected an integer in 0..31, got nothing\n`,
    ]);
  });

  it('prints vector and layer failures in file order', async () => {
    const [layer = ''] = readFileSync(sharedPath('anchors/layers', 'tflite-micro.jsonl'), 'utf8').split('\n');
    const record = JSON.parse(layer) as { name: string; output: { data: number[] } };
    record.output.data[0] = (record.output.data[0] ?? 0) + 1;
    const file = join(temporaryDirectory(), 'mixed.jsonl');
    writeFileSync(file, `${JSON.stringify(record)}\n${WRONG}\n`);
    const run = await runCli(['vectors', file]);
    expect(run.stdout.split('\n').filter((line) => line.startsWith('FAIL'))).toEqual([
      `FAIL ${record.name}  ${file}:1`,
      `FAIL gemmlowp.rdbpot32  ${file}:2`,
    ]);
    expect(run.exitCode).toBe(1);
  });
});

describe('npusim vectors: no cases is a failure, unless --allow-empty', () => {
  it('an empty file fails (exit 1) saying no cases were found', async () => {
    const file = join(temporaryDirectory(), 'empty.jsonl');
    writeFileSync(file, '');
    const run = await runCli(['vectors', file]);
    expect(run.stdout).toBe(`FAIL ${file}: ${NO_CASES}\n0 passed, 0 failed, 1 file without cases\n`);
    expect([run.exitCode, run.stderr]).toEqual([1, '']);
  });

  it('a file of blank lines fails the same way, and each empty file is named beside passing ones', async () => {
    const directory = temporaryDirectory();
    const blank = join(directory, 'blank.jsonl');
    const empty = join(directory, 'empty.jsonl');
    writeFileSync(blank, '\n   \r\n\t\n');
    writeFileSync(empty, '');
    const run = await runCli(['vectors', blank]);
    expect(run.stdout).toBe(`FAIL ${blank}: ${NO_CASES}\n0 passed, 0 failed, 1 file without cases\n`);
    expect([run.exitCode, run.stderr]).toEqual([1, '']);
    const mixed = await runCli(['vectors', blank, ...vectorFiles, empty]);
    expect(mixed.stdout).toBe(`FAIL ${blank}: ${NO_CASES}\nFAIL ${empty}: ${NO_CASES}\n9000 passed, 0 failed, 2 files without cases\n`);
    expect(mixed.exitCode).toBe(1);
  });

  it('--allow-empty accepts files without cases (exit 0)', async () => {
    const directory = temporaryDirectory();
    const empty = join(directory, 'empty.jsonl');
    writeFileSync(empty, '\n\n');
    expect(await runCli(['vectors', empty, '--allow-empty'])).toEqual({ exitCode: 0, stdout: '0 passed, 0 failed\n', stderr: '' });
    const right = join(directory, 'right.jsonl');
    writeFileSync(right, RIGHT);
    expect(await runCli(['vectors', right, empty, '--allow-empty'])).toEqual({ exitCode: 0, stdout: '1 passed, 0 failed\n', stderr: '' });
  });
});

describe('npusim vectors: bad lines are exit 2 with one line naming file:line', () => {
  async function badLine(text: string): Promise<{ file: string; run: CliRun }> {
    const file = join(temporaryDirectory(), 'bad.jsonl');
    writeFileSync(file, `${RIGHT}\n${text}\n`);
    const run = await runCli(['vectors', file]);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toMatch(/\n\s+at |RangeError|TypeError|internal error/);
    return { file, run };
  }

  it('an unknown op says which op was probably meant', async () => {
    const { file, run } = await badLine('{"op":"gemmlowp.srdhmm32","args":{"a":1,"b":2},"expected":0}');
    expect(run.stderr).toBe(`error: ${file}:2: unknown op "gemmlowp.srdhmm32" (did you mean "gemmlowp.srdhm32"?)\n`);
    // The library prefix left out: matched on the name after it.
    const bare = await badLine('{"op":"srdhmm32","args":{"a":1,"b":2},"expected":0}');
    expect(bare.run.stderr).toBe(`error: ${bare.file}:2: unknown op "srdhmm32" (did you mean "gemmlowp.srdhm32"?)\n`);
    const far = await badLine('{"op":"frobnicate","args":{},"expected":0}');
    expect(far.run.stderr).toBe(
      `error: ${far.file}:2: unknown op "frobnicate": not one of the 30 ops of the vector format or the 8 whole-layer ops\n`,
    );
  });

  it('a line longer than 4 MiB', async () => {
    const { file, run } = await badLine(
      `{"op":"gemmlowp.srdhm32","args":{"a":1,"b":2,"pad":"${'x'.repeat(4 * 1024 * 1024)}"},"expected":0}`,
    );
    expect(run.stderr).toBe(
      `error: ${file}:2: line is longer than 4.0 MiB, the most npusim reads for one line of a .jsonl file of conformance cases\n`,
    );
  });

  it('a line nested 5,000 deep', async () => {
    const { file, run } = await badLine(`{"op":"gemmlowp.srdhm32","args":{"a":${'['.repeat(5000)}${']'.repeat(5000)},"b":2},"expected":0}`);
    // The 65th bracket: the line's { and args' {, then the 63rd [, after the 37 characters before the first.
    expect(run.stderr).toBe(`error: ${file}:2:100: JSON nested deeper than 64 levels; a line needs far fewer\n`);
  });

  it('a key given twice', async () => {
    const { file, run } = await badLine('{"op":"gemmlowp.srdhm32","args":{"a":1,"b":2,"a":3},"expected":0}');
    expect(run.stderr).toBe(
      `error: ${file}:2:46: key "a" is given twice in one object ($.args.a, first at column 34); JSON would keep only the last, so give it once\n`,
    );
  });
});

describe('npusim vectors: usage, and the installed bin', () => {
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

  // About 10 s of CPU (6 s on an idle 2-core machine, 15-20 s of wall time beside other jobs) and 132 MB of disk while it runs.
  it('runs a 600,000-case file of real vectors in a 64 MiB heap: 600000 passed, 0 failed', () => {
    const directory = temporaryDirectory('npusim-vectors-large-');
    try {
      const lines = vectorFiles.flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => line.trim() !== ''),
      );
      expect(lines.length).toBe(9000);
      const file = join(directory, 'large.jsonl');
      const copy = Buffer.from(`${lines.join('\n')}\n`);
      const descriptor = openSync(file, 'w');
      for (let written = 0; written + lines.length <= 600_000; written += lines.length) writeSync(descriptor, copy);
      writeSync(descriptor, `${lines.slice(0, 600_000 % lines.length).join('\n')}\n`);
      closeSync(descriptor);
      // Twice the heap (132 MB): a run that held the file's text, or its parsed cases, could not fit (the code
      // this replaced ran out of this heap at 99,000 cases, and overflowed the stack past ~125,000 anyway).
      expect(statSync(file).size).toBe(132_374_650);
      const result = spawnSync(process.execPath, ['--max-old-space-size=64', join(REPO, 'bin/npusim.js'), 'vectors', file], {
        encoding: 'utf8',
      });
      expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
        status: 0,
        stdout: '600000 passed, 0 failed\n',
        stderr: '',
      });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 300_000);
});
