/**
 * `npusim golden`, `check` and `diff` on small_cnn in a temporary repository: a copied preset, a
 * golden that points at it, and edits that a check must catch (a config field, one LSB of an
 * output), rewrite on purpose (--update) or reject (a malformed golden).
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadGraphArgument } from '../../src/pipeline/graphArgument.js';
import { simulate } from '../../src/pipeline/index.js';
import { loadHardwareFile } from '../../src/formats/loadHardware.js';
import { sha256OfValues } from '../../src/golden/hashing.js';
import { runCli } from '../support/cli.js';
import { readJson, REPO, temporaryDirectory, writeJson } from '../support/files.js';

interface GoldenLayerJson {
  name: string;
  cycles: Record<string, number>;
  output: { tensor: string; sha256: string; first: number[] };
}
interface GoldenJson {
  root: string;
  run: { hardware: { file: string; content: { memory: { dram: { bytesPerCycle: number } } } }; input: { seed: number } };
  result: { totals: { cycles: number }; layers: GoldenLayerJson[] };
}

let repo: string;
let config: string;
let golden: string;

async function writeGolden(): Promise<void> {
  const run = await runCli(['golden', 'zoo:small_cnn', '--hw', config, '--out', golden, '--root', repo]);
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
}

function setDramBandwidth(bytesPerCycle: number): void {
  const text = readFileSync(config, 'utf8');
  writeFileSync(config, text.replace('"dram": { "bytesPerCycle": 16,', `"dram": { "bytesPerCycle": ${bytesPerCycle},`));
}

beforeEach(async () => {
  repo = temporaryDirectory();
  mkdirSync(join(repo, 'configs'));
  config = join(repo, 'configs/edge-npu.json');
  copyFileSync(join(REPO, 'configs/edge-npu.json'), config);
  mkdirSync(join(repo, 'traces'));
  golden = join(repo, 'traces/small_cnn.edge-npu.json');
  await writeGolden();
});

describe('npusim golden', () => {
  it('records the run with repository paths, hashes and the config content, byte-identical on re-run', async () => {
    const first = readFileSync(golden, 'utf8');
    const again = await runCli(['golden', 'zoo:small_cnn', '--hw', config, '--out', golden, '--root', repo, '--force']);
    expect(again.exitCode).toBe(0);
    expect(readFileSync(golden, 'utf8')).toBe(first);
    const record = readJson<GoldenJson>(golden);
    expect(record.root).toBe('..');
    expect(record.run.hardware.file).toBe('configs/edge-npu.json');
    expect(record.run.hardware.content.memory.dram.bytesPerCycle).toBe(16);
    expect(record.run.input.seed).toBe(1);
    expect(record.result.totals.cycles).toBe(3596);
    expect(record.result.layers.map((layer) => layer.name)).toEqual([
      'conv1',
      'pool1',
      'dw2',
      'pw2',
      'add2',
      'pool2',
      'conv3',
      'avgpool',
      'flatten',
      'fc',
    ]);
    expect(record.result.layers[0]?.cycles).toEqual({
      total: 1118,
      compute: 1118,
      streaming: 1024,
      fillDrain: 62,
      stationaryLoad: 32,
      memoryStall: 0,
      requant: 512,
      vector: 0,
      overlap: 512,
    });
    expect(record.result.layers[0]?.output.first).toEqual([-128, -75, -128, -128]);
  });

  it('never overwrites a golden without --force', async () => {
    const run = await runCli(['golden', 'zoo:small_cnn', '--hw', config, '--out', golden, '--root', repo]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      `error: ${golden}: already exists; npusim never overwrites a golden unless you pass --force (or use \`npusim check --update\` to re-record it)\n`,
    );
  });

  it('takes only a whole-number seed as --input', async () => {
    const run = await runCli(['golden', 'zoo:small_cnn', '--hw', config, '--out', join(repo, 'other.json'), '--input', 'x.npy']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--input must be a whole-number seed for a golden');
  });
});

describe('npusim check', () => {
  it('passes with one line per golden when nothing changed', async () => {
    const run = await runCli(['check', golden]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(`ok   ${golden}  small_cnn on edge-npu, seed 1: 3596 cycles, 1.36676e+6 pJ\n1 golden(s): 1 match, 0 differ\n`);
  });

  it('names the changed config field and the layers whose cycles moved, and exits 1', async () => {
    setDramBandwidth(8);
    const run = await runCli(['check', golden]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe(
      [
        `DIFF ${golden}: 1 input change(s), 6 number(s) moved in 2 layer(s)`,
        '  inputs that changed',
        '    configs/edge-npu.json  $.memory.dram.bytesPerCycle  16 -> 8',
        '  numbers that moved',
        '    totals',
        '      cycles              3596 -> 3623  (+0.75%)',
        '      memoryStallCycles   69 -> 96  (+39.13%)',
        '    layer conv3',
        '      cycles.total        158 -> 164  (+3.80%)',
        '      cycles.memoryStall  0 -> 6  (was 0)',
        '    layer fc',
        '      cycles.total        121 -> 142  (+17.36%)',
        '      cycles.memoryStall  26 -> 47  (+80.77%)',
        '1 golden(s): 0 match, 1 differ',
        'If the change is intended, rewrite them with `npusim check --update FILE...` and commit the result.',
        '',
      ].join('\n'),
    );
  });

  it('--update rewrites the golden on purpose, says what changed, and the next check passes', async () => {
    setDramBandwidth(8);
    const update = await runCli(['check', '--update', golden]);
    expect(update.exitCode).toBe(0);
    expect(update.stdout).toContain('configs/edge-npu.json  $.memory.dram.bytesPerCycle  16 -> 8\n');
    expect(update.stdout).toContain(`updated ${golden}  small_cnn on edge-npu, seed 1: 3623 cycles, 1.36676e+6 pJ\n`);
    const record = readJson<GoldenJson>(golden);
    expect(record.run.hardware.content.memory.dram.bytesPerCycle).toBe(8);
    expect(record.result.totals.cycles).toBe(3623);
    const check = await runCli(['check', golden]);
    expect(check.exitCode).toBe(0);
  });

  it('catches an output tensor that differs by one LSB', async () => {
    // The golden now holds conv1's output with one element one LSB higher than the engine computes.
    const graph = loadGraphArgument('zoo:small_cnn');
    const result = simulate(graph, loadHardwareFile(config), { seed: 1 });
    const values = Int32Array.from(result.tensors.get('conv1.out') ?? []);
    values[1] = (values[1] ?? 0) + 1;
    const record = readJson<GoldenJson>(golden);
    const conv1 = record.result.layers[0] as GoldenLayerJson;
    const computed = conv1.output.sha256;
    conv1.output.sha256 = sha256OfValues(values);
    conv1.output.first = Array.from(values.subarray(0, 4));
    writeJson(golden, record);
    const run = await runCli(['check', golden]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`DIFF ${golden}: 0 input change(s), 2 number(s) moved in 1 layer(s)\n`);
    expect(run.stdout).toContain(
      `    layer conv1\n      output.sha256    ${conv1.output.sha256.slice(0, 12)}… -> ${computed.slice(0, 12)}…\n      output.first[1]  -74 -> -75  (-1.35%)\n`,
    );
  });

  it('catches a changed input seed in every layer', async () => {
    const record = readJson<GoldenJson>(golden);
    record.run.input.seed = 2;
    writeJson(golden, record);
    const run = await runCli(['check', '--limit', '0', golden]);
    expect(run.exitCode).toBe(1);
    for (const layer of ['conv1', 'pool1', 'dw2', 'pw2', 'add2', 'pool2', 'conv3', 'avgpool', 'flatten', 'fc']) {
      expect(run.stdout).toMatch(new RegExp(`layer ${layer}\\n(      .*\\n)*      output\\.sha256 `));
    }
  });

  it('rejects a malformed golden with exit 2, the file and the JSON path', async () => {
    const record = readJson<GoldenJson & { result: { layers: Array<{ cycles: Record<string, unknown> }> } }>(golden);
    (record.result.layers[2] as { cycles: Record<string, unknown> }).cycles.total = 'many';
    writeJson(golden, record);
    const bad = await runCli(['check', golden]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(new RegExp(`^error: ${golden.replace(/[.]/g, '\\.')}:\\$\\.result\\.layers\\[2\\]\\.cycles\\.total: `));

    const notGolden = join(repo, 'configs/edge-npu.json');
    const wrongKind = await runCli(['check', notGolden]);
    expect(wrongKind.exitCode).toBe(2);
    expect(wrongKind.stderr).toBe(
      `error: ${notGolden}:$.format: not an npusim golden trace: expected "format": "npusim-golden", found nothing\n`,
    );

    writeFileSync(golden, '{ "format": "npusim-golden", ');
    const notJson = await runCli(['check', golden]);
    expect(notJson.exitCode).toBe(2);
    expect(notJson.stderr).toMatch(/not valid JSON/);
  });

  it('a config the golden points at that is gone is exit 2 naming both files', async () => {
    const record = readJson<GoldenJson>(golden);
    record.run.hardware.file = 'configs/missing.json';
    writeJson(golden, record);
    const run = await runCli(['check', golden]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      `error: ${join(repo, 'configs/missing.json')}: no such file (expected a hardware config (JSON)) (running golden ${golden})\n`,
    );
  });
});

describe('npusim diff', () => {
  it('compares two JSON reports: exit 0 when equal, 1 with the moved numbers when not', async () => {
    const before = join(repo, 'before.json');
    const after = join(repo, 'after.json');
    expect((await runCli(['run', 'zoo:small_cnn', '--hw', config, '--format', 'json', '--out', before])).exitCode).toBe(0);
    const same = await runCli(['diff', before, before]);
    expect(same.exitCode).toBe(0);
    expect(same.stdout).toBe(`same ${before} and ${before}: no number moved beyond the tolerance\n`);
    setDramBandwidth(8);
    expect((await runCli(['run', 'zoo:small_cnn', '--hw', config, '--format', 'json', '--out', after])).exitCode).toBe(0);
    const moved = await runCli(['diff', before, after]);
    expect(moved.exitCode).toBe(1);
    expect(moved.stdout.split('\n').slice(0, 8)).toEqual([
      `DIFF ${before} -> ${after}: 1 input change(s), 8 number(s) moved in 2 layer(s)`,
      '  inputs that changed',
      '    report  machine.dramBytesPerCycle  16 -> 8',
      '  numbers that moved',
      '    totals',
      '      cycles              3596 -> 3623  (+0.75%)',
      '      latencyMs           0.004495 -> 0.00452875  (+0.75%)',
      '    layer conv3',
    ]);
    expect(moved.stdout).toContain('      cycles.total        121 -> 142  (+17.36%)\n');
  });

  it('rejects a file that is not a report with exit 2', async () => {
    const run = await runCli(['diff', config, config]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`error: ${config}:$.format: expected an npusim JSON report`);
  });
});
