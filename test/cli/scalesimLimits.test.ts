/**
 * `npusim scalesim` on inputs past its limits, odd output places and devices (issue 12): each ends
 * in exit 2 with one line naming the file, the line and column when there is one, and what was
 * expected; no stack trace, the inputs untouched and no report folder left behind. And what used to
 * crash now runs: a "DP" row of 200,000 channels (the stack overflowed past about 125,000).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { digestFolder, temporaryDirectory } from '../support/files.js';
import { sharedPath } from '../support/sharedFolder.js';

const anchor = (relative: string): string => sharedPath('anchors/scalesim', relative);
const HEADER = 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n';
const CALC_CFG = anchor('cfgs/edge_small_32x32_ws_calc64.cfg');
const RUN_NAME = 'edge_small_32x32_ws_calc64';

interface Inputs {
  readonly directory: string;
  readonly config: string;
  readonly topology: string;
  readonly out: string;
}

/** A folder holding a cfg and a topology (the anchor's unless given), and an output path not yet made. */
function inputs(topologyRows?: string, cfgText?: string): Inputs {
  const directory = temporaryDirectory();
  const config = join(directory, 'run.cfg');
  writeFileSync(config, cfgText ?? readFileSync(CALC_CFG, 'utf8'));
  const topology = join(directory, 'topology.csv');
  writeFileSync(
    topology,
    topologyRows === undefined ? readFileSync(anchor('topologies/edge_small.csv'), 'utf8') : `${HEADER}${topologyRows}`,
  );
  return { directory, config, topology, out: join(directory, 'out') };
}

/** Runs and checks the refusal: exit 2, exactly `message`, inputs untouched, nothing made under --out. */
async function expectRefusal(files: Inputs, message: string, out = files.out): Promise<void> {
  const before = digestFolder(files.directory);
  const outExisted = existsSync(out);
  const run = await runCli(['scalesim', '-c', files.config, '-t', files.topology, '-p', out]);
  expect(run.stderr).toBe(`error: ${message}\n`);
  expect(run.exitCode).toBe(2);
  expect(run.stdout).toBe('');
  expect(digestFolder(files.directory)).toEqual(before);
  expect(existsSync(join(out, RUN_NAME))).toBe(false);
  expect(existsSync(out)).toBe(outExisted);
}

function cfgWith(replace: RegExp, by: string): string {
  const text = readFileSync(CALC_CFG, 'utf8');
  expect(text).toMatch(replace);
  return text.replace(replace, by);
}

