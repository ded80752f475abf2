/** Every report names the run's requantization mode and, when the graph says, the one it was quantized for. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { REPO } from '../support/files.js';
import { edgeNpuUnder } from '../support/presets.js';

const config = (name: string) => join(REPO, 'configs', `${name}.json`);

describe('the requantization a run used beside the one the graph was made for', () => {
  it('a TFLite model under HVX requantization: the table and Markdown say it differs by design, JSON names both', async () => {
    const model = join(REPO, 'models/person_detect.tflite');
    const table = await runCli(['run', model, '--hw', config('hexagon-like')]);
    expect(table.exitCode).toBe(0);
    expect(table.stdout.split('\n')[0]).toBe(
      "person_detect on hexagon-like (1000 MHz), energy table horowitz45, requantization hvx; the model was quantized for tflite-double, so outputs differ from its library's by design",
    );
    const json = await runCli(['run', model, '--hw', config('hexagon-like'), '--format', 'json']);
    expect(JSON.parse(json.stdout).requant).toEqual({ mode: 'hvx', quantizedFor: 'tflite-double' });
    const markdown = await runCli(['run', model, '--hw', config('hexagon-like'), '--format', 'md']);
    expect(markdown.stdout).toContain(
      "; requantization hvx; the model was quantized for tflite-double, so outputs differ from its library's by design.",
    );
  });

  it("a TFLite model under TFLite's single-rounding build: that build of the model's own library, not a difference by design", async () => {
    const single = edgeNpuUnder('tflite-single');
    const table = await runCli(['run', join(REPO, 'models/person_detect.tflite'), '--hw', single]);
    expect(table.exitCode).toBe(0);
    expect(table.stdout.split('\n')[0]).toBe(
      'person_detect on edge-npu (800 MHz), energy table horowitz45, requantization tflite-single, the TFLITE_SINGLE_ROUNDING build of TFLite, the library the model was quantized for (tflite-double is the default build)',
    );
  });

  it('a graph that does not say: the run mode alone, and null in JSON', async () => {
    const graph = join(REPO, 'test/fixtures/tiny-graph.json');
    const table = await runCli(['run', graph, '--hw', config('edge-npu')]);
    expect(table.stdout.split('\n')[0]).toMatch(/, requantization tflite-double$/);
    const json = await runCli(['run', graph, '--hw', config('edge-npu'), '--format', 'json']);
    expect(JSON.parse(json.stdout).requant).toEqual({ mode: 'tflite-double', quantizedFor: null });
  });
});
