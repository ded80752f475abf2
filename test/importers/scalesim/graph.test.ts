/**
 * importScaleSimGraph reports its progress layer by layer (the CLI's bar), and importTooLarge finds
 * the first layer at which the written files would pass what npusim reads back.
 */
import { describe, expect, it } from 'vitest';
import { importScaleSimGraph, importTooLarge } from '../../../src/importers/scalesim/graph.js';
import { parseTopology } from '../../../src/scalesim/topology.js';

const HEADER = 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n';

describe('importScaleSimGraph', () => {
  it('reports each layer built, from 0 to all', () => {
    const layers = parseTopology(`${HEADER}A,6,6,3,3,2,3,1,\nB,5,5,1,1,4,2,1,\nCDP,4,4,3,3,2,1,1,\n`, 't.csv', 'conv');
    const calls: Array<[number, number]> = [];
    const imported = importScaleSimGraph(layers, {
      graphName: 't',
      description: 'test',
      inputType: 'conv',
      seed: 1,
      sidecarFile: 't.bin',
      onProgress: (done, total) => calls.push([done, total]),
    });
    expect(imported.layers.map((layer) => layer.name)).toEqual(['A', 'B', 'CDPChannel_0', 'CDPChannel_1']);
    expect(calls).toEqual([
      [0, 4],
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
  });
});

describe('importTooLarge', () => {
  const layers = parseTopology('Layer, M, N, K,\nA,4,4,4,\nB,1,1000,100,\nC,1,1000,1,\n', 'g.csv', 'gemm');

  it('finds the layer at which the weights and biases pass the sidecar limit', () => {
    // A: 16 + 16 bytes; B: 100000 + 4000; C: 1000 + 4000.
    expect(importTooLarge(layers, 109_032, 1e9)).toBeUndefined();
    expect(importTooLarge(layers, 109_031, 1e9)?.index).toBe(2);
    expect(importTooLarge(layers, 104_031, 1e9)).toEqual({
      index: 1,
      what: "with this layer the weights and biases would pass the 101.6 KiB npusim reads from a graph's sidecar",
    });
  });

  it('finds the layer at which the graph passes the JSON limit (10 characters a filter at least)', () => {
    expect(importTooLarge(layers, 1e9, 20_040)).toBeUndefined();
    expect(importTooLarge(layers, 1e9, 20_039)?.index).toBe(2);
  });
});
