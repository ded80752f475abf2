/**
 * The acceptance of the overflow report: with 16-bit accumulators every layer whose final sums need
 * more than 16 bits reports final overflows with a first location and no other layer does; at the
 * smallest safe width the report states there are none, and one bit less is not safe.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { readJson, REPO, temporaryDirectory, writeJson } from '../support/files.js';

interface Report {
  totals: { overflow: { accumulatorFinal: number; smallestSafeAccumulatorBits: number } };
  layers: Array<{
    name: string;
    unit: string;
    overflow: { finalBits: number; accumulatorFinal: number; firstFinal: { output: number; k: number } | null };
  }>;
}

async function runAt(bits: number, graph: string): Promise<Report> {
  const directory = temporaryDirectory();
  const hardware = readJson(join(REPO, 'configs/edge-npu.json')) as { accumulator: { bits: number }; $schema?: string };
  delete hardware.$schema;
  hardware.accumulator.bits = bits;
  const config = join(directory, 'hw.json');
  writeJson(config, hardware);
  const out = join(directory, 'report.json');
  const run = await runCli(['run', graph, '--hw', config, '--format', 'json', '--out', out]);
  expect(run.exitCode).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as Report;
}

describe('overflow report and the smallest safe accumulator width', () => {
  it('small CNN: finals exactly where the sums need more than 16 bits, and the stated width is safe and minimal', async () => {
    const at16 = await runAt(16, 'zoo:small_cnn');
    const array = at16.layers.filter((layer) => layer.unit === 'array');
    expect(array.some((layer) => layer.overflow.finalBits > 16)).toBe(true);
    for (const layer of array) {
      if (layer.overflow.finalBits > 16) {
        expect(layer.overflow.accumulatorFinal, layer.name).toBeGreaterThan(0);
        expect(layer.overflow.firstFinal, layer.name).not.toBeNull();
      } else {
        expect(layer.overflow.accumulatorFinal, layer.name).toBe(0);
      }
    }
    const safe = at16.totals.overflow.smallestSafeAccumulatorBits;
    expect(safe).toBeGreaterThan(16);
    const atSafe = await runAt(safe, 'zoo:small_cnn');
    expect(atSafe.totals.overflow.accumulatorFinal).toBe(0);
    expect(atSafe.totals.overflow.smallestSafeAccumulatorBits).toBe(safe);
    const below = await runAt(safe - 1, 'zoo:small_cnn');
    expect(below.totals.overflow.accumulatorFinal).toBeGreaterThan(0);
  });
});
