/** Tiles and event times of docs/cycle-model.md's worked example (4 x 4 array, P = 9, F = 6, K = 18), by hand. */
import { describe, expect, it } from 'vitest';
import { eventClock } from '../../src/lower/eventClock.js';
import type { ConvGeometry } from '../../src/graph/geometry.js';
import { mapLayer } from '../../src/lower/mapping.js';
import { planTiles, type SramBudget, tileDemand } from '../../src/lower/tiling.js';

const GEMM = { pixels: 9, filters: 6, depth: 18, groups: 1 };
const ARRAY = { rows: 4, columns: 4, macsPerPePerCycle: 1 };
const BITS = { weightBits: 8, activationBits: 8, outputBits: 8, accumulatorBits: 32 };
const SPLIT: SramBudget = { inputs: 64, weights: 64, outputs: 128, unified: false };

describe('tiles: the longest run of steps that fits beside the fold', () => {
  it.each([
    // ws: 16 weight bytes fixed; a step streams 4 input bytes and makes 4 partial sums (16 bytes).
    // Doubled: inputs 8s <= 64, outputs 32s <= 128, so s = 4 of 9 steps: 3 tiles a fold, 30 in all.
    ['ws', 4, 3, 30, { inputs: 32, weights: 32, outputs: 128 }],
    // os: 16 output bytes fixed; a step streams 4 input and 4 weight bytes: 8s <= 64, s = 8 of 18.
    ['os', 8, 3, 18, { inputs: 64, weights: 64, outputs: 32 }],
    // is: 16 input bytes fixed; a step streams 4 weight bytes and makes 16 bytes of partial sums: s = 4 of 6.
    ['is', 4, 2, 30, { inputs: 32, weights: 32, outputs: 128 }],
  ] as const)('%s, split SRAM, double buffered', (dataflow, stepsPerTile, tilesPerFold, tiles, bytes) => {
    const mapping = mapLayer(GEMM, ARRAY, dataflow);
    const plan = planTiles(mapping, tileDemand(mapping, 4, 4, BITS), SPLIT, true);
    expect(plan && [plan.stepsPerTile, plan.tilesPerFold, plan.tiles, plan.bytes]).toEqual([stepsPerTile, tilesPerFold, tiles, bytes]);
  });

  it('a unified SRAM bounds the sum; a whole fold fits in one tile when it can', () => {
    const mapping = mapLayer(GEMM, ARRAY, 'ws');
    // 16 + 20s <= 256 gives s = 12, more than the 9 steps there are.
    const plan = planTiles(mapping, tileDemand(mapping, 4, 4, BITS), { inputs: 256, weights: 256, outputs: 256, unified: true }, false);
    expect(plan && [plan.stepsPerTile, plan.tilesPerFold, plan.tiles]).toEqual([9, 1, 10]);
  });

  it('no tile when the stationary block alone does not fit', () => {
    const mapping = mapLayer(GEMM, ARRAY, 'ws');
    expect(planTiles(mapping, tileDemand(mapping, 4, 4, BITS), { ...SPLIT, weights: 16 }, true)).toBeUndefined();
  });
});

describe('event clock: hardware order, not loop order', () => {
  // A 3 x 3 x 2 convolution with 6 filters on a 3 x 3 output: P = 9, F = 6, K = 18.
  const geometry: ConvGeometry = {
    batch: 1,
    inHeight: 3,
    inWidth: 3,
    inChannels: 2,
    outHeight: 3,
    outWidth: 3,
    outChannels: 6,
    kernelHeight: 3,
    kernelWidth: 3,
    strideHeight: 1,
    strideWidth: 1,
    dilationHeight: 1,
    dilationWidth: 1,
    padTop: 1,
    padLeft: 1,
    groupChannels: 2,
    groupOutputs: 6,
    depthwise: false,
  };

  it('ws: folds go column fold then row fold; in a fold, pixel step plus skew', () => {
    const clock = eventClock(mapLayer(GEMM, ARRAY, 'ws'), geometry, 4, 4);
    // Fold span 9 + 4 + 4 + 2 = 19. Output 17 is pixel 2, filter 5 (column fold 1); k = 9 is in row
    // fold 2: fold (0 x 2 + 1) x 5 + 2 = 7, skew 1 + 1: 7 x 19 + 2 + 2 = 137.
    expect(clock(17, 9)).toBe(137);
    // Pixel 0, filter 5, k = 17 (row fold 4): fold 9, 9 x 19 + 0 + 1 + 1 = 173, later although the
    // loops visit it first.
    expect(clock(5, 17)).toBe(173);
    // The bias loads as the first fold starts; the merge of fold 1 goes with its last product (k = 7).
    expect(clock(17, -1)).toBe(5 * 19 + 2);
    expect(clock(17, 18 + 1)).toBe(clock(17, 7));
  });

  it('os: pixels on rows, K streamed', () => {
    const clock = eventClock(mapLayer(GEMM, ARRAY, 'os'), geometry, 4, 4);
    // Fold span 18 + 10 = 28. Pixel 5 is row fold 1, filter 2 column fold 0: fold 0 x 3 + 1 = 1;
    // step k = 3, skew 1 + 2: 28 + 3 + 3 = 34.
    expect(clock(5 * 6 + 2, 3)).toBe(34);
  });

  it('is: K on rows, pixels on columns, filters streamed', () => {
    const clock = eventClock(mapLayer(GEMM, ARRAY, 'is'), geometry, 4, 4);
    // Fold span 6 + 10 = 16. Pixel 5 is column fold 1, k = 6 row fold 1: fold 1 x 5 + 1 = 6; step
    // filter 4, skew 2 + 1: 96 + 4 + 3 = 103.
    expect(clock(5 * 6 + 4, 6)).toBe(103);
  });
});
