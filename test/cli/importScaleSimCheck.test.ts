/**
 * `npusim import scalesim` writes only what `npusim validate --hw` accepts (issue 12): a SCALE-Sim
 * setting npusim cannot hold is refused with exit 2 at the .cfg key's line and column, naming the
 * npusim field and its rule, and a layer npusim cannot run at its topology row; nothing is written.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { digestFolder, temporaryDirectory } from '../support/files.js';
import { sharedPath } from '../support/sharedFolder.js';

const anchor = (relative: string): string => sharedPath('anchors/scalesim', relative);
const CFG = readFileSync(anchor('cfgs/edge_small_32x32_ws_calc64.cfg'), 'utf8');

interface Refused {
  readonly config: string;
  readonly topology: string;
  readonly hardware: string;
  readonly stderr: string;
}

/** Imports with a changed cfg (and topology); checks exit 2, one line, and that nothing was written. */
async function refusedImport(cfgText: string, topologyText?: string, inputType: 'conv' | 'gemm' = 'conv'): Promise<Refused> {
  const inputs = temporaryDirectory();
  const config = join(inputs, 'scale.cfg');
  writeFileSync(config, cfgText);
  const topology = join(inputs, 'topology.csv');
  writeFileSync(topology, topologyText ?? readFileSync(anchor('topologies/edge_small.csv'), 'utf8'));
  const before = digestFolder(inputs);
  const out = temporaryDirectory();
  const hardware = join(out, 'hw.json');
  const run = await runCli([
    'import',
    'scalesim',
    '-c',
    config,
    '-t',
    topology,
    '-i',
    inputType,
    '--out-graph',
    join(out, 'g.json'),
    '--out-hw',
    hardware,
  ]);
  expect(run.exitCode).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr.split('\n')).toHaveLength(2);
  expect(readdirSync(out)).toEqual([]);
  expect(digestFolder(inputs)).toEqual(before);
  return { config, topology, hardware, stderr: run.stderr };
}

describe('npusim import scalesim refuses what npusim would then reject', () => {
  it("ArrayHeight 100000: the key's line and column, the npusim field and its limit", async () => {
    const refused = await refusedImport(CFG.replace(/ArrayHeight:\s*32/, 'ArrayHeight:    100000'));
    expect(refused.stderr).toBe(
      `error: ${refused.config}:5:17: cannot import ArrayHeight: it becomes $.array.rows of ${refused.hardware}, where npusim expected a value <= 4096, got 100000; nothing was written\n`,
    );
  });

  it('ArrayWidth 5000 likewise', async () => {
    const refused = await refusedImport(CFG.replace(/ArrayWidth:\s*32/, 'ArrayWidth:     5000'));
    expect(refused.stderr).toBe(
      `error: ${refused.config}:6:17: cannot import ArrayWidth: it becomes $.array.columns of ${refused.hardware}, where npusim expected a value <= 4096, got 5000; nothing was written\n`,
    );
  });

  it("SRAMs too small for npusim's tiles: the layer's row, and which settings are the SRAMs", async () => {
    const small = CFG.replace(/IfmapSramSzkB:\s*64/, 'IfmapSramSzkB:    1').replace(/FilterSramSzkB:\s*64/, 'FilterSramSzkB:   1');
    const refused = await refusedImport(small, readFileSync(anchor('topologies/alexnet_part.csv'), 'utf8'));
    expect(refused.stderr).toBe(
      `error: ${refused.topology}:2:1: cannot import layer "Conv1": conv2d "Conv1" cannot be tiled into the memory of ${refused.hardware}: one step of one fold needs 1024 bytes of weights, 32 of inputs and 128 of outputs, twice over with double buffering; the SRAMs hold 1024, 1024 and 65536; ` +
        `the SRAMs are IfmapSramSzkB (${refused.config}:7:19), FilterSramSzkB (${refused.config}:8:19), OfmapSramSzkB (${refused.config}:9:19); nothing was written\n`,
    );
  });

  it('a graph past what npusim reads back is refused before any layer is built', async () => {
    const refused = await refusedImport(CFG, 'Layer, M, N, K,\nSmall,4,4,4,\nWide,1,30000000,1,\n', 'gemm');
    expect(refused.stderr).toBe(
      `error: ${refused.topology}:3:1: cannot import: with this layer the graph would pass the 256.0 MiB npusim reads back (it takes at least 10 characters per filter); split the topology (nothing was written)\n`,
    );
  });

  it('a misspelt .cfg key is refused by import as by scalesim', async () => {
    const refused = await refusedImport(CFG.replace('ArrayWidth:', 'ArrayWdith:'));
    expect(refused.stderr).toBe(
      `error: ${refused.config}:6:1: unknown key "ArrayWdith" in [architecture_presets] (did you mean "ArrayWidth"?)\n`,
    );
  });

  it.runIf(existsSync('/dev/zero'))('/dev/zero as the .cfg or the topology ends at once, naming the limit', async () => {
    const out = temporaryDirectory();
    const args = (config: string, topology: string): string[] => [
      'import',
      'scalesim',
      '-c',
      config,
      '-t',
      topology,
      '--out-graph',
      join(out, 'g.json'),
      '--out-hw',
      join(out, 'hw.json'),
    ];
    const config = await runCli(args('/dev/zero', anchor('topologies/edge_small.csv')));
    expect(config.stderr).toBe('error: /dev/zero: is larger than 1.0 MiB, the most npusim reads for a SCALE-Sim .cfg file\n');
    expect(config.exitCode).toBe(2);
    const topology = await runCli(args(anchor('cfgs/edge_small_32x32_ws_calc64.cfg'), '/dev/zero'));
    expect(topology.stderr).toBe('error: /dev/zero: is larger than 256.0 MiB, the most npusim reads for a SCALE-Sim topology CSV\n');
    expect(topology.exitCode).toBe(2);
    expect(readdirSync(out)).toEqual([]);
  });
});
