/**
 * Running conformance files (numeric vectors and whole-layer cases mixed, JSON Lines) in bounded
 * memory: each file is read a chunk at a time, each chunk's cases run as soon as they are parsed,
 * and only the counts and the first few failures are kept, so a file of millions of cases costs no
 * more memory than one of ten.
 *
 * Nothing is reported until every file has run: a malformed line anywhere stops the whole run with
 * an InputError before the caller has printed any verdict. The price of checking and running in one
 * pass is that the cases before a malformed line have run for nothing; a separate validating pass
 * would cost as much again on every good file (parsing and checking the arguments is most of the
 * work), so one pass it is.
 */
import { stat } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { readLineBatches } from '../formats/jsonLines.js';
import { reasonFor } from '../formats/readFile.js';
import { type LayerCaseFailure, runLayerCase } from './layerCases.js';
import { runVectorCase, type VectorFailure } from './runVectors.js';
import { parseConformanceLine } from './vectorFile.js';

const WHAT = 'a .jsonl file of conformance cases';

export type ConformanceFailure =
  | { readonly kind: 'vector'; readonly failure: VectorFailure }
  | { readonly kind: 'layer'; readonly failure: LayerCaseFailure };

export interface ConformanceRunOptions {
  /** How many failures to keep in full (the rest are only counted). */
  readonly keepFailures: number;
  /**
   * Called after each chunk's cases ran: bytes read of all the files' bytes, and cases run so far.
   * Only called when every file is a regular file (a pipe or a device has no size to count towards).
   */
  readonly onProgress?: (doneBytes: number, totalBytes: number, casesDone: number) => void;
}

export interface FileCount {
  readonly file: string;
  /** Cases in the file (its non-blank lines). */
  readonly cases: number;
}

export interface ConformanceRun {
  readonly passed: number;
  readonly failed: number;
  /** The first `keepFailures` failures, in file order. */
  readonly failures: readonly ConformanceFailure[];
  /** Every file with its number of cases, in the order given. */
  readonly files: readonly FileCount[];
}

/** Each file's size, checking up front that every file is there (a missing third file is found before the first runs). */
async function fileSizes(files: readonly string[]): Promise<(number | undefined)[]> {
  const sizes: (number | undefined)[] = [];
  for (const file of files) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(file);
    } catch (error) {
      throw new InputError(reasonFor(error, WHAT), file);
    }
    if (info.isDirectory()) throw new InputError(`is a folder, expected ${WHAT}`, file);
    sizes.push(info.isFile() ? info.size : undefined);
  }
  return sizes;
}

export async function runConformanceFiles(files: readonly string[], options: ConformanceRunOptions): Promise<ConformanceRun> {
  const sizes = await fileSizes(files);
  const totalBytes = sizes.every((size) => size !== undefined) ? sizes.reduce<number>((sum, size) => sum + (size ?? 0), 0) : undefined;
  const failures: ConformanceFailure[] = [];
  const counts: FileCount[] = [];
  let passed = 0;
  let failed = 0;
  let bytesBefore = 0;
  const fail = (failure: ConformanceFailure): void => {
    failed += 1;
    if (failures.length < options.keepFailures) failures.push(failure);
  };
  for (const [index, file] of files.entries()) {
    let cases = 0;
    for await (const batch of readLineBatches(file, { what: WHAT })) {
      for (const { line, text } of batch.lines) {
        const parsed = parseConformanceLine(text, file, line);
        cases += 1;
        if (parsed.kind === 'vector') {
          const failure = runVectorCase(parsed.vector);
          if (failure === undefined) passed += 1;
          else fail({ kind: 'vector', failure });
        } else {
          // Whole-layer cases run through the engine's kernels on every dataflow's accumulation split.
          const reason = runLayerCase(parsed.layer);
          if (reason === undefined) passed += 1;
          else fail({ kind: 'layer', failure: { file, line, name: parsed.layer.record.name, reason } });
        }
      }
      if (totalBytes !== undefined) options.onProgress?.(bytesBefore + batch.bytesRead, totalBytes, passed + failed);
    }
    bytesBefore += sizes[index] ?? 0;
    counts.push({ file, cases });
  }
  return { passed, failed, failures, files: counts };
}
