/** Whole-number options and seeds: a value outside its range, a fraction, a word or a flag given twice is a usage error (exit 2), never a silently different number. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWholeNumber } from '../../src/cli/options.js';
import { UsageError } from '../../src/cli/usage.js';
import { expectUsageError } from '../support/badInput.js';
import { FIXTURES, REPO, temporaryDirectory } from '../support/files.js';
import { runCli } from '../support/cli.js';

const HW = join(REPO, 'configs/edge-npu.json');
const GRAPH = join(FIXTURES, 'tiny-graph.json');

describe('whole-number options', () => {
  it('refuse negatives, words, fractions and exponents, naming the flag and its range', async () => {
    for (const value of ['-5', 'abc', '1.5', '1e3', '', '0x10']) {
      await expectUsageError(
        ['run', GRAPH, '--hw', HW, '--trace-max-events', value],
        `--trace-max-events takes a whole number from 0 to 10000000, got "${value}"`,
      );
    }
    await expectUsageError(
      ['vectors', 'x.jsonl', '--max-failures', '-1'],
      '--max-failures takes a whole number from 0 to 1000000000, got "-1"',
    );
    await expectUsageError(['check', 'x.json', '--limit', 'all'], '--limit takes a whole number from 0 to 1000000000, got "all"');
  });

  it('seeds are 0..2^32-1: 2^32 would alias seed 0, and 2^64 and 2^64+1 would give the same run', async () => {
    await expectUsageError(
      ['zoo', 'small_cnn', '--out', join(temporaryDirectory(), 'z.json'), '--seed', '4294967296'],
      '--seed takes a whole number from 0 to 4294967295, got "4294967296"',
    );
    const run = await runCli(['run', GRAPH, '--hw', HW, '--input', '18446744073709551617']);
    expect([run.exitCode, run.stderr]).toEqual([
      2,
      'error: --input: a seed is a whole number from 0 to 4294967295, got 18446744073709551617\n',
    ]);
    const largest = await runCli(['run', GRAPH, '--hw', HW, '--input', '4294967295', '--format', 'csv']);
    expect(largest.exitCode).toBe(0);
  });

  it('a flag given twice is refused rather than the last one silently winning', async () => {
    await expectUsageError(['run', GRAPH, '--hw', HW, '--hw', HW], '--hw is given 2 times; give it once');
    await expectUsageError(['zoo', 'small_cnn', '--out', 'a.json', '--seed', '1', '--seed', '2'], '--seed is given 2 times; give it once');
  });

  it('parseWholeNumber keeps values exact up to 2^53', () => {
    expect(parseWholeNumber('9007199254740991', '--x', 0, Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => parseWholeNumber('9007199254740993', '--x', 0, Number.MAX_SAFE_INTEGER)).toThrow(UsageError);
    expect(parseWholeNumber(' +7 ', '--x', 0, 10)).toBe(7);
  });
});
