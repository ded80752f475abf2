/**
 * The exact-count checks' fast path (exactCountSum) sums every count the messages describe
 * (countsOf): on every layer of real networks on every shipped config, its sum is theirs.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHardwareFile } from '../../src/formats/loadHardware.js';
import { describedCounts, exactCountSum } from '../../src/lower/exactCounts.js';
import { checkAndLower } from '../../src/pipeline/index.js';
import { DEFAULT_ZOO_QUANT, zooGraph } from '../../src/zoo/graph.js';
import { REPO } from '../support/files.js';

describe('exactCountSum', () => {
  it('sums exactly the counts countsOf describes, on every layer kind and config', () => {
    const configs = readdirSync(join(REPO, 'configs')).filter((name) => name.endsWith('.json'));
    expect(configs.length).toBeGreaterThan(3);
    let layers = 0;
    for (const name of ['small_cnn', 'mobilenet_v2']) {
      const graph = zooGraph(name, DEFAULT_ZOO_QUANT);
      for (const config of configs) {
        for (const layer of checkAndLower(graph, loadHardwareFile(join(REPO, 'configs', config))).layers) {
          const described = describedCounts(layer);
          expect(exactCountSum(layer), `${config}: ${layer.name}`).toBe(described.reduce((a, b) => a + b, 0));
          // Both walk one list (forEachCount); this holds the sum and its exactness to the described values.
          layers += 1;
        }
      }
    }
    expect(layers).toBeGreaterThan(100);
  });

  it('is NaN where a count is not an exact integer', () => {
    const graph = zooGraph('small_cnn', DEFAULT_ZOO_QUANT);
    const layer = checkAndLower(graph, loadHardwareFile(join(REPO, 'configs/edge-npu.json'))).layers[0];
    if (layer === undefined) throw new Error('no layer');
    expect(exactCountSum({ ...layer, cycles: { ...layer.cycles, memoryStall: 0.5 } })).toBeNaN();
    expect(exactCountSum({ ...layer, traffic: { ...layer.traffic, dramTransfers: 2 ** 60 } })).toBeNaN();
  });
});
