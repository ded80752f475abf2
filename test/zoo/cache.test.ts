/**
 * The zoo cache: a network read back from it is the network a fresh build gives (the same report
 * byte for byte), an entry is keyed by everything that decides the network, and a cache that cannot
 * be read or written is passed by.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadHardwareFile } from '../../src/formats/loadHardware.js';
import { simulate } from '../../src/pipeline/index.js';
import { jsonReport } from '../../src/report/json.js';
import { buildZooNetwork } from '../../src/zoo/build.js';
import { cachedZooNetwork, evictOldest } from '../../src/zoo/cache.js';
import { DEFAULT_ZOO_QUANT, zooGraph } from '../../src/zoo/graph.js';
import { REPO } from '../support/files.js';

const HARDWARE = loadHardwareFile(join(REPO, 'configs/edge-npu.json'));
const OPTIONS = { ...DEFAULT_ZOO_QUANT, sidecarFile: 'memory' };
let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'npusim-zoo-cache-'));
  process.env.NPUSIM_CACHE_DIR = folder;
});

afterEach(() => {
  delete process.env.NPUSIM_CACHE_DIR;
  rmSync(folder, { recursive: true, force: true });
});

const entries = (): string[] => readdirSync(join(folder, 'zoo')).sort();

describe('zoo cache', () => {
  it('gives the network a fresh build gives, read back without building', () => {
    const built = cachedZooNetwork('small_cnn', OPTIONS, () => buildZooNetwork('small_cnn', OPTIONS));
    expect(entries().map((name) => name.replace(/^[0-9a-f]{32}/, 'KEY'))).toEqual(['KEY.bin', 'KEY.json']);
    const read = cachedZooNetwork('small_cnn', OPTIONS, () => {
      throw new Error('built again');
    });
    expect(read.graph).toEqual(built.graph);
    expect(Buffer.from(read.sidecar).equals(Buffer.from(built.sidecar))).toBe(true);
    expect(read.layers).toEqual(built.layers);
    expect(jsonReport(simulate(read.model, HARDWARE))).toBe(jsonReport(simulate(built.model, HARDWARE)));
  });

  it('zoo:NAME from the cache runs exactly as with the cache off', () => {
    const cached = jsonReport(simulate(zooGraph('small_cnn'), HARDWARE));
    const again = jsonReport(simulate(zooGraph('small_cnn'), HARDWARE));
    process.env.NPUSIM_CACHE_DIR = 'off';
    expect(again).toBe(cached);
    expect(jsonReport(simulate(zooGraph('small_cnn'), HARDWARE))).toBe(cached);
  });

  it('keys an entry by the options that decide the network', () => {
    zooGraph('small_cnn');
    zooGraph('small_cnn', { ...DEFAULT_ZOO_QUANT, seed: 2 });
    zooGraph('small_cnn', { ...DEFAULT_ZOO_QUANT, perChannel: false });
    expect(entries()).toHaveLength(6);
  });

  it('serves every sidecar name and every mode of the same form from one entry, as a fresh build for each would write it', () => {
    const asBuilt = (options: typeof OPTIONS) => cachedZooNetwork('small_cnn', options, () => buildZooNetwork('small_cnn', options));
    asBuilt(OPTIONS);
    for (const other of [
      { ...OPTIONS, sidecarFile: 'elsewhere.bin' },
      { ...OPTIONS, requant: 'gemmlowp' as const, sidecarFile: 'g.bin' },
      { ...OPTIONS, requant: 'ort-float' as const },
    ]) {
      const read = cachedZooNetwork('small_cnn', other, () => {
        throw new Error('built again');
      });
      const fresh = buildZooNetwork('small_cnn', other);
      expect(JSON.stringify(read.graph)).toBe(JSON.stringify(fresh.graph));
      expect(Buffer.from(read.sidecar).equals(Buffer.from(fresh.sidecar))).toBe(true);
      expect(read.model.quantizedFor).toBe(other.requant);
    }
    expect(entries()).toHaveLength(2);
    // Fractional bits are other numbers: an entry of their own.
    zooGraph('small_cnn', { ...DEFAULT_ZOO_QUANT, requant: 'shift-only' });
    expect(entries()).toHaveLength(4);
  });

  it('builds afresh over an entry it cannot read, and passes by a folder it cannot write', () => {
    zooGraph('small_cnn');
    for (const name of entries()) writeFileSync(join(folder, 'zoo', name), '{"truncated');
    const report = jsonReport(simulate(zooGraph('small_cnn'), HARDWARE));
    process.env.NPUSIM_CACHE_DIR = 'off';
    expect(report).toBe(jsonReport(simulate(zooGraph('small_cnn'), HARDWARE)));
    // A file where the folder should be: nothing can be written, and the run goes on.
    const blocked = join(folder, 'blocked');
    writeFileSync(blocked, '');
    process.env.NPUSIM_CACHE_DIR = blocked;
    expect(jsonReport(simulate(zooGraph('small_cnn'), HARDWARE))).toBe(report);
  });

  it('keeps the newest entries and removes both files of the others, leaving other files alone', () => {
    const zoo = join(folder, 'zoo');
    mkdirSync(zoo, { recursive: true });
    const keys = ['a', 'b', 'c', 'd'].map((letter) => letter.repeat(32));
    keys.forEach((key, index) => {
      for (const end of ['.json', '.bin']) {
        writeFileSync(join(zoo, `${key}${end}`), '{}');
        utimesSync(join(zoo, `${key}${end}`), 1_000 + index, 1_000 + index);
      }
    });
    writeFileSync(join(zoo, 'notes.txt'), '');
    evictOldest(zoo, 2);
    expect(entries()).toEqual([
      `${'c'.repeat(32)}.bin`,
      `${'c'.repeat(32)}.json`,
      `${'d'.repeat(32)}.bin`,
      `${'d'.repeat(32)}.json`,
      'notes.txt',
    ]);
  });
});
