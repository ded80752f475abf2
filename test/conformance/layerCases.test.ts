/**
 * Every whole-layer anchor (TFLite Micro's reference kernels in both rounding builds, onnxruntime)
 * through the engine's kernels: outputs and accumulators exactly, under every mode that claims the
 * library's arithmetic, on every dataflow's accumulation split; and through `npusim vectors`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLayerCaseRecord, parseLayerCase, runLayerCase } from '../../src/conformance/layerCases.js';
import { runCli } from '../support/cli.js';
import { temporaryDirectory } from '../support/files.js';
import { sharedPath } from '../support/sharedFolder.js';

const FILES = ['tflite-micro.jsonl', 'onnxruntime.jsonl', 'onnxruntime-bigacc.jsonl'];

function lines(file: string): string[] {
  return readFileSync(sharedPath('anchors/layers', file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

describe('layer anchors through the engine', () => {
  for (const file of FILES) {
    const cases = lines(file).map((line, index) => parseLayerCase(JSON.parse(line) as Record<string, unknown>, file, index + 1));
    it(`${file}: every line is a layer case`, () => {
      expect(lines(file).every((line) => isLayerCaseRecord(JSON.parse(line) as Record<string, unknown>))).toBe(true);
    });
    it.each(cases.map((c) => [c.record.name, c] as const))(`${file}: %s`, (_name, layerCase) => {
      expect(runLayerCase(layerCase)).toBeUndefined();
    });
  }
  it('the runs cover every op of the format, chains included', () => {
    const ops = new Set(FILES.flatMap((file) => lines(file).map((line) => (JSON.parse(line) as { op: string }).op)));
    expect([...ops].sort()).toEqual([
      'add',
      'avg_pool',
      'chain',
      'conv2d',
      'depthwise_conv2d',
      'fully_connected',
      'global_avg_pool',
      'max_pool',
    ]);
  });
});

describe('npusim vectors on layer-case files', () => {
  it('passes every anchor and exits 0', async () => {
    const run = await runCli(['vectors', ...FILES.map((file) => sharedPath('anchors/layers', file))]);
    expect([run.exitCode, run.stdout.trim().split('\n').at(-1)]).toEqual([0, '133 passed, 0 failed']);
  });

  it('a moved output value fails that case, names it, and exits 1', async () => {
    const [first, ...rest] = lines('tflite-micro.jsonl');
    const record = JSON.parse(first ?? '{}') as { name: string; output: { data: number[] } };
    record.output.data[0] = (record.output.data[0] ?? 0) + 1;
    const file = join(temporaryDirectory(), 'moved.jsonl');
    writeFileSync(file, [JSON.stringify(record), ...rest].join('\n'));
    const run = await runCli(['vectors', file]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`FAIL ${record.name}  ${file}:1`);
    expect(run.stdout).toMatch(/output\[0\]: got -?\d+, expected -?\d+/);
    expect(run.stdout.trim().split('\n').at(-1)).toBe(`${rest.length} passed, 1 failed`);
  });

  it('a layer case without its tensors is bad input (exit 2, file:line)', async () => {
    const file = join(temporaryDirectory(), 'broken.jsonl');
    writeFileSync(file, '{"name": "x", "op": "conv2d", "input": {"shape": [1]}}\n');
    const run = await runCli(['vectors', file]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`${file}:1: layer case: "input": expected a tensor {shape, zeroPoint, scale, data}`);
  });
});
