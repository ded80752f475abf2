/**
 * `npusim scalesim` with SCALE-Sim's own flags writes SCALE-Sim's three reports, byte for byte, into
 * <out>/<run_name>/, never over existing reports without --force, and bad input exits 2 with
 * file:line:col.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { temporaryDirectory } from '../support/files.js';
import { sharedPath } from '../support/sharedFolder.js';

const anchor = (relative: string): string => sharedPath('anchors/scalesim', relative);
const REPORTS = ['COMPUTE_REPORT.csv', 'BANDWIDTH_REPORT.csv', 'DETAILED_ACCESS_REPORT.csv'] as const;

function expectGoldens(out: string, caseName: string): void {
  for (const report of REPORTS) {
    expect(readFileSync(join(out, caseName, report), 'utf8'), `${caseName}/${report}`).toBe(
      readFileSync(anchor(`goldens/${caseName}/${report}`), 'utf8'),
    );
  }
}

describe('npusim scalesim', () => {
  it('CALC, conv topology, SCALE-Sim flags -c -t -p: the three goldens byte for byte', async () => {
    const out = temporaryDirectory();
    const run = await runCli([
      'scalesim',
      '-c',
      anchor('cfgs/alexnet_part_32x32_ws_calc64.cfg'),
      '-t',
      anchor('topologies/alexnet_part.csv'),
      '-p',
      out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expectGoldens(out, 'alexnet_part_32x32_ws_calc64');
    expect(run.stdout).toBe(
      `alexnet_part_32x32_ws_calc64: 1 layer on 32x32 ws (CALC), 112283 total cycles, 0 stall cycles; wrote ${join(out, 'alexnet_part_32x32_ws_calc64')}/{COMPUTE,BANDWIDTH,DETAILED_ACCESS}_REPORT.csv\n`,
    );
  });

  it('USER with stalls, GEMM topology, -i gemm: the three goldens byte for byte', async () => {
    const out = temporaryDirectory();
    const run = await runCli([
      'scalesim',
      '-c',
      anchor('cfgs/edge_small_mnk_32x32_os_user8bw4.cfg'),
      '-t',
      anchor('topologies/edge_small_mnk.csv'),
      '-p',
      out,
      '-i',
      'gemm',
    ]);
    expect(run.exitCode).toBe(0);
    expectGoldens(out, 'edge_small_mnk_32x32_os_user8bw4');
    expect(run.stdout).toMatch(
      /^edge_small_mnk_32x32_os_user8bw4: 4 layers on 32x32 os \(USER 4 words\/cycle\), \d+ total cycles, [1-9]\d* stall cycles; wrote /,
    );
  });

  it('the long flags work the same, into a folder that does not exist yet (its parent does)', async () => {
    const out = join(temporaryDirectory(), 'runs');
    const args = [
      'scalesim',
      '--config',
      anchor('cfgs/edge_small_32x32_is_user8bw4.cfg'),
      '--topology',
      anchor('topologies/edge_small.csv'),
      '--out',
      out,
      '--input-type',
      'conv',
    ];
    expect((await runCli(args)).exitCode).toBe(0);
    expectGoldens(out, 'edge_small_32x32_is_user8bw4');
  });

  it('never overwrites a report without --force, and writes none of the three then', async () => {
    const out = temporaryDirectory();
    const args = ['scalesim', '-c', anchor('cfgs/edge_small_8x8_os_user64bw10.cfg'), '-t', anchor('topologies/edge_small.csv'), '-p', out];
    expect((await runCli(args)).exitCode).toBe(0);
    const folder = join(out, 'edge_small_8x8_os_user64bw10');
    writeFileSync(join(folder, 'BANDWIDTH_REPORT.csv'), 'mine\n');
    writeFileSync(join(folder, 'COMPUTE_REPORT.csv'), 'mine too\n');
    const refused = await runCli(args);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toBe(
      `error: ${join(folder, 'COMPUTE_REPORT.csv')}: already exists; npusim never overwrites a file unless you pass --force\n`,
    );
    expect(readFileSync(join(folder, 'BANDWIDTH_REPORT.csv'), 'utf8')).toBe('mine\n');
    const forced = await runCli([...args, '--force']);
    expect(forced.exitCode).toBe(0);
    expectGoldens(out, 'edge_small_8x8_os_user64bw10');
  });

  it('a bad topology row exits 2 naming file:line:col, and writes nothing', async () => {
    const directory = temporaryDirectory();
    const topology = join(directory, 'bad.csv');
    writeFileSync(
      topology,
      'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nConv1, 8, 8, 3, 3, 4, x, 1,\n',
    );
    const out = join(directory, 'out');
    const run = await runCli(['scalesim', '-c', anchor('cfgs/edge_small_32x32_ws_calc64.cfg'), '-t', topology, '-p', out]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(`error: ${topology}:2:23: number of filters must be a positive integer, got "x"\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('a bad cfg value exits 2 naming file:line:col', async () => {
    const directory = temporaryDirectory();
    const config = join(directory, 'bad.cfg');
    writeFileSync(
      config,
      readFileSync(anchor('cfgs/edge_small_32x32_ws_calc64.cfg'), 'utf8').replace(/Dataflow\s*:\s*ws/, 'Dataflow : xs'),
    );
    const run = await runCli(['scalesim', '-c', config, '-t', anchor('topologies/edge_small.csv'), '-p', directory]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(
      new RegExp(`^error: ${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: Dataflow must be os or ws or is, got "xs"\\n$`),
    );
  });

  it('a missing file, a run_name that leaves the folder and an unknown -i exit 2', async () => {
    const directory = temporaryDirectory();
    const missing = await runCli([
      'scalesim',
      '-c',
      join(directory, 'none.cfg'),
      '-t',
      anchor('topologies/edge_small.csv'),
      '-p',
      directory,
    ]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe(`error: ${join(directory, 'none.cfg')}: no such file (expected a SCALE-Sim .cfg file)\n`);
    const config = join(directory, 'escape.cfg');
    writeFileSync(
      config,
      readFileSync(anchor('cfgs/edge_small_32x32_ws_calc64.cfg'), 'utf8').replace(/run_name\s*=.*/, 'run_name = ../elsewhere'),
    );
    const escape = await runCli(['scalesim', '-c', config, '-t', anchor('topologies/edge_small.csv'), '-p', directory]);
    expect(escape.exitCode).toBe(2);
    expect(escape.stderr).toBe(
      `error: ${config}:2:12: [general] run_name must be a plain folder name (no "/", "\\", "..", control characters, at most 255 bytes), got "../elsewhere"\n`,
    );
    const inputType = await runCli(['scalesim', '-c', config, '-t', anchor('topologies/edge_small.csv'), '-p', directory, '-i', 'mnk']);
    expect(inputType.exitCode).toBe(2);
    expect(inputType.stderr).toContain('Choices: "conv", "gemm"');
  });
});

