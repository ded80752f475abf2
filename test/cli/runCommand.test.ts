/** `npusim run`: a whole network's report, byte-identical for identical inputs, and clear errors. */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from '../../src/formats/npy.js';
import { runCli } from '../support/cli.js';
import { FIXTURES, REPO, temporaryDirectory } from '../support/files.js';

const HW = join(REPO, 'configs/edge-npu.json');

describe('npusim run', () => {
  it('prints one row per layer of the small CNN with totals and the safe accumulator width', async () => {
    const run = await runCli(['run', 'zoo:small_cnn', '--hw', HW]);
    expect(run.exitCode).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(
      'small_cnn on edge-npu (800 MHz), energy table horowitz45, requantization tflite-double, the mode the model was quantized for',
    );
    expect(lines.filter((line) => /^(conv1|pool1|dw2|pw2|add2|pool2|conv3|avgpool|flatten|fc) /.test(line)).length).toBe(10);
    expect(lines.some((line) => line.startsWith('total '))).toBe(true);
    expect(run.stdout).toMatch(/smallest accumulator width with no final overflow: \d+ bits/);
  });

  it('writes a JSON report with the published fields, byte-identical across runs', async () => {
    const directory = temporaryDirectory();
    const first = join(directory, 'a.json');
    const second = join(directory, 'b.json');
    expect((await runCli(['run', join(FIXTURES, 'tiny-graph.json'), '--hw', HW, '--format', 'json', '--out', first])).exitCode).toBe(0);
    expect((await runCli(['run', join(FIXTURES, 'tiny-graph.json'), '--hw', HW, '--format', 'json', '--out', second])).exitCode).toBe(0);
    expect(readFileSync(first, 'utf8')).toBe(readFileSync(second, 'utf8'));
    const report = JSON.parse(readFileSync(first, 'utf8')) as {
      totals: { macs: number; cycles: number; energyPj: number; overflow: Record<string, number> };
      layers: Array<{
        name: string;
        op: string;
        macs: number;
        cycles: { total: number; compute: number };
        utilization: number;
        energyPj: { total: number };
        overflow: object;
      }>;
    };
    // conv 4x4x3 outputs x 3x3x2 window = 864 nominal MACs; depthwise 2x2x3 x 9 = 108; fc 2 x 3 = 6.
    expect(report.layers.map((layer) => [layer.name, layer.op, layer.macs])).toEqual([
      ['conv', 'conv2d', 864],
      ['dw', 'depthwise_conv2d', 108],
      ['pool', 'max_pool', 0],
      ['flatten', 'reshape', 0],
      ['fc', 'fully_connected', 6],
    ]);
    expect(report.totals.macs).toBe(978);
    expect(report.totals.cycles).toBe(report.layers.reduce((total, layer) => total + layer.cycles.total, 0));
    expect(report.totals.energyPj).toBeGreaterThan(0);
    expect(Object.keys(report.totals.overflow)).toEqual([
      'accumulatorTransient',
      'accumulatorFinal',
      'outputClipped',
      'vectorSaturated',
      'requantInputSaturated',
      'smallestSafeAccumulatorBits',
    ]);
  });

  it('writes CSV and Markdown with the same rows and a totals line', async () => {
    const csv = await runCli(['run', join(FIXTURES, 'tiny-graph.json'), '--hw', HW, '--format', 'csv']);
    const lines = csv.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'layer,op,output,macs,cycles,compute_cycles,stall_cycles,requant_cycles,vector_cycles,utilization,energy_pj,acc_transient,acc_final,output_clipped,vector_saturated,bits_needed,bits_available',
    );
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 4).join(','))).toEqual([
      'conv,conv2d,1x4x4x3,864',
      'dw,depthwise_conv2d,1x2x2x3,108',
      'pool,max_pool,1x1x1x3,0',
      'flatten,reshape,1x3,0',
      'fc,fully_connected,1x2,6',
      'total,,,978',
    ]);
    const markdown = await runCli(['run', join(FIXTURES, 'tiny-graph.json'), '--hw', HW, '--format', 'md']);
    expect(markdown.stdout.startsWith('# tiny on edge-npu\n')).toBe(true);
    expect(markdown.stdout.split('\n').filter((line) => line.startsWith('| ')).length).toBe(7);
  });

  it('--input takes a .npy, --dump writes every layer as .npy, and the same input gives the same bytes', async () => {
    const directory = temporaryDirectory();
    const input = join(directory, 'input.npy');
    writeFileSync(
      input,
      encodeNpy(
        Int32Array.from({ length: 32 }, (_, index) => index - 16),
        [1, 4, 4, 2],
        '|i1',
      ),
    );
    const dumpA = join(directory, 'a');
    const dumpB = join(directory, 'b');
    expect(
      (await runCli(['run', join(FIXTURES, 'tiny-graph.json'), '--hw', HW, '--input', input, '--dump', dumpA, '--format', 'csv'])).exitCode,
    ).toBe(0);
    expect(
      (await runCli(['run', join(FIXTURES, 'tiny-graph.json'), '--hw', HW, '--input', input, '--dump', dumpB, '--format', 'csv'])).exitCode,
    ).toBe(0);
    expect(readdirSync(dumpA).sort()).toEqual(['conv.npy', 'dw.npy', 'fc.npy', 'flatten.npy', 'manifest.json', 'pool.npy']);
    // The manifest names each file's layer and tensor (a JSON graph's own tensor names) in the graph's terms.
    expect(JSON.parse(readFileSync(join(dumpA, 'manifest.json'), 'utf8'))).toEqual([
      { file: 'conv.npy', layer: 'conv', sourceTensor: 'conv.out', shape: [1, 4, 4, 3], dtype: 'int8', layout: 'NHWC' },
      { file: 'dw.npy', layer: 'dw', sourceTensor: 'dw.out', shape: [1, 2, 2, 3], dtype: 'int8', layout: 'NHWC' },
      { file: 'pool.npy', layer: 'pool', sourceTensor: 'pool.out', shape: [1, 1, 1, 3], dtype: 'int8', layout: 'NHWC' },
      { file: 'flatten.npy', layer: 'flatten', sourceTensor: 'flat', shape: [1, 3], dtype: 'int8', layout: 'NC' },
      { file: 'fc.npy', layer: 'fc', sourceTensor: 'logits', shape: [1, 2], dtype: 'int8', layout: 'NC' },
    ]);
    for (const name of readdirSync(dumpA)) expect(readFileSync(join(dumpA, name)).equals(readFileSync(join(dumpB, name)))).toBe(true);
    expect(decodeNpy(readFileSync(join(dumpA, 'conv.npy')), 'conv.npy').shape).toEqual([1, 4, 4, 3]);
    const again = await runCli(['run', join(FIXTURES, 'tiny-graph.json'), '--hw', HW, '--input', input, '--dump', dumpA]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toBe(
      `error: ${join(dumpA, 'conv.npy')}: already exists; npusim never overwrites a file unless you pass --force\n`,
    );
    const wrongShape = join(directory, 'wrong.npy');
    writeFileSync(wrongShape, encodeNpy(new Int32Array(48), [1, 4, 4, 3], '|i1'));
    const bad = await runCli(['run', join(FIXTURES, 'tiny-graph.json'), '--hw', HW, '--input', wrongShape]);
    expect(bad.stderr).toBe(
      `error: ${wrongShape}: holds shape (1, 4, 4, 3) of int8; expected shape (1, 4, 4, 2) of int8 (|i1), as graph input "input" (s8) needs (the input's own layout, as the graph or model declares it)\n`,
    );
    expect(bad.exitCode).toBe(2);
  });

  it('refuses to overwrite --out and exits 2 on an unknown zoo network', async () => {
    const directory = temporaryDirectory();
    const out = join(directory, 'report.json');
    expect((await runCli(['run', 'zoo:small_cnn', '--hw', HW, '--format', 'json', '--out', out])).exitCode).toBe(0);
    const again = await runCli(['run', 'zoo:small_cnn', '--hw', HW, '--format', 'json', '--out', out]);
    expect(again.exitCode).toBe(2);
    const unknown = await runCli(['run', 'zoo:lenet', '--hw', HW]);
    expect(unknown.stderr).toBe(
      'error: zoo:lenet: no zoo network "lenet"; the zoo has mobilenet_v1, mobilenet_v2, resnet18, small_cnn, person_detect, mobilenet_v2_int8, mnist_cnn, fashion_cnn\n',
    );
    expect(unknown.exitCode).toBe(2);
  });
});
