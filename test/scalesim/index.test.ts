/**
 * runScaleSim beyond the anchors: progress in demand rows, layers with the same sizes simulated
 * once (with the reports of a layer run alone), exact quotients on the widest arrays allowed, and
 * no count printed past 2^53.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseScaleSimConfig } from '../../src/scalesim/config.js';
import { runScaleSim } from '../../src/scalesim/index.js';
import { demandRowCount, foldMapping, layerSizes } from '../../src/scalesim/layerGeometry.js';
import { inexactCount, type ScaleSimLayerResult } from '../../src/scalesim/model.js';
import { parseTopology } from '../../src/scalesim/topology.js';
import { sharedPath } from '../support/sharedFolder.js';

const HEADER = 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n';
const cfgFile = sharedPath('anchors/scalesim/cfgs/edge_small_32x32_os_user8bw4.cfg');
const cfg = { text: readFileSync(cfgFile, 'utf8'), file: cfgFile };
const ROW_A = 'A,13,13,5,5,3,10,2,\n';
const ROW_B = 'B,16,16,3,3,16,40,1,\n';

/** The report lines without their LayerID. */
function rowsOf(report: string): string[] {
  return report
    .split('\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => line.slice(line.indexOf(', ') + 2));
}

describe('runScaleSim', () => {
  it('reports progress in demand rows, from 0 to the total, counting a repeated layer once', () => {
    const calls: Array<[number, number]> = [];
    const topology = { text: `${HEADER}${ROW_A}${ROW_B}${ROW_A}`, file: 't.csv' };
    runScaleSim(cfg, topology, 'conv', { onProgress: (done, total) => calls.push([done, total]) });
    const config = parseScaleSimConfig(cfg.text, cfg.file);
    const [a, b] = parseTopology(topology.text, 't.csv', 'conv').map((layer) =>
      demandRowCount(foldMapping(layerSizes(layer), config.dataflow, config.arrayRows, config.arrayCols)),
    );
    const total = (a ?? 0) + (b ?? 0);
    expect(calls[0]).toEqual([0, total]);
    expect(calls.at(-1)).toEqual([total, total]);
    expect(calls.every(([, reportedTotal]) => reportedTotal === total)).toBe(true);
    expect(calls.every(([done], index) => index === 0 || done >= (calls[index - 1]?.[0] ?? 0))).toBe(true);
    expect(calls.map(([done]) => done)).toContain(a);
  });

  it('a layer repeated gives the lines the layer gives alone, in all three reports', () => {
    const alone = runScaleSim(cfg, { text: `${HEADER}${ROW_A}`, file: 'a.csv' }).reports;
    const repeated = runScaleSim(cfg, { text: `${HEADER}${ROW_A}${ROW_B}${ROW_A}`, file: 't.csv' }).reports;
    for (const kind of ['compute', 'bandwidth', 'detailedAccess'] as const) {
      const [first, second, third] = rowsOf(repeated[kind]);
      expect(first).toBe(rowsOf(alone[kind])[0]);
      expect(third).toBe(first);
      expect(second).not.toBe(first);
    }
    expect(repeated.compute.split('\n')[3]?.startsWith('2, ')).toBe(true);
  });

  it("a 1048554 x 1048554 array: Compute Util % is Python's exact quotient although R x C x fold cycles passes 2^53", () => {
    const wide = cfg.text
      .replace(/ArrayHeight:\s*\d+/, 'ArrayHeight: 1048554')
      .replace(/ArrayWidth:\s*\d+/, 'ArrayWidth: 1048554')
      .replace(/Dataflow\s*:\s*\w+/, 'Dataflow : ws');
    const run = runScaleSim({ text: wide, file: 'wide.cfg' }, { text: `${HEADER}One,1,1,1,1,1,1,1,\n`, file: 'one.csv' });
    // Python 3.11: 1 / (1048554 * 1048554 * (2*1048554 + 1048554 + 1 - 2 + 1048554 - 1)) / 1 * 100; doubles give ...483e-17.
    expect(rowsOf(run.reports.compute)).toEqual(['3145660, 0, 2.8913896190004625e-17, 9.095328668904995e-11, 2.168541869562449e-17,']);
  });

  it('names a count that would pass 2^53 instead of printing it rounded', () => {
    const [result] = runScaleSim(cfg, { text: `${HEADER}${ROW_A}`, file: 'a.csv' }).results as [ScaleSimLayerResult];
    expect(inexactCount(result)).toBeUndefined();
    expect(inexactCount({ ...result, dram: { ...result.dram, filter: { ...result.dram.filter, words: 2 ** 53 } } })).toBe(
      'DRAM Filter Reads',
    );
    expect(inexactCount({ ...result, stallCycles: 2 ** 60 })).toBe('Stall Cycles');
    expect(inexactCount({ ...result, dram: { ...result.dram, ifmap: { ...result.dram.ifmap, startCycle: -(2 ** 54) } } })).toBe(
      'DRAM IFMAP Start Cycle',
    );
  });

  it('refuses a layer whose tables would not fit before any layer runs', () => {
    const calls: number[] = [];
    let error: unknown;
    try {
      runScaleSim(cfg, { text: `${HEADER}${ROW_A}Huge,46340,46340,1,1,1,1,1,\n`, file: 't.csv' }, 'conv', {
        onProgress: (done) => calls.push(done),
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).describe()).toBe(
      't.csv:3:1: layer "Huge" would need 64.0 GiB of memory to simulate (2147395600 output pixels, a window of 1, 2147395600 IFMAP and 1 filter words, USER bandwidth), more than the 4.0 GiB npusim gives one layer (docs/scalesim.md, "Limits")',
    );
    expect(calls).toEqual([]);
  });
});
