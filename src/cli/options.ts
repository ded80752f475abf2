/**
 * Options several commands share, and whole-number options checked the same way everywhere: a value
 * outside its range, a fraction or a word is a usage error (exit 2), never a silently wrong number.
 */
import { availableParallelism } from 'node:os';
import type { Options } from 'yargs';
import { DEFAULT_MAX_MEMORY_BYTES } from '../formats/bounds.js';
import { type CliIO, paint } from './io.js';
import { UsageError } from './usage.js';

/** Seeds drive 32-bit generators: larger values would alias smaller ones, so they are refused. */
export const MAX_SEED = 2 ** 32 - 1;

/** Parses a whole number in min..max from an option's raw value; `flag` names it in the message. */
export function parseWholeNumber(raw: unknown, flag: string, min: number, max: number): number {
  if (Array.isArray(raw)) throw new UsageError(`${flag} is given ${raw.length} times; give it once`);
  const text = String(raw).trim();
  const value = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} takes a whole number from ${min} to ${max}, got "${String(raw)}"`);
  }
  // "-0" is 0.
  return value === 0 ? 0 : value;
}

interface WholeNumberSpec {
  readonly describe: string;
  readonly min: number;
  readonly max: number;
}

/** A yargs option holding a whole number in spec.min..spec.max, `fallback` when not given. */
export function wholeNumberOption(flag: string, spec: WholeNumberSpec & { readonly default: number }) {
  return {
    ...optionalWholeNumberOption(flag, spec),
    default: String(spec.default),
    defaultDescription: String(spec.default),
  } satisfies Options;
}

/** A whole-number option that may be left out (undefined then). */
export function optionalWholeNumberOption(flag: string, spec: WholeNumberSpec) {
  return {
    type: 'string',
    requiresArg: true,
    describe: `${spec.describe} (${spec.min}..${spec.max})`,
    coerce: (raw: unknown): number => parseWholeNumber(raw, `--${flag}`, spec.min, spec.max),
  } satisfies Options;
}

/** A seed option (0..2^32-1). */
export function seedOption(describe: string, fallback = 1) {
  return wholeNumberOption('seed', { describe, min: 0, max: MAX_SEED, default: fallback });
}

function onceOnly(flag: string): (raw: unknown) => string {
  return (raw) => {
    if (Array.isArray(raw)) throw new UsageError(`--${flag} is given ${raw.length} times; give it once`);
    return String(raw);
  };
}

/** A single string option: given twice is an error, not the last one silently. */
export function stringOption(flag: string, describe: string) {
  return { type: 'string', requiresArg: true, describe, coerce: onceOnly(flag) } satisfies Options;
}

/** A string option that must be given, once. */
export function requiredStringOption(flag: string, describe: string) {
  return { type: 'string', requiresArg: true, demandOption: true, describe, coerce: onceOnly(flag) } satisfies Options;
}

export const forceOption = {
  type: 'boolean',
  default: false,
  describe: 'overwrite output files that exist (never the inputs)',
} satisfies Options;

/** `--html FILE`: also draw the command's result as one self-contained HTML page (docs/report.md). */
export const htmlOption = stringOption('html', 'also write the result as an HTML page with charts and their tables');

export const hardwareOption = requiredStringOption('hw', 'hardware config (JSON)');

export const GRAPH_DESCRIPTION =
  'graph file, a TFLite model (.tflite), an ONNX model (.onnx, QOperator or QDQ), or zoo:NAME for a zoo network built in memory';

/** A positional yargs has already demanded; its type still allows undefined. */
export function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new UsageError(`missing ${name}`);
  return value;
}

/** The environment variable that sets the memory limit when --max-memory is not given. */
export const MAX_MEMORY_ENV = 'NPUSIM_MAX_MEMORY';

const BYTE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 2 ** 10,
  kib: 2 ** 10,
  m: 2 ** 20,
  mib: 2 ** 20,
  g: 2 ** 30,
  gib: 2 ** 30,
  t: 2 ** 40,
  tib: 2 ** 40,
};
const MEMORY_RANGE = { min: 2 ** 20, max: 2 ** 50 } as const;

/** "8GiB", "512MiB", "1.5G", "4294967296": a memory size in bytes (units are powers of 1024), 1 MiB..1 PiB. */
export function parseByteSize(raw: unknown, source: string): number {
  if (Array.isArray(raw)) throw new UsageError(`${source} is given ${raw.length} times; give it once`);
  const text = String(raw).trim();
  const match = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(text);
  const unit = match === null ? undefined : BYTE_UNITS[(match[2] ?? '').toLowerCase()];
  const bytes = match === null || unit === undefined ? Number.NaN : Math.floor(Number(match[1]) * unit);
  if (!Number.isSafeInteger(bytes) || bytes < MEMORY_RANGE.min || bytes > MEMORY_RANGE.max) {
    throw new UsageError(
      `${source} takes a memory size from 1MiB to 1024TiB, such as 8GiB, 512MiB or a number of bytes, got "${String(raw)}"`,
    );
  }
  return bytes;
}

/** --max-memory: what a command may use for tensor values (docs/formats.md, "Limits"). */
export const maxMemoryOption = {
  type: 'string',
  requiresArg: true,
  describe: `the most memory for tensor values, e.g. 8GiB (default: $${MAX_MEMORY_ENV}, else 4GiB); what will not fit is refused before any work`,
  coerce: (raw: unknown): number => parseByteSize(raw, '--max-memory'),
} satisfies Options;

/** The memory limit: --max-memory, else $NPUSIM_MAX_MEMORY, else the default. */
export function maxMemoryOf(option: number | undefined, environment: NodeJS.ProcessEnv = process.env): number {
  if (option !== undefined) return option;
  const fromEnvironment = environment[MAX_MEMORY_ENV];
  if (fromEnvironment !== undefined && fromEnvironment !== '') return parseByteSize(fromEnvironment, MAX_MEMORY_ENV);
  return DEFAULT_MAX_MEMORY_BYTES;
}

/**
 * Worker threads: at most one per core, since more only cost memory and time (results never depend
 * on the count). A larger --jobs is capped; the command notes it.
 */
export function jobsWithinCores(jobs: number | undefined): { readonly jobs: number; readonly capped: boolean } {
  const cores = availableParallelism();
  if (jobs === undefined) return { jobs: cores, capped: false };
  return jobs > cores ? { jobs: cores, capped: true } : { jobs, capped: false };
}

/** Says, on stderr, that --jobs was capped at the cores (nothing when it was not). */
export function noteCappedJobs(
  io: CliIO,
  requested: number | undefined,
  workers: { readonly jobs: number; readonly capped: boolean },
): void {
  if (workers.capped)
    io.stderr(`${paint(io).yellow('note')}: --jobs ${requested ?? ''} was capped at ${workers.jobs}, the cores of this machine\n`);
}
