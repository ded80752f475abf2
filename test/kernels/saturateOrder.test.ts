/**
 * Saturating accumulators make the result depend on the order of the adds; the order is the one
 * each dataflow's mapping fixes (docs/cycle-model.md). Worked by hand for a 1x1 convolution over
 * four channels with inputs 30000, 30000, -30000, -30000, weights 1, no bias, 16-bit accumulators.
 */
import { describe, expect, it } from 'vitest';
import { convolve, type ConvGeometry } from '../../src/kernels/conv.js';
import { mapLayer } from '../../src/lower/mapping.js';
import type { Dataflow } from '../../src/formats/hardwareSchema.js';

const GEOMETRY: ConvGeometry = {
  batch: 1,
  inHeight: 1,
  inWidth: 1,
  inChannels: 4,
  outHeight: 1,
  outWidth: 1,
  outChannels: 1,
  kernelHeight: 1,
  kernelWidth: 1,
  strideHeight: 1,
  strideWidth: 1,
  dilationHeight: 1,
  dilationWidth: 1,
  padTop: 0,
  padLeft: 0,
  groupChannels: 4,
  groupOutputs: 1,
  depthwise: false,
};

function run(dataflow: Dataflow, rows: number, overflow: 'wrap' | 'saturate') {
  const mapping = mapLayer({ pixels: 1, filters: 1, depth: 4, groups: 1 }, { rows, columns: 4, macsPerPePerCycle: 1 }, dataflow);
  return convolve({
    geometry: GEOMETRY,
    input: Int32Array.from([30000, 30000, -30000, -30000]),
    inputZeroPoint: 0,
    weights: Int32Array.from([1, 1, 1, 1]),
    bias: undefined,
    accumulator: { bits: 16, overflow, kFold: mapping.kFold },
    requant: [{ mode: 'shift-only', shift: 0, rounding: 'floor' }],
    output: { zeroPoint: 0, min: -32768, max: 32767 },
    activation: { min: -32768, max: 32767 },
    int32RequantInput: false,
  });
}

describe("saturating accumulation follows each dataflow's order", () => {
  it('os: one accumulator, 30000 -> 32767 (saturated) -> 2767 -> -27233', () => {
    const result = run('os', 2, 'saturate');
    expect(Array.from(result.accumulators ?? [])).toEqual([-27233]);
    expect([result.overflow.accumulatorTransient, result.overflow.accumulatorFinal]).toEqual([1, 1]);
  });

  it('ws on 2 rows: folds of 2; (30000 + 30000 -> 32767) + (-30000 - 30000 -> -32768) = -1', () => {
    const result = run('ws', 2, 'saturate');
    expect(Array.from(result.accumulators ?? [])).toEqual([-1]);
    expect([result.overflow.accumulatorTransient, result.overflow.accumulatorFinal]).toEqual([2, 1]);
  });

  it('is on 3 rows: folds of 3 and 1; (30000 + 30000 -> 32767 - 30000 = 2767) + (-30000) = -27233', () => {
    const result = run('is', 3, 'saturate');
    expect(Array.from(result.accumulators ?? [])).toEqual([-27233]);
    expect([result.overflow.accumulatorTransient, result.overflow.accumulatorFinal]).toEqual([1, 1]);
  });

  it.each([
    ['os', 2],
    ['ws', 2],
    ['is', 3],
  ] as const)('%s with wrap ends at the exact sum, 0', (dataflow, rows) => {
    const result = run(dataflow, rows, 'wrap');
    expect(Array.from(result.accumulators ?? [])).toEqual([0]);
    expect(result.overflow.accumulatorFinal).toBe(0);
    expect(result.overflow.accumulatorTransient).toBeGreaterThan(0);
  });
});
