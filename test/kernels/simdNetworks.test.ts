/**
 * Whole networks give byte-identical reports with the SIMD kernels and with the plain TypeScript
 * ones, on every shipped config: outputs, cycles, energy (zero-gated MACs included), overflow
 * events with their first locations, and headroom. (The goldens in traces/ hold the SIMD runs to
 * the reviewed numbers; the property tests hold both kernels to the reference layer by layer.)
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadHardwareFile } from '../../src/formats/loadHardware.js';
import { simulate } from '../../src/pipeline/index.js';
import { jsonReport } from '../../src/report/json.js';
import { loadGraphArgument } from '../../src/pipeline/graphArgument.js';
import { REPO } from '../support/files.js';
import { SHIPPED_PRESETS } from '../support/presets.js';

const CONFIGS = readdirSync(join(REPO, 'configs'))
  .filter((name) => name.endsWith('.json'))
  .sort();

function reportWith(kernels: 'simd' | 'plain', graph: string, config: string): string {
  process.env.NPUSIM_KERNELS = kernels;
  return jsonReport(simulate(loadGraphArgument(graph), loadHardwareFile(join(REPO, 'configs', config))));
}

afterEach(() => {
  delete process.env.NPUSIM_KERNELS;
});

describe('SIMD and plain kernels', () => {
  it('runs every shipped config', () => {
    expect(CONFIGS).toEqual(SHIPPED_PRESETS);
  });

  for (const config of CONFIGS) {
    it(`give the same report for zoo:small_cnn on ${config}`, () => {
      const simd = reportWith('simd', 'zoo:small_cnn', config);
      expect(simd).toBe(reportWith('plain', 'zoo:small_cnn', config));
    });
  }

  for (const [graph, config] of [
    ['zoo:mobilenet_v1', 'edge-npu.json'],
    ['zoo:mobilenet_v1', 'hexagon-like.json'],
    ['zoo:person_detect', 'edge-npu.json'],
  ] as const) {
    it(`give the same report for ${graph} on ${config}`, () => {
      const simd = reportWith('simd', graph, config);
      expect(simd).toBe(reportWith('plain', graph, config));
    });
  }
});
