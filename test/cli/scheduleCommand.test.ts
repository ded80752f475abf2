/** `npusim schedule`: the lowered schedule on its own, the same cycles `run` reports, no values computed. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { FIXTURES, REPO } from '../support/files.js';

const HW = join(REPO, 'configs/edge-npu.json');

interface ScheduleJson {
  format: string;
  dataflow: string;
  layers: {
    name: string;
    unit: string;
    cycles: { total: number };
    mapping?: { folds: number; kFold?: number };
    tiling?: { stepsPerTile: number; tiles: number };
  }[];
}

describe('npusim schedule', () => {
  it('prints every layer of MobileNet v1 with its folds and tiles', async () => {
    const run = await runCli(['schedule', 'zoo:mobilenet_v1', '--hw', HW]);
    expect(run.exitCode).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('mobilenet_v1 on edge-npu: ws dataflow, 800 MHz');
    expect(lines.filter((line) => /^(conv1|block\d+_(dw|pw)|fc) /.test(line))).toHaveLength(28);
    // block1_dw: 32 channels of 3 x 3 packed three a fold on 32 rows: 11 folds.
    expect(lines.find((line) => line.startsWith('block1_dw '))).toMatch(/ 1x1x11=11 /);
  });

  it('gives, as JSON, the cycles the run reports for every layer', async () => {
    const graph = join(FIXTURES, 'tiny-graph.json');
    const schedule = JSON.parse((await runCli(['schedule', graph, '--hw', HW, '--format', 'json'])).stdout) as ScheduleJson;
    const report = JSON.parse((await runCli(['run', graph, '--hw', HW, '--format', 'json'])).stdout) as {
      layers: { name: string; cycles: { total: number } }[];
    };
    expect(schedule.format).toBe('npusim-schedule');
    expect(schedule.layers.map((layer) => [layer.name, layer.cycles.total])).toEqual(
      report.layers.map((layer) => [layer.name, layer.cycles.total]),
    );
    const conv = schedule.layers.find((layer) => layer.unit === 'array');
    expect(conv?.tiling?.tiles).toBeGreaterThanOrEqual(conv?.mapping?.folds ?? Infinity);
  });

  it("has totals, equal to the run report's and to the sum of its layers", async () => {
    const graph = join(FIXTURES, 'tiny-graph.json');
    const schedule = JSON.parse((await runCli(['schedule', graph, '--hw', HW, '--format', 'json'])).stdout) as ScheduleJson & {
      totals: { layers: number; macs: number; cycles: number };
    };
    const report = JSON.parse((await runCli(['run', graph, '--hw', HW, '--format', 'json'])).stdout) as {
      totals: { macs: number; cycles: number };
    };
    expect(schedule.totals.layers).toBe(schedule.layers.length);
    expect([schedule.totals.macs, schedule.totals.cycles]).toEqual([report.totals.macs, report.totals.cycles]);
    expect(schedule.totals.cycles).toBe(schedule.layers.reduce((sum, layer) => sum + layer.cycles.total, 0));
  });
});
