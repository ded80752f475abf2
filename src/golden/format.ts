/**
 * The golden trace format: what was run (graph, hardware config, energy table, input seed, npusim
 * version) and what came out (per-layer cycles, energy, overflow, headroom and output hashes).
 * A golden is checked into a repository and reviewed in diffs, so every field has a fixed place
 * and the writer (serialize.ts) prints it byte-identically for identical runs.
 */
import type { OverflowCounts } from '../engine/overflowCounters.js';
import type { EventRecord } from '../report/records.js';
import type { Totals } from '../report/summary.js';

export const GOLDEN_FORMAT = 'npusim-golden';
export const GOLDEN_VERSION = 1;

/**
 * Energies (pJ) are sums of floating-point prices, so a golden compares them within this relative
 * tolerance: |new - old| <= 1e-9 * max(|old|, |new|). Everything else (cycles, counts, bits,
 * locations, hashes) must match exactly.
 */
export const REAL_RELATIVE_TOLERANCE = 1e-9;

/** How many leading values of each output tensor a golden shows beside its hash. */
export const SAMPLE_VALUES = 4;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The graph: a zoo network built in memory, or a graph file relative to the golden's root. */
export type GoldenGraph = { readonly zoo: string; readonly sha256: string } | { readonly file: string; readonly sha256: string };

/** An input file recorded with its hash and a full copy of its content, so a check can name the fields that changed. */
export interface RecordedFile {
  readonly file: string;
  readonly sha256: string;
  readonly content: JsonObject;
}

export interface GoldenRun {
  readonly graph: GoldenGraph;
  readonly hardware: RecordedFile;
  /** The energy table file the config names; absent when the config prices actions inline. */
  readonly energyTable?: RecordedFile;
  readonly input: { readonly seed: number };
}

export interface GoldenLayer {
  readonly name: string;
  readonly op: string;
  readonly unit: string;
  readonly macs: number;
  readonly cycles: Readonly<Record<string, number>>;
  /** `total` first, then one entry per energy component. */
  readonly energyPj: Readonly<Record<string, number>>;
  readonly overflow: OverflowCounts;
  /** Where each kind of overflow first happened (null: it did not). */
  readonly firstOverflow: {
    readonly transient: EventRecord | null;
    readonly final: EventRecord | null;
    readonly clipped: EventRecord | null;
    readonly vectorSaturated: EventRecord | null;
  };
  /** Signed bits the exact sums needed (final and every partial) beside the accumulator's width. */
  readonly headroomBits: { readonly final: number; readonly partial: number; readonly accumulator: number };
  readonly output: {
    readonly tensor: string;
    readonly shape: readonly number[];
    /** SHA-256 of the values as int32 little-endian, 4 bytes per element, row-major (NHWC). */
    readonly sha256: string;
    readonly first: readonly number[];
  };
}

/**
 * The report's totals (src/report/summary.ts) a golden keeps. Its energy parts and overflow totals
 * are read back as open records: a check compares them key by key and names any key that came or went.
 */
export interface GoldenTotals
  extends Pick<Totals, 'macs' | 'cycles' | 'computeCycles' | 'memoryStallCycles' | 'vectorCycles' | 'energyPj'> {
  readonly energyByComponentPj: Readonly<Record<string, number>>;
  readonly overflow: Readonly<Record<string, number>>;
}

export interface GoldenResult {
  readonly graph: string;
  readonly hardware: string;
  readonly energyTable: string;
  readonly clockMHz: number;
  readonly totals: GoldenTotals;
  readonly layers: readonly GoldenLayer[];
}

export interface GoldenFile {
  readonly format: typeof GOLDEN_FORMAT;
  readonly version: typeof GOLDEN_VERSION;
  /** How numbers are compared, stated in every file so a reviewer sees it. */
  readonly compare: { readonly integers: 'exact'; readonly realRelativeTolerance: number };
  readonly npusimVersion: string;
  /** The folder the recorded paths are relative to, relative to the golden file's own folder. */
  readonly root: string;
  readonly run: GoldenRun;
  readonly result: GoldenResult;
}

/**
 * A golden record as plain JSON. The record types are interfaces (no index signatures), but they
 * hold only strings, numbers, null, arrays and plain objects, so the view is exact.
 */
export function asJson(record: GoldenFile | GoldenResult | JsonObject): Json {
  return record as unknown as Json;
}
