/**
 * The up-front point check shares work between points (zoo skeletons, one lowering for points that
 * differ only in fields lowering never fails on, one config check per hardware value set, top-level
 * fields parsed alone). Here it is compared with checking every point the slow way (the whole
 * config validated, the real network built and lowered): the same points fail, with the same
 * reasons, and points put in one value family really compute the same values.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zooGraph } from '../../src/zoo/graph.js';
import { InputError } from '../../src/errors.js';
import { loadGraphFile } from '../../src/formats/loadGraph.js';
import type { Graph } from '../../src/graph/model.js';
import { checkAndLower } from '../../src/pipeline/index.js';
import { checkPoints, InvalidPointsError } from '../../src/sweep/check.js';
import { pointAt, pointCount } from '../../src/sweep/points.js';
import { graphKey, pointHardware, pointQuant, type SweepSpec } from '../../src/sweep/pointConfig.js';
import { valueFamilyKey } from '../../src/sweep/reuse.js';
import { sweepSpec } from '../../src/sweep/sweep.js';
import { REPO } from '../support/files.js';

const HARDWARE = join(REPO, 'configs/edge-npu.json');

/** Every point checked alone: its reason (as the check words it), or its value family key. */
function slowCheck(spec: SweepSpec): Array<{ reason: string } | { family: string }> {
  const graphs = new Map<string, Graph>();
  const tables = new Map();
  return Array.from({ length: pointCount(spec.parameters, spec.zip) }, (_, index) => {
    const point = pointAt(spec.parameters, spec.zip, index);
    try {
      const hardware = pointHardware(spec, point, tables, spec.hardwareFile);
      const quant = pointQuant(spec, point, spec.graph);
      const key = graphKey(quant);
      let graph = graphs.get(key);
      if (graph === undefined) {
        graph = quant === undefined ? loadGraphFile(spec.graph) : zooGraph(spec.graph.slice('zoo:'.length), quant);
        graphs.set(key, graph);
      }
      checkAndLower(graph, hardware);
      return { family: valueFamilyKey(hardware, key) };
    } catch (error) {
      if (error instanceof InputError) return { reason: error.describe() };
      throw error;
    }
  });
}

async function expectSameAsSlow(graph: string, sets: readonly string[], zip = false): Promise<{ invalid: number; families: number }> {
  const spec = sweepSpec({ graph, hardware: HARDWARE, sets, zip, timingOnly: false });
  const indices = Array.from({ length: pointCount(spec.parameters, spec.zip) }, (_, index) => index);
  const checked = await checkPoints(spec, indices, { skipInvalid: true });
  if (checked === undefined) throw new Error('not stopped, so checked');
  const slow = slowCheck(spec);
  const keyOfFamily = new Map<number, string>();
  slow.forEach((expected, position) => {
    if ('reason' in expected) {
      expect(checked.reasonAt(position), `point ${position}`).toBe(expected.reason);
      expect(checked.families[position]).toBe(-1);
      return;
    }
    expect(checked.reasonAt(position), `point ${position}`).toBeUndefined();
    const family = checked.families[position] as number;
    expect(family).toBeGreaterThanOrEqual(0);
    // One family, one values pass: its points must compute the same values.
    const key = keyOfFamily.get(family) ?? expected.family;
    keyOfFamily.set(family, key);
    expect(expected.family, `point ${position}`).toBe(key);
  });
  return { invalid: checked.invalid, families: checked.familyCount };
}

describe('the sweep point check gives what checking each point alone gives', () => {
  it('config values out of range, tiles that do not fit, and fields lowering never fails on', async () => {
    const result = await expectSameAsSlow('zoo:small_cnn', [
      'array.rows=0,8,16',
      'memory.sram.weights.kib=0.001,256',
      'memory.dram.bytesPerCycle=4,8',
      'clockMHz=0,800',
    ]);
    expect(result).toEqual({ invalid: 20, families: 2 });
  });

  it('zoo quantization against operand modes, dataflows and requantization modes', async () => {
    const result = await expectSameAsSlow('zoo:small_cnn', [
      'quant.weightBits=4,8,16',
      'quant.activationBits=8,16',
      'array.dataflow=ws,os',
      'requant.mode=tflite-double,hvx',
    ]);
    expect(result.invalid).toBeGreaterThan(0);
    expect(result.invalid).toBeLessThan(24);
  });

  it('rules between fields under --zip, energy tables, accumulator widths and timing models', async () => {
    await expectSameAsSlow(
      'zoo:small_cnn',
      ['requant.mode=tflite-double,hvx,hvx,gemmlowp', 'requant.rounding=null,half-even,bogus,half-up'],
      true,
    );
    const tables = await expectSameAsSlow('zoo:small_cnn', ['energy.table=horowitz45,nope', 'array.rows=8,16']);
    expect(tables.invalid).toBe(2);
    await expectSameAsSlow('zoo:small_cnn', [
      'accumulator.bits=16,32',
      'memory.sram.inputs.kib=1,256',
      'timing.model=npusim,scalesim',
      'quant.signedActivations=true,false',
    ]);
  });

  it('a graph file, with paths into lists and fields removed', async () => {
    await expectSameAsSlow(join(REPO, 'test/fixtures/tiny-graph.json'), [
      'array.operandModes.0.weights=s8,s4',
      'array.columns=1,4',
      'vector.vectorBytes=0,64',
      'array.zeroGating=null,true',
    ]);
  });

  it("fails with the first point's error, named, and the next distinct reasons, unless told to skip", async () => {
    const spec = sweepSpec({
      graph: 'zoo:small_cnn',
      hardware: 'configs/edge-npu.json',
      sets: ['array.rows=0,8,-1'],
      zip: false,
      timingOnly: false,
    });
    const failure = await checkPoints(spec, [0, 1, 2], { skipInvalid: false }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidPointsError);
    const error = failure as InvalidPointsError;
    expect(error.describe()).toBe('configs/edge-npu.json (sweep point 0: array.rows=0):$.array.rows: expected a value >= 1, got 0');
    expect(error.others.map((other) => other.describe())).toEqual([
      'configs/edge-npu.json (sweep point 2: array.rows=-1):$.array.rows: expected a value >= 1, got -1',
    ]);
    expect([error.invalid, error.checked]).toEqual([2, 3]);
  });

  it('stops when the signal is aborted, between points', async () => {
    const spec = sweepSpec({
      graph: 'zoo:small_cnn',
      hardware: HARDWARE,
      sets: ['array.rows=1..500', 'memory.dram.bytesPerCycle=1..100'],
      zip: false,
      timingOnly: true,
    });
    const stop = new AbortController();
    const seen: number[] = [];
    const indices = Array.from({ length: 50_000 }, (_, index) => index);
    const result = await checkPoints(spec, indices, {
      skipInvalid: false,
      signal: stop.signal,
      onProgress: (done) => {
        seen.push(done);
        if (done > 0) stop.abort();
      },
    });
    expect(result).toBeUndefined();
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBeLessThan(50_000);
  });
});