describe('npusim scalesim: what used to crash runs', () => {
  it('a "DP" row of 200,000 channels writes 200,000 equal report rows', async () => {
    const files = inputs('BigDP,1,1,1,1,200000,1,1,\n');
    const run = await runCli(['scalesim', '-c', files.config, '-t', files.topology, '-p', files.out]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(
      `${RUN_NAME}: 200000 layers on 32x32 ws (CALC), 18800000 total cycles, 0 stall cycles; wrote ${join(files.out, RUN_NAME)}/{COMPUTE,BANDWIDTH,DETAILED_ACCESS}_REPORT.csv\n`,
    );
    const lines = readFileSync(join(files.out, RUN_NAME, 'COMPUTE_REPORT.csv'), 'utf8').split('\n');
    expect(lines).toHaveLength(200_002);
    expect(lines[1]).toBe('0, 94, 0, 0.0010388962765957447, 0.09765625, 0.0007750496031746031,');
    expect(lines[200_000]).toBe('199999, 94, 0, 0.0010388962765957447, 0.09765625, 0.0007750496031746031,');
    expect(lines[200_001]).toBe('');
  });
});

describe('npusim scalesim: limits refused up front, naming the value', () => {
  it('a "DP" row whose channels pass 2^20 report rows: the channels column', async () => {
    const files = inputs('BigDP,1,1,1,1,1048577,1,1,\n');
    await expectRefusal(
      files,
      `${files.topology}:2:15: "DP" layer "BigDP" runs as one layer per channel (1048577): 1048577 layers in all, more than the 1048576 npusim runs at a time (one report row each); split the topology`,
    );
  });

  it('a layer whose tables would pass 4 GiB: the row, with the sizes', async () => {
    const files = inputs('Huge,46340,46340,1,1,1,1,1,\n');
    await expectRefusal(
      files,
      `${files.topology}:2:1: layer "Huge" would need 32.0 GiB of memory to simulate (2147395600 output pixels, a window of 1, 2147395600 IFMAP and 1 filter words, CALC bandwidth), more than the 4.0 GiB npusim gives one layer (docs/scalesim.md, "Limits")`,
    );
  });

  it("a topology value past 32 bits, and an operand past SCALE-Sim's 32-bit addresses", async () => {
    const wide = inputs('Wide,8,2147483648,3,3,1,1,1,\n');
    await expectRefusal(
      wide,
      `${wide.topology}:2:8: IFMAP width must be at most 2147483647 (SCALE-Sim's addresses are 32-bit), got 2147483648`,
    );
    const big = inputs('Big,65536,65536,3,3,1,1,1,\n');
    await expectRefusal(
      big,
      `${big.topology}:2:1: the IFMAP of layer "Big" has 4294967296 words, more than SCALE-Sim's 32-bit addresses hold (at most 2147483647)`,
    );
  });

  it('an array side past 2^20 and an SRAM size past 32 bits: the .cfg value', async () => {
    const tall = inputs(undefined, cfgWith(/ArrayHeight:\s*32/, 'ArrayHeight:    1048577'));
    await expectRefusal(
      tall,
      `${tall.config}:5:17: ArrayHeight must be at most 1048576 (so that the model stays exact and its demand rows small), got 1048577`,
    );
    const sram = inputs(undefined, cfgWith(/IfmapSramSzkB:\s*64/, 'IfmapSramSzkB:    2147483648'));
    await expectRefusal(sram, `${sram.config}:7:19: IfmapSramSzkB must be at most 2147483647 (the largest 32-bit integer), got 2147483648`);
  });

  it('a row of a million commas is refused without splitting it', async () => {
    const files = inputs(`Commas${','.repeat(1_000_000)}\n`);
    await expectRefusal(
      files,
      `${files.topology}:2:16: expected 8 or 9 fields (layer name, IFMAP height, IFMAP width, filter height, filter width, channels, number of filters, stride, stride width), got 1000000`,
    );
  });
});

describe('npusim scalesim: .cfg keys', () => {
  it('a misspelt key names its line and the key meant, instead of "missing setting"', async () => {
    const files = inputs(undefined, cfgWith(/ArrayHeight:/, 'ArrayHieght:'));
    await expectRefusal(files, `${files.config}:5:1: unknown key "ArrayHieght" in [architecture_presets] (did you mean "ArrayHeight"?)`);
  });

  it('a misspelt section names the section meant', async () => {
    const files = inputs(undefined, cfgWith(/\[run_presets\]/, '[run_preset]'));
    await expectRefusal(files, `${files.config}:17:1: unknown section [run_preset] (did you mean [run_presets]?)`);
  });

  it('a run_name of two lines (a continuation line) is no folder name; the message stays one line', async () => {
    const files = inputs(undefined, cfgWith(/run_name = .*\n/, 'run_name = first\n  second\n'));
    await expectRefusal(
      files,
      `${files.config}:2:12: [general] run_name must be a plain folder name (no "/", "\\", "..", control characters, at most 255 bytes), got "first\\nsecond"`,
    );
  });

  it("keys SCALE-Sim v2 does not read (v3's) stay a note, as SCALE-Sim ignores them", async () => {
    const files = inputs(undefined, cfgWith(/MemoryBanks:\s*1/, 'MemoryBanks:   1\nReadRequestBuffer: 32\nWriteRequestBuffer: 32'));
    const run = await runCli(['scalesim', '-c', files.config, '-t', files.topology, '-p', files.out]);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe(
      `note: ${files.config}: not read by SCALE-Sim v2, ignored: [architecture_presets] readrequestbuffer, [architecture_presets] writerequestbuffer\n`,
    );
    expect(readFileSync(join(files.out, RUN_NAME, 'COMPUTE_REPORT.csv'), 'utf8')).toBe(
      readFileSync(anchor(`goldens/${RUN_NAME}/COMPUTE_REPORT.csv`), 'utf8'),
    );
  });
});

describe.runIf(existsSync('/dev/zero'))('npusim scalesim: devices are read bounded', () => {
  it('/dev/zero as the .cfg', async () => {
    const files = inputs();
    const run = await runCli(['scalesim', '-c', '/dev/zero', '-t', files.topology, '-p', files.out]);
    expect(run.stderr).toBe('error: /dev/zero: is larger than 1.0 MiB, the most npusim reads for a SCALE-Sim .cfg file\n');
    expect(run.exitCode).toBe(2);
    expect(existsSync(files.out)).toBe(false);
  });

  it('/dev/zero as the topology', async () => {
    const files = inputs();
    const run = await runCli(['scalesim', '-c', files.config, '-t', '/dev/zero', '-p', files.out]);
    expect(run.stderr).toBe('error: /dev/zero: is larger than 256.0 MiB, the most npusim reads for a SCALE-Sim topology CSV\n');
    expect(run.exitCode).toBe(2);
    expect(existsSync(files.out)).toBe(false);
  });
});

describe('npusim scalesim: odd places for -p end at once in exit 2', () => {
  it.runIf(existsSync('/proc/self'))("-p /proc/nope (Node's recursive mkdir used to spin there)", async () => {
    await expectRefusal(inputs(), '/proc/nope: cannot create the folder: no folder can be made there (ENOENT)', '/proc/nope');
  });

  it.runIf(existsSync('/proc/self'))('-p /proc, a folder where no folder can be made', async () => {
    await expectRefusal(inputs(), `/proc/${RUN_NAME}: cannot create the folder: no folder can be made there (ENOENT)`, '/proc');
  });

  it('-p naming a file', async () => {
    const files = inputs();
    await expectRefusal(files, `${files.topology}: is a file; -p/--out names a folder`, files.topology);
  });

  it('-p inside a folder that does not exist', async () => {
    const files = inputs();
    const out = join(files.directory, 'missing', 'out');
    await expectRefusal(
      files,
      `${out}: folder ${join(files.directory, 'missing')} does not exist; create it first (npusim creates no folders for its outputs)`,
      out,
    );
    expect(existsSync(join(files.directory, 'missing'))).toBe(false);
  });

  // Permissions do not bind root: as root, the folder is writable and the run succeeds.
  it.skipIf(process.getuid?.() === 0)('-p naming a read-only folder', async () => {
    const files = inputs();
    const readOnly = join(temporaryDirectory(), 'read-only');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    try {
      await expectRefusal(files, `${readOnly}: cannot write in folder ${readOnly} (permission denied)`, readOnly);
      expect(readdirSync(readOnly)).toEqual([]);
    } finally {
      chmodSync(readOnly, 0o755);
    }
  });
});
