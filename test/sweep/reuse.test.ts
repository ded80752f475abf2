/**
 * Every result a sweep builds from a shared values pass equals a fresh simulate() of that point,
 * byte for byte as a JSON report; and the sharing really happens.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/pipeline/index.js';
import { jsonReport } from '../../src/report/json.js';
import { PointEvaluator } from '../../src/sweep/evaluate.js';
import { pointCount } from '../../src/sweep/points.js';
import { GraphVariants } from '../../src/sweep/pointConfig.js';
import { sweepSpec } from '../../src/sweep/sweep.js';

const HARDWARE = 'configs/edge-npu.json';

function checkReuse(sets: readonly string[], expectedValueRuns: number): void {
  const spec = sweepSpec({ graph: 'zoo:small_cnn', hardware: HARDWARE, sets, zip: false, timingOnly: false });
  const graphs = new GraphVariants(spec.graph);
  const evaluator = new PointEvaluator(spec, graphs);
  const points = pointCount(spec.parameters, spec.zip);
  for (let index = 0; index < points; index += 1) {
    const reused = evaluator.result(index);
    const point = evaluator.resolve(index);
    const fresh = simulate(point.graph, point.hardware);
    expect(jsonReport(reused), `point ${index}`).toBe(jsonReport(fresh));
  }
  expect(evaluator.valueRuns).toBe(expectedValueRuns);
}

describe('values reuse in sweeps', () => {
  it('shares values across value-free fields: DRAM bandwidth, SRAM size, requantization unit, clock, double buffering, energy table, zero gating', () => {
    checkReuse(
      [
        'memory.dram.bytesPerCycle=2,16',
        'memory.sram.inputs.kib=16,256',
        'requant.unit=dedicated,vector',
        'clockMHz=500,1000',
        'memory.doubleBuffering=true,false',
        'energy.table=horowitz45,aladdin40-cacti',
        'array.zeroGating=false,true',
      ],
      1,
    );
  });

  it('runs values again where the accumulation order or event clock changes: rows, columns, dataflow', () => {
    checkReuse(['array.rows=8,16', 'array.columns=8,16', 'array.dataflow=ws,os', 'memory.dram.bytesPerCycle=4,8'], 8);
  });

  it('reuses one accumulator width for another only when neither overflows (wrap and saturate)', () => {
    // small_cnn needs 18 bits: 16 and 17 overflow and run on their own; 18..32 share the first clean pass.
    checkReuse(['accumulator.overflow=wrap,saturate', 'accumulator.bits=16,17,18,20,24,32'], 6);
    checkReuse(['accumulator.bits=32,24,20,18,17,16'], 3);
  });
});
