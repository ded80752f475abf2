/** Running conformance files: counts, the first failures in file order, per-file case counts and progress. */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConformanceFiles } from '../../src/conformance/runFiles.js';
import { temporaryDirectory } from '../support/files.js';
import { sharedFiles, sharedPath } from '../support/sharedFolder.js';

const WRONG = '{"op":"gemmlowp.rdbpot32","args":{"x":3,"exponent":1},"expected":1}';
const RIGHT = '{"op":"gemmlowp.rdbpot32","args":{"x":3,"exponent":1},"expected":2}';

describe('runConformanceFiles', () => {
  it('reports progress by bytes after each chunk, ending at every byte and every case', async () => {
    const files = sharedFiles('vectors', '.jsonl');
    const totalBytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
    const calls: [number, number, number][] = [];
    const run = await runConformanceFiles(files, {
      keepFailures: 10,
      onProgress: (done, total, cases) => calls.push([done, total, cases]),
    });
    expect([run.passed, run.failed, run.failures]).toEqual([9000, 0, []]);
    expect(run.files.map((file) => file.cases)).toEqual([1800, 1800, 2700, 600, 2100]);
    expect(calls.at(-1)).toEqual([totalBytes, totalBytes, 9000]);
    expect(calls.every(([, total]) => total === totalBytes)).toBe(true);
    for (let index = 1; index < calls.length; index += 1) {
      expect((calls[index]?.[0] ?? 0) >= (calls[index - 1]?.[0] ?? 0)).toBe(true);
      expect((calls[index]?.[2] ?? 0) >= (calls[index - 1]?.[2] ?? 0)).toBe(true);
    }
    // Files are read 256 KiB at a time, with a call after each chunk.
    expect(calls.length).toBeGreaterThanOrEqual(Math.ceil(totalBytes / (256 * 1024)));
  });

  it('keeps only the first failures, counts them all, and keeps vector and layer failures in file order', async () => {
    const [layer = ''] = readFileSync(sharedPath('anchors/layers', 'tflite-micro.jsonl'), 'utf8').split('\n');
    const record = JSON.parse(layer) as { name: string; output: { data: number[] } };
    record.output.data[0] = (record.output.data[0] ?? 0) + 1;
    const directory = temporaryDirectory();
    const first = join(directory, 'first.jsonl');
    const second = join(directory, 'second.jsonl');
    writeFileSync(first, [WRONG, JSON.stringify(record), RIGHT].join('\n'));
    writeFileSync(second, `${WRONG}\n${WRONG}\n`);
    const run = await runConformanceFiles([first, second], { keepFailures: 3 });
    expect([run.passed, run.failed]).toEqual([1, 4]);
    expect(run.failures.map((entry) => [entry.kind, entry.failure.file, entry.failure.line])).toEqual([
      ['vector', first, 1],
      ['layer', first, 2],
      ['vector', second, 1],
    ]);
    expect(run.files).toEqual([
      { file: first, cases: 3 },
      { file: second, cases: 2 },
    ]);
    expect((await runConformanceFiles([first, second], { keepFailures: 0 })).failures).toEqual([]);
  });
});
