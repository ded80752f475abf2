/** The package's typed API is the one the CLI uses: load, simulate, report. */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { jsonReport, loadGraphFile, loadHardwareFile, simulate, totals } from '../src/index.js';
import { FIXTURES, REPO } from './support/files.js';

it('simulate(graph, hardware, options) returns the result the reports are made from', () => {
  const graph = loadGraphFile(join(FIXTURES, 'tiny-graph.json'));
  const hardware = loadHardwareFile(join(REPO, 'configs/edge-npu.json'));
  const result = simulate(graph, hardware, { seed: 3 });
  expect(result.layers.map((layer) => layer.name)).toEqual(['conv', 'dw', 'pool', 'flatten', 'fc']);
  expect(totals(result).macs).toBe(978);
  expect(result.tensors.get('logits')?.length).toBe(2);
  expect(jsonReport(result)).toBe(jsonReport(simulate(graph, hardware, { seed: 3 })));
});
