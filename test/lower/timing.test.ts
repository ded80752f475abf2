/** The worked examples of docs/cycle-model.md, computed by hand there. */
import { describe, expect, it } from 'vitest';
import type { Hardware } from '../../src/hardware/model.js';
import { mapLayer } from '../../src/lower/mapping.js';
import { computeCycles } from '../../src/lower/timing.js';

const GEMM = { pixels: 9, filters: 6, depth: 18, groups: 1 };
const ARRAY = { rows: 4, columns: 4, macsPerPePerCycle: 1 };

function config(doubleBuffering: boolean): Hardware {
  return { array: { rows: 4, columns: 4 }, memory: { doubleBuffering } } as unknown as Hardware;
}

describe('cycle model worked examples (4 x 4 array, P = 9, F = 6, K = 18)', () => {
  it.each([
    ['ws', 18, 6, 9, 5, 2, 10, 100, 190, 0.675],
    ['os', 9, 6, 18, 3, 2, 6, 118, 168, 0.5625],
    ['is', 18, 9, 6, 5, 3, 15, 100, 240, 0.675],
  ] as const)('%s', (dataflow, rowsDemand, columnsDemand, steps, rowFolds, columnFolds, folds, buffered, unbuffered, efficiency) => {
    const mapping = mapLayer(GEMM, ARRAY, dataflow);
    expect([mapping.rowsDemand, mapping.columnsDemand, mapping.temporalLength]).toEqual([rowsDemand, columnsDemand, steps]);
    expect([mapping.rowFolds, mapping.columnFolds, mapping.folds]).toEqual([rowFolds, columnFolds, folds]);
    expect(mapping.kFold).toBe(dataflow === 'os' ? undefined : 4);
    expect(mapping.mappingEfficiency).toBe(efficiency);
    expect(computeCycles(mapping, config(true)).total).toBe(buffered);
    expect(computeCycles(mapping, config(false)).total).toBe(unbuffered);
  });

  it('depthwise packs floor(rows / K) channels a fold on a weight-stationary array', () => {
    // 32 x 32 ws, 3 x 3 depthwise over 8 channels: 3 channels a fold (27 rows), 3 folds.
    const mapping = mapLayer({ pixels: 9, filters: 1, depth: 9, groups: 8 }, { rows: 32, columns: 32, macsPerPePerCycle: 1 }, 'ws');
    expect([mapping.groupsPerFold, mapping.folds]).toEqual([3, 3]);
    // 9 pixels x 9 taps x 8 channels = 648 MACs over 3 folds x 1024 PEs x 9 steps.
    expect(mapping.mappingEfficiency).toBe(648 / (3 * 1024 * 9));
  });

  it('int4 packs two operands a PE along the rows; int16 takes four cycles a step', () => {
    const int4 = mapLayer(GEMM, { rows: 4, columns: 4, macsPerPePerCycle: 2 }, 'ws');
    expect([int4.rowCapacity, int4.rowFolds, int4.kFold]).toEqual([8, 3, 8]);
    const int16 = mapLayer(GEMM, { rows: 4, columns: 4, macsPerPePerCycle: 0.25 }, 'ws');
    expect(computeCycles(int16, config(true)).streaming).toBe(10 * 9 * 4);
  });
});
