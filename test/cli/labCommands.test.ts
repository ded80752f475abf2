/**
 * The lab commands through the CLI, on the shipped MNIST model: study rows (JSON keys scripts rely
 * on, identical for any number of workers), search writing its bits file and graph, and the clear
 * errors of bad lab input (exit 2, the file named, nothing written).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { REPO, temporaryDirectory } from '../support/files.js';

const HW = join(REPO, 'configs/edge-npu.json');
const QUICK = ['--data', 'mnist', '--hw', HW, '--limit', '60', '--calib-images', '20'];

interface StudyJson {
  rows: {
    index: number;
    weightBits: number;
    perChannel: boolean;
    accuracy: number;
    floatAccuracy: number;
    agreement: number;
    weightBytes: number;
    layers: { name: string; sqnrDb: number; sqnrDbAlone: number }[];
    error: string | null;
  }[];
}

describe('npusim study and search', () => {
  it('study: one row per scheme of the grid, the same bytes in process and on 2 worker threads', async () => {
    const args = ['study', 'zoo:mnist_cnn', ...QUICK, '--grid', 'weight-bits=4,8', '--grid', 'per-channel=true,false', '--format', 'json'];
    const one = await runCli([...args, '--sqnr-images', '4', '--jobs', '1']);
    expect(one.stderr).toBe('');
    expect(one.exitCode).toBe(0);
    // Worker threads run the compiled worker: the built CLI (npm test builds first), 1,001 images in chunks of 500 over 2 workers.
    const wide = [
      'study',
      'zoo:mnist_cnn',
      '--data',
      'mnist',
      '--hw',
      HW,
      '--limit',
      '1001',
      '--calib-images',
      '20',
      '--sqnr-images',
      '2',
      '--format',
      'json',
    ];
    const built = spawnSync(process.execPath, [join(REPO, 'bin/npusim.js'), ...wide, '--jobs', '2'], { encoding: 'utf8' });
    const inProcess = await runCli([...wide, '--jobs', '1']);
    expect(built.stderr).toBe('');
    expect(built.stdout).toBe(inProcess.stdout);
    const study = JSON.parse(one.stdout) as StudyJson;
    expect(study.rows.map((row) => [row.index, row.weightBits, row.perChannel])).toEqual([
      [0, 4, true],
      [1, 4, false],
      [2, 8, true],
      [3, 8, false],
    ]);
    for (const row of study.rows) {
      expect(row.error).toBeNull();
      expect(row.accuracy).toBeGreaterThan(0.8);
      expect(row.layers.map((layer) => layer.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'fc1', 'fc2']);
    }
    // 4-bit weights take half the bytes of 8-bit ones (biases stay 32-bit).
    expect(study.rows[0]?.weightBytes).toBe(13580);
    expect(study.rows[2]?.weightBytes).toBe(26896);
    const shard = await runCli([...args, '--jobs', '1', '--shard', '1/2']);
    expect((JSON.parse(shard.stdout) as StudyJson).rows.map((row) => row.index)).toEqual([1, 3]);
  });

  it('a scheme the hardware cannot run is a row with its reason, not a failed study', async () => {
    const result = await runCli([
      'study',
      'zoo:mnist_cnn',
      ...QUICK,
      '--weight-bits',
      '8',
      '--grid',
      'activation-bits=4,8',
      '--format',
      'json',
    ]);
    expect(result.exitCode).toBe(0);
    const rows = (JSON.parse(result.stdout) as StudyJson).rows;
    expect(rows[0]?.error).toMatch(/s8.*s4|operand mode/);
    expect(rows[1]?.error).toBeNull();
  });

  it('search: lowers layers within the budget and writes the bits file and the graph, which evaluate reads back', async () => {
    const folder = temporaryDirectory();
    const bits = join(folder, 'bits.json');
    const graph = join(folder, 'mixed.json');
    const result = await runCli([
      'search',
      'zoo:mnist_cnn',
      ...QUICK,
      '--sqnr-images',
      '0',
      '--max-drop',
      '2',
      '--bits-out',
      bits,
      '--graph-out',
      graph,
      '--format',
      'json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      bitsPerLayer: Record<string, { weights: number }>;
      accuracy: number;
      floatAccuracy: number;
      weightBytes: number;
      steps: unknown[];
    };
    expect(Object.keys(summary.bitsPerLayer)).toEqual(['conv1', 'conv2', 'fc1', 'fc2']);
    expect(summary.floatAccuracy - summary.accuracy).toBeLessThanOrEqual(0.02);
    expect(summary.steps.length).toBeGreaterThan(0);
    expect(summary.weightBytes).toBeLessThan(26896);
    expect(JSON.parse(readFileSync(bits, 'utf8'))).toEqual(summary.bitsPerLayer);
    // More --jobs than cores only costs memory: capped, with a note, and the result is the same.
    const evaluated = await runCli([
      'evaluate',
      graph,
      '--hw',
      HW,
      '--data',
      'mnist',
      '--limit',
      '60',
      '--sqnr-images',
      '0',
      '--format',
      'json',
      '--jobs',
      '64',
    ]);
    expect(evaluated.exitCode).toBe(0);
    expect(evaluated.stderr.split('\n')).toContain(`note: --jobs 64 was capped at ${availableParallelism()}, the cores of this machine`);
    expect((JSON.parse(evaluated.stdout) as { accuracy: number }).accuracy).toBe(summary.accuracy);
  });
});

describe('bad lab input', () => {
  it('a float model where a quantized graph goes, a bad grid, a bad bits file, a graph with no float model', async () => {
    const folder = temporaryDirectory();
    const run = await runCli(['run', 'zoo:mnist_cnn', '--hw', HW]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/float model.*npusim quantize zoo:mnist_cnn --calib mnist/);
    const grid = await runCli(['study', 'zoo:mnist_cnn', ...QUICK, '--grid', 'weight-bits=1']);
    expect(grid.exitCode).toBe(2);
    expect(grid.stderr).toMatch(/bits are whole numbers from 2 to 16, got "1"/);
    const bitsFile = join(folder, 'bits.json');
    writeFileSync(bitsFile, '{"conv1": {"weights": 17}}');
    const out = join(folder, 'g.json');
    const bits = await runCli([
      'quantize',
      'zoo:mnist_cnn',
      '--calib',
      'mnist',
      '--calib-images',
      '5',
      '--bits-per-layer',
      bitsFile,
      '--out',
      out,
    ]);
    expect(bits.exitCode).toBe(2);
    expect(bits.stderr).toContain(bitsFile);
    expect(bits.stderr).toMatch(/\$\["conv1"\]\.weights.*expected a width in bits, a whole number from 2 to 16, got 17/s);
    expect(existsSync(out)).toBe(false);
    const calibration = await runCli(['quantize', 'zoo:mnist_cnn', '--calib', 'mnist', '--calibration', 'percentile:20', '--out', out]);
    expect(calibration.exitCode).toBe(2);
    expect(calibration.stderr).toMatch(/percentile:P with 50 < P <= 100/);
    const zoo = join(folder, 'small.json');
    expect((await runCli(['zoo', 'small_cnn', '--out', zoo])).exitCode).toBe(0);
    const noFloat = await runCli(['evaluate', zoo, '--hw', HW, '--data', 'mnist']);
    expect(noFloat.exitCode).toBe(2);
    expect(noFloat.stderr).toMatch(/names no float model.*--float/);
    const data = await runCli(['quantize', 'zoo:mnist_cnn', '--calib', join(folder, 'missing'), '--out', out]);
    expect(data.exitCode).toBe(2);
    expect(data.stderr).toMatch(/expected mnist or fashion-mnist, or a folder/);
  });
});
