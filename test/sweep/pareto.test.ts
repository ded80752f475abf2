import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeSweepFiles } from '../../src/sweep/merge.js';
import { OBJECTIVES, paretoFront } from '../../src/sweep/pareto.js';
import { temporaryDirectory } from '../support/files.js';

/** Rows of objectives packed as the sweep keeps them. */
function front(rows: readonly (readonly number[])[]): boolean[] {
  const values = new Float64Array(rows.length * OBJECTIVES);
  const dims = new Uint8Array(rows.length);
  rows.forEach((row, index) => {
    dims[index] = row.length;
    values.set(row, index * OBJECTIVES);
  });
  return [...paretoFront({ values, dims, count: rows.length })].map((mark) => mark === 1);
}

describe('Pareto front', () => {
  it('marks exactly the non-dominated points, ties kept; rows without objectives are never on it', () => {
    expect(
      front([
        [10, 5, 0],
        [5, 10, 0],
        [10, 10, 0],
        [4, 20, 3],
        [5, 10, 0],
        [4, 20, 4],
        [3, 30, 9],
      ]),
    ).toEqual([true, true, false, true, true, false, true]);
    expect(front([])).toEqual([]);
    expect(front([[], [7, 7], []])).toEqual([false, true, false]);
  });

  it('sorts rows by point and fills the pareto column; timing-only rows compare cycles and energy', () => {
    const directory = temporaryDirectory();
    const header =
      'point,x,macs,cycles,latencyMs,energyPj,accumulatorTransient,accumulatorFinal,outputClipped,vectorSaturated,requantInputSaturated,safeAccumulatorBits,pareto,sweep';
    const row = (point: number, cycles: number, energy: number, pareto = '') => `${point},a,1,${cycles},0,${energy},,,,,,,${pareto},s/3`;
    const file = join(directory, 'rows.csv');
    writeFileSync(file, [header, row(2, 5, 5), row(0, 4, 6, 'false'), row(1, 5, 6, 'true')].join('\n') + '\n');
    const out = join(directory, 'final.csv');
    const { summary } = mergeSweepFiles([file], out);
    expect(readFileSync(out, 'utf8')).toBe([header, row(0, 4, 6, 'true'), row(1, 5, 6, 'false'), row(2, 5, 5, 'true')].join('\n') + '\n');
    expect([summary.front, summary.rows, summary.invalid]).toEqual([2, 3, 0]);
    expect(summary.frontRows.map((cells) => cells[0])).toEqual(['0', '2']);
  });
});
