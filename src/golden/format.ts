/**
 * The golden trace format: what was run (graph, hardware config, energy table, input seed, npusim
 * version) and what came out (per-layer cycles, energy, overflow, headroom and output hashes).
 * A golden is checked into a repository and reviewed in diffs, so every field has a fixed place
 * and the writer (serialize.ts) prints it byte-identically for identical runs.
 */
import { z } from 'zod';
import { overflowCountsShape } from '../report/reportSchema.js';
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

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in 64 lower-case hex digits');
const count = z.int().min(0);
const numbers = z.record(z.string(), z.number());
/** Where a kind of overflow first happened (null: it did not), as the report records it. */
const location = z.strictObject({ output: z.int(), k: z.int() }).nullable();
/** An input file recorded with its hash and a full copy of its content, so a check can name the fields that changed. */
const recordedFile = z.strictObject({ file: z.string().min(1), sha256, content: z.record(z.string(), z.json()) });

const layer = z.strictObject({
  name: z.string(),
  op: z.string(),
  unit: z.string(),
  macs: count,
  cycles: numbers,
  /** `total` first, then one entry per energy component. */
  energyPj: numbers,
  overflow: z.strictObject(overflowCountsShape()),
  firstOverflow: z.strictObject({ transient: location, final: location, clipped: location, vectorSaturated: location }),
  /** Signed bits the exact sums needed (final and every partial) beside the accumulator's width. */
  headroomBits: z.strictObject({ final: count, partial: count, accumulator: count }),
  /** sha256: of the values as int32 little-endian, 4 bytes per element, row-major (NHWC); first: the leading values. */
  output: z.strictObject({ tensor: z.string(), shape: z.array(count), sha256, first: z.array(z.int()) }),
});

/**
 * The golden file, as the reader checks it and the types below are derived from it: one schema for
 * both. The totals are the report's (src/report/summary.ts); their energy parts and overflow totals
 * are open records, which a check compares key by key, naming any key that came or went.
 */
export const goldenSchema = z.strictObject({
  format: z.literal(GOLDEN_FORMAT),
  version: z.literal(GOLDEN_VERSION),
  /** How numbers are compared, stated in every file so a reviewer sees it. */
  compare: z.strictObject({ integers: z.literal('exact'), realRelativeTolerance: z.number().min(0).max(0.01) }),
  npusimVersion: z.string(),
  /** The folder the recorded paths are relative to, relative to the golden file's own folder. */
  root: z.string().min(1),
  run: z.strictObject({
    /** A zoo network built in memory, or a graph file relative to the golden's root. */
    graph: z.union([z.strictObject({ zoo: z.string().min(1), sha256 }), z.strictObject({ file: z.string().min(1), sha256 })]),
    hardware: recordedFile,
    /** The energy table file the config names; absent when the config prices actions inline. */
    energyTable: recordedFile.optional(),
    input: z.strictObject({ seed: z.int().min(0) }),
  }),
  result: z.strictObject({
    graph: z.string(),
    hardware: z.string(),
    energyTable: z.string(),
    clockMHz: z.number(),
    totals: z.strictObject({
      macs: count,
      cycles: count,
      computeCycles: count,
      memoryStallCycles: count,
      vectorCycles: count,
      energyPj: z.number(),
      energyByComponentPj: numbers,
      overflow: numbers,
    }),
    layers: z.array(layer),
  }),
});

export type GoldenFile = z.infer<typeof goldenSchema>;
export type GoldenRun = GoldenFile['run'];
export type GoldenGraph = GoldenRun['graph'];
export type RecordedFile = GoldenRun['hardware'];
export type GoldenResult = GoldenFile['result'];
export type GoldenTotals = GoldenResult['totals'];
export type GoldenLayer = GoldenResult['layers'][number];

/** The golden's totals are the report's: the names they share must be the report's own. */
type SharedTotals = 'macs' | 'cycles' | 'computeCycles' | 'memoryStallCycles' | 'vectorCycles' | 'energyPj';
const totalsAreTheReports: Pick<Totals, SharedTotals> extends Pick<GoldenTotals, SharedTotals> ? true : never = true;
void totalsAreTheReports;
