import { describe, expect, it } from 'vitest';
import { DATAFLOW_SPECS, DATAFLOWS, type DataflowSpec, type GemmAxis } from '../../src/dataflow/index.js';
import { mapLayer } from '../../src/lower/mapping.js';
import { foldMapping } from '../../src/scalesim/layerGeometry.js';

const specs: DataflowSpec[] = DATAFLOWS.map((name) => DATAFLOW_SPECS[name]);

/** The GEMM axes each operand spans: weights K x F, inputs P x K, outputs P x F. */
const SPANS = { weights: ['K', 'F'], inputs: ['P', 'K'], outputs: ['P', 'F'] } as const satisfies Record<
  DataflowSpec['stationary'],
  readonly GemmAxis[]
>;

describe('the dataflow specs', () => {
  it('list every spec once, under its own name', () => {
    expect(Object.keys(DATAFLOW_SPECS).sort()).toEqual([...DATAFLOWS].sort());
    for (const name of DATAFLOWS) expect(DATAFLOW_SPECS[name].name).toBe(name);
  });

  it.each(specs)('$name lays three different axes, and its stationary operand spans the two spatial ones', (spec) => {
    const { rows, columns, temporal } = spec.axes;
    expect(new Set([rows, columns, temporal]).size).toBe(3);
    expect([...SPANS[spec.stationary]].sort()).toEqual([rows, columns].sort());
  });

  it.each(specs)('$name keeps only its stationary operand fixed per fold', (spec) => {
    const demand = spec.tileDemand({ rows: 2, columns: 3, weightBytes: 1, activationBytes: 1, outputBytes: 1, partialSumBytes: 4 });
    for (const operand of ['inputs', 'weights', 'outputs'] as const) {
      expect(demand.fixed[operand] > 0, operand).toBe(operand === spec.stationary);
      expect(demand.perStep[operand] > 0, operand).toBe(operand !== spec.stationary);
    }
  });

  it.each(specs)('$name folds K into partial sums exactly when K lies along the rows', (spec) => {
    const kFold = spec.kFold({ rowsPerFold: 7, columns: 5 });
    expect(kFold).toBe(spec.axes.rows === 'K' ? 7 : undefined);
  });

  it.each(specs)('$name rereads an operand once per fold of each spatial axis it does not span', (spec) => {
    const folds = { rowFolds: 3, columnFolds: 5 };
    const spans = (operand: 'weights' | 'inputs', axis: GemmAxis) => (SPANS[operand] as readonly GemmAxis[]).includes(axis);
    const rereads = (operand: 'weights' | 'inputs') =>
      (spans(operand, spec.axes.rows) ? 1 : folds.rowFolds) * (spans(operand, spec.axes.columns) ? 1 : folds.columnFolds);
    expect(spec.rereads(folds)).toEqual({ weights: rereads('weights'), inputs: rereads('inputs') });
  });

  it.each(specs)('$name places an add at the coordinates of its axes', (spec) => {
    const coordinate: Record<GemmAxis, number> = { P: 11, K: 13, F: 17 };
    const place = spec.place({ slot: 0, position: coordinate.K, pixel: coordinate.P, filter: coordinate.F, depth: 100, filters: 100 });
    expect(place).toEqual({ row: coordinate[spec.axes.rows], column: coordinate[spec.axes.columns], step: coordinate[spec.axes.temporal] });
  });

  it.each(specs)('$name folds a dense layer as SCALE-Sim folds it', (spec) => {
    for (const [pixels, filters, depth, rows, columns] of [
      [49, 64, 288, 16, 8],
      [1, 10, 1024, 32, 32],
      [196, 3, 27, 4, 7],
    ] as const) {
      const mapping = mapLayer({ pixels, filters, depth, groups: 1 }, { rows, columns, macsPerPePerCycle: 1 }, spec.name);
      const scaleSim = foldMapping({ ofmapPixels: pixels, windowSize: depth, numFilters: filters }, spec.name, rows, columns);
      expect([scaleSim.rowFolds, scaleSim.colFolds, scaleSim.temporal]).toEqual([
        mapping.rowFolds,
        mapping.columnFolds,
        mapping.temporalLength,
      ]);
    }
  });
});
