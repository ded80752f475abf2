/**
 * Built zoo networks cached on disk by content: the network's name, the quantization options that
 * decide its numbers, npusim's version and a hash of npusim's source, so that a change to any of
 * them builds afresh. The sidecar's file name and, among the modes that take scales, which one the
 * network is for decide no number: an entry serves them all, relabelled on the way out (see
 * relabelParts). A hit is read back through the same schema and resolution a fresh build goes
 * through, so both give the same graph; the cache only saves the float calibration and weight
 * building (seconds for MobileNet). NPUSIM_CACHE_DIR=off turns it off; a cache that cannot be read
 * or written is passed by, never an error.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { npusimVersion } from '../formats/version.js';
import { type BuiltParts, networkFromParts, relabelParts, type ZooNetwork, type ZooOptions } from './build.js';

/** Bumped when what a cache entry holds changes shape. */
const ENTRY_FORMAT = 2;

/** Entries kept (each a graph and its sidecar, up to a few MB): the oldest go first past this. */
const MAX_ENTRIES = 24;

/** The cache folder, or undefined when turned off. */
export function zooCacheFolder(): string | undefined {
  const setting = process.env.NPUSIM_CACHE_DIR;
  if (setting === 'off') return undefined;
  if (setting !== undefined && setting !== '') return join(setting, 'zoo');
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'npusim', 'zoo');
}

let codeHash: string | undefined;

/**
 * A hash of npusim's source, once a process: for the bundle, the hash of src/ that
 * scripts/bundle.mjs took when it built it (written beside it), so that the CLI and the tests,
 * which run src/ itself, share entries built from the same source; else one taken of the modules
 * around this one (src/ under vitest, dist/ unbundled).
 */
function hashOfCode(): string {
  codeHash ??= builtHash() ?? hashOfSourceTree(fileURLToPath(new URL('..', import.meta.url)));
  return codeHash;
}

function builtHash(): string | undefined {
  try {
    const text = readFileSync(new URL('./code-hash.txt', import.meta.url), 'utf8').trim();
    return /^[0-9a-f]{64}$/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

/** The hash of every module under a folder (.js, .ts but .d.ts, .wasm), by path relative to it and content. */
export function hashOfSourceTree(root: string): string {
  const hash = createHash('sha256');
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(js|ts|wasm)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
        hash.update(relative(root, path)).update(readFileSync(path));
    }
  };
  walk(root);
  return hash.digest('hex');
}

/** The options that decide a build's numbers: all but the sidecar's name, and of the mode only whether it takes scales or fractional bits. */
function buildIdentity(options: ZooOptions): Record<string, unknown> {
  const { sidecarFile: _name, requant, ...rest } = options;
  return { ...rest, form: requant === 'shift-only' ? 'fractional-bits' : 'scales' };
}

function entryKey(name: string, options: ZooOptions): string {
  const identity = { format: ENTRY_FORMAT, version: npusimVersion(), code: hashOfCode(), name, build: buildIdentity(options) };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
}

/** Keeps the newest `keep` entries: every code change keys new ones, so old ones would pile up. */
export function evictOldest(folder: string, keep = MAX_ENTRIES): void {
  const entries = readdirSync(folder)
    .filter((name) => /^[0-9a-f]{32}\.json$/.test(name))
    .map((name) => ({ key: name.slice(0, 32), time: statSync(join(folder, name)).mtimeMs }))
    .sort((a, b) => b.time - a.time || (a.key < b.key ? -1 : 1));
  for (const { key } of entries.slice(keep)) {
    rmSync(join(folder, `${key}.json`), { force: true });
    rmSync(join(folder, `${key}.bin`), { force: true });
  }
}

/** The cached network (relabelled for the options' sidecar name and mode), or a fresh build stored for next time. */
export function cachedZooNetwork(name: string, options: ZooOptions, build: () => ZooNetwork): ZooNetwork {
  const folder = zooCacheFolder();
  if (folder === undefined) return build();
  const key = entryKey(name, options);
  const jsonFile = join(folder, `${key}.json`);
  const sidecarFile = join(folder, `${key}.bin`);
  try {
    const entry = JSON.parse(readFileSync(jsonFile, 'utf8')) as Omit<BuiltParts, 'sidecar'>;
    const parts = relabelParts({ ...entry, sidecar: new Uint8Array(readFileSync(sidecarFile)) }, options.requant, options.sidecarFile);
    return networkFromParts(parts, options.sidecarFile);
  } catch {
    // Not cached yet (or unreadable): build it.
  }
  const network = build();
  try {
    mkdirSync(folder, { recursive: true });
    // Written under temporary names, then renamed: a reader never sees half an entry, and two
    // processes building the same network at once both leave a whole one. The sidecar goes first,
    // since a reader opens the JSON first.
    const unique = `${process.pid}-${Date.now()}`;
    writeFileSync(`${sidecarFile}.${unique}`, network.sidecar);
    renameSync(`${sidecarFile}.${unique}`, sidecarFile);
    const entry: Omit<BuiltParts, 'sidecar'> = { graph: network.graph, layers: network.layers, totals: network.totals };
    writeFileSync(`${jsonFile}.${unique}`, JSON.stringify(entry));
    renameSync(`${jsonFile}.${unique}`, jsonFile);
    evictOldest(folder);
  } catch {
    // A read-only or full disk: the network was built, which is all the caller needs.
  }
  return network;
}
