/**
 * One run's large layers split over kernel threads give the report a single thread gives, byte for
 * byte: narrow and wide lanes, the kernels' requantization and the TypeScript one, and a thread
 * count that does not divide the rows.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadHardwareFile } from '../../src/formats/loadHardware.js';
import { threadBudget } from '../../src/kernels/simd/threads.js';
import { simulate } from '../../src/pipeline/index.js';
import { jsonReport } from '../../src/report/json.js';
import { DEFAULT_ZOO_QUANT, zooGraph } from '../../src/zoo/graph.js';
import { REPO } from '../support/files.js';

afterEach(() => {
  delete process.env.NPUSIM_THREADS;
});

function reportOn(threads: number, config: string, activationBits: 8 | 16 = 8): string {
  process.env.NPUSIM_THREADS = String(threads);
  const graph = zooGraph('mobilenet_v1', { ...DEFAULT_ZOO_QUANT, activationBits });
  return jsonReport(simulate(graph, loadHardwareFile(join(REPO, 'configs', config))));
}

describe('kernel threads', () => {
  for (const [config, bits] of [
    ['edge-npu.json', 8],
    ['hexagon-like.json', 8],
    ['edge-npu.json', 16],
  ] as const) {
    it(`give one thread's report on MobileNet v1 A${bits}, ${config}, with 2 and 3 threads`, () => {
      const single = reportOn(1, config, bits);
      expect(reportOn(2, config, bits)).toBe(single);
      expect(reportOn(3, config, bits)).toBe(single);
    });
  }

  it('refuse an NPUSIM_THREADS that is not a thread count, naming it', () => {
    for (const value of ['0', 'two', '1.5', '65']) {
      process.env.NPUSIM_THREADS = value;
      expect(() => threadBudget()).toThrow(InputError);
      expect(() => threadBudget()).toThrow(`must be a whole number of threads, 1..64, got "${value}"`);
    }
  });
});
