/**
 * `npusim import scalesim` then `npusim run` with the written files gives, layer by layer, the Total
 * Cycles and Stall Cycles SCALE-Sim reports (the anchors' COMPUTE_REPORT goldens, which `npusim
 * scalesim` reproduces byte for byte), and both written files pass `npusim validate`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { readJson, temporaryDirectory } from '../support/files.js';
import { sharedPath } from '../support/sharedFolder.js';

const anchor = (relative: string): string => sharedPath('anchors/scalesim', relative);

interface ReportLayer {
  name: string;
  op: string;
  macs: number;
  cycles: { total: number; compute: number; memoryStall: number; streaming: number; stationaryLoad: number; fillDrain: number };
}

/** [Total Cycles, Stall Cycles] per layer from a SCALE-Sim COMPUTE_REPORT. */
function goldenCycles(caseName: string): Array<[number, number]> {
  return readFileSync(anchor(`goldens/${caseName}/COMPUTE_REPORT.csv`), 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => {
      const [, total, stall] = line.split(', ');
      return [Number(total), Number(stall)];
    });
}

async function importAndRun(
  caseName: string,
  topology: string,
  inputType: 'conv' | 'gemm',
): Promise<{ layers: ReportLayer[]; totalCycles: number; directory: string }> {
  const directory = temporaryDirectory();
  const graph = join(directory, 'graph.json');
  const hardware = join(directory, 'hw.json');
  const imported = await runCli([
    'import',
    'scalesim',
    '-c',
    anchor(`cfgs/${caseName}.cfg`),
    '-t',
    anchor(topology),
    '-i',
    inputType,
    '--out-graph',
    graph,
    '--out-hw',
    hardware,
  ]);
  expect(imported.stderr).toBe('');
  expect(imported.exitCode).toBe(0);
  const validate = await runCli(['validate', graph, hardware, '--hw', hardware]);
  expect(validate.stderr).toBe('');
  expect(validate.exitCode).toBe(0);
  const run = await runCli(['run', graph, '--hw', hardware, '--format', 'json']);
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  const report = JSON.parse(run.stdout) as { totals: { cycles: number }; layers: ReportLayer[] };
  return { layers: report.layers, totalCycles: report.totals.cycles, directory };
}

const CASES: Array<[string, string, 'conv' | 'gemm']> = [
  ['edge_small_32x32_os_calc64', 'topologies/edge_small.csv', 'conv'],
  ['edge_small_32x32_ws_calc64', 'topologies/edge_small.csv', 'conv'],
  ['edge_small_32x32_is_calc64', 'topologies/edge_small.csv', 'conv'],
  ['edge_small_32x32_os_user8bw4', 'topologies/edge_small.csv', 'conv'],
  ['edge_small_32x32_ws_user8bw4', 'topologies/edge_small.csv', 'conv'],
  ['edge_small_32x32_is_user8bw4', 'topologies/edge_small.csv', 'conv'],
  ['edge_small_8x8_ws_user64bw10', 'topologies/edge_small.csv', 'conv'],
  ['edge_small_mnk_32x32_os_user8bw4', 'topologies/edge_small_mnk.csv', 'gemm'],
  ['edge_small_mnk_32x32_is_user8bw4', 'topologies/edge_small_mnk.csv', 'gemm'],
  // 224 with an 11-wide filter at stride 4: SCALE-Sim's rounded-up output size becomes padding.
  ['alexnet_part_32x32_ws_calc64', 'topologies/alexnet_part.csv', 'conv'],
];

describe('npusim run on an imported SCALE-Sim run gives SCALE-Sim cycles', () => {
  it.each(CASES)('%s: per-layer and total cycles equal the golden COMPUTE_REPORT', async (caseName, topology, inputType) => {
    const golden = goldenCycles(caseName);
    const { layers, totalCycles } = await importAndRun(caseName, topology, inputType);
    expect(layers.map((layer) => [layer.cycles.total, layer.cycles.memoryStall])).toEqual(golden);
    expect(totalCycles).toBe(golden.reduce((sum, [total]) => sum + total, 0));
    expect(layers.every((layer) => layer.op === 'conv2d' && layer.cycles.compute + layer.cycles.memoryStall === layer.cycles.total)).toBe(
      true,
    );
  });

  it('edge_small: names, MACs and the cycle split of a weight-stationary layer', async () => {
    const { layers } = await importAndRun('edge_small_32x32_ws_calc64', 'topologies/edge_small.csv', 'conv');
    expect(layers.map((layer) => [layer.name, layer.macs])).toEqual([
      ['Tiny3x3', 4 * 4 * 3 * 18],
      ['Conv5x5s2', 5 * 5 * 10 * 75],
      ['Conv3x3_c16', 14 * 14 * 40 * 144],
      ['PW1x1', 14 * 14 * 72 * 24],
      ['Conv3x3s2', 7 * 7 * 33 * 72],
      ['OneFilter3x3', 18 * 18 * 1 * 180],
      ['FC', 1 * 50 * 300],
      ['Rect', 10 * 8 * 7 * 30],
    ]);
    // Tiny3x3 on 32x32 ws: one fold of 2R + C + T - 2 = 64 + 32 + 16 - 2 rows; SCALE-Sim reports one less.
    expect(layers[0]?.cycles).toMatchObject({ total: 109, streaming: 16, stationaryLoad: 32, fillDrain: 32 + 32 - 2 - 1, memoryStall: 0 });
  });

  it('alexnet_part: the graph and hardware written', async () => {
    const { directory } = await importAndRun('alexnet_part_32x32_os_calc64', 'topologies/alexnet_part.csv', 'conv');
    const graph = readJson<{
      inputs: string[];
      outputs: string[];
      ops: Array<{ op: string; padding: unknown; stride: number[] }>;
      tensors: Record<string, { shape: number[]; type: string }>;
    }>(join(directory, 'graph.json'));
    expect(graph.inputs).toEqual(['Conv1.input']);
    expect(graph.outputs).toEqual(['Conv1.out']);
    expect(graph.ops[0]).toMatchObject({ op: 'conv2d', stride: [4, 4], padding: { top: 0, left: 0, bottom: 3, right: 3 } });
    expect(graph.tensors['Conv1.input']).toMatchObject({ shape: [1, 224, 224, 3], type: 's8' });
    expect(graph.tensors['Conv1.weights']).toMatchObject({ shape: [96, 11, 11, 3], type: 's8' });
    expect(graph.tensors['Conv1.out']).toMatchObject({ shape: [1, 55, 55, 96], type: 's8' });
    const hardware = readJson(join(directory, 'hw.json'));
    expect(hardware).toMatchObject({
      name: 'alexnet_part_32x32_os_calc64',
      array: { rows: 32, columns: 32, dataflow: 'os' },
      memory: { sram: { inputs: { kib: 64 }, weights: { kib: 64 }, outputs: { kib: 64 } }, dram: { bytesPerCycle: 10 } },
      timing: { model: 'scalesim', interfaceBandwidth: 'CALC' },
    });
  });
});