describe('npusim import scalesim', () => {
  const importArgs = (directory: string, topology = anchor('topologies/edge_small.csv')): string[] => [
    'import',
    'scalesim',
    '-c',
    anchor('cfgs/edge_small_8x8_os_user64bw10.cfg'),
    '-t',
    topology,
    '--out-graph',
    join(directory, 'g.json'),
    '--out-hw',
    join(directory, 'hw.json'),
  ];

  it('writes the graph, its sidecar and the hardware config, the same bytes for the same seed', async () => {
    const first = temporaryDirectory();
    const second = temporaryDirectory();
    const run = await runCli([...importArgs(first), '--seed', '7']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(
      `edge_small: 8 layers, 1693806 MACs, on 8x8 os (USER, SCALE-Sim timing); wrote ${join(first, 'g.json')}, ${join(first, 'g.bin')} and ${join(first, 'hw.json')}\n`,
    );
    expect((await runCli([...importArgs(second), '--seed', '7'])).exitCode).toBe(0);
    expect(readFileSync(join(first, 'g.bin')).equals(readFileSync(join(second, 'g.bin')))).toBe(true);
    const hardware = JSON.parse(readFileSync(join(first, 'hw.json'), 'utf8')) as Record<string, unknown>;
    expect(hardware).toMatchObject({ memory: { dram: { bytesPerCycle: 10 } }, timing: { model: 'scalesim', interfaceBandwidth: 'USER' } });
  });

  it('never overwrites, and a bad topology exits 2 with file:line:col, writing nothing', async () => {
    const directory = temporaryDirectory();
    writeFileSync(join(directory, 'hw.json'), '{"keep": "me"}');
    const refused = await runCli(importArgs(directory));
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toBe(
      `error: ${join(directory, 'hw.json')}: already exists; npusim never overwrites a file unless you pass --force\n`,
    );
    expect(existsSync(join(directory, 'g.json'))).toBe(false);
    const topology = join(directory, 'bad.csv');
    writeFileSync(
      topology,
      'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nConv1, 8, 8, 9, 3, 4, 2, 1,\n',
    );
    const bad = await runCli([...importArgs(directory, topology), '--force']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe(
      `error: ${topology}:2:14: filter height 9 is larger than the IFMAP height 8 (SCALE-Sim has no padding: give the padded size)\n`,
    );
    expect(existsSync(join(directory, 'g.json'))).toBe(false);
    expect(readFileSync(join(directory, 'hw.json'), 'utf8')).toBe('{"keep": "me"}');
    const notJson = await runCli([
      'import',
      'scalesim',
      '-c',
      anchor('cfgs/edge_small_8x8_os_user64bw10.cfg'),
      '-t',
      topology,
      '--out-graph',
      join(directory, 'g.txt'),
      '--out-hw',
      join(directory, 'h.json'),
    ]);
    expect(notJson.stderr).toBe(`error: ${join(directory, 'g.txt')}: --out-graph must name a .json file\n`);
    const seed = await runCli([...importArgs(directory), '--seed', '-1']);
    expect(seed.exitCode).toBe(2);
    expect(seed.stderr).toBe('error: --seed takes a whole number from 0 to 4294967295, got "-1"\nRun `npusim --help` for usage.\n');
  });
});
