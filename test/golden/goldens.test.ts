/** The goldens in traces/ match this build: what CI runs as `npx npusim check traces/*.json`. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { REPO } from '../support/files.js';

const TRACES = join(REPO, 'traces');

describe('traces/', () => {
  it('covers MobileNet v1, MobileNet v2 and ResNet-18 on three presets', () => {
    expect(
      readdirSync(TRACES)
        .filter((name) => name.endsWith('.json'))
        .sort(),
    ).toEqual([
      'mobilenet_v1.edge-npu.json',
      'mobilenet_v1.ethos-u55-like.json',
      'mobilenet_v1.tpu-v1-like.json',
      'mobilenet_v2.edge-npu.json',
      'mobilenet_v2.ethos-u55-like.json',
      'mobilenet_v2.tpu-v1-like.json',
      'resnet18.edge-npu.json',
      'resnet18.ethos-u55-like.json',
      'resnet18.tpu-v1-like.json',
    ]);
  });

  it('every golden matches a fresh run (exit 0)', async () => {
    const files = readdirSync(TRACES)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => join(TRACES, name));
    const run = await runCli(['check', ...files]);
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n').filter((line) => line.startsWith('ok   ')).length).toBe(9);
    expect(run.exitCode).toBe(0);
  });
});
