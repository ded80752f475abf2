import { describe, expect, it } from 'vitest';
import { finalizeTable, paretoFront } from '../../src/sweep/pareto.js';

describe('Pareto front', () => {
  it('marks exactly the non-dominated points, ties kept', () => {
    expect(
      paretoFront([
        [10, 5, 0],
        [5, 10, 0],
        [10, 10, 0],
        [4, 20, 3],
        [5, 10, 0],
        [4, 20, 4],
        [3, 30, 9],
      ]),
    ).toEqual([true, true, false, true, true, false, true]);
    expect(paretoFront([])).toEqual([]);
  });

  it('sorts rows by point and fills the pareto column; timing-only rows compare cycles and energy', () => {
    const columns = ['point', 'x', 'macs', 'cycles', 'latencyMs', 'energyPj', 'accumulatorTransient', 'accumulatorFinal', 'outputClipped', 'vectorSaturated', 'requantInputSaturated', 'safeAccumulatorBits', 'pareto', 'sweep'];
    const row = (point: number, cycles: number, energy: number) => [String(point), 'a', '1', String(cycles), '0', String(energy), '', '', '', '', '', '', '', 's/3'];
    const table = finalizeTable({ columns, rows: [row(2, 5, 5), row(0, 4, 6), row(1, 5, 6)] });
    expect(table.rows.map((cells) => [cells[0], cells[12]])).toEqual([
      ['0', true],
      ['1', false],
      ['2', true],
    ]);
  });
});
