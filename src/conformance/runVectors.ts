/** Evaluates conformance vectors with the numeric core and collects the outcome. */
import { InputError } from '../errors.js';
import { ArgumentError } from './args.js';
import type { VectorCase } from './vectorFile.js';
import { VECTOR_OPS, type VectorResult } from './vectorOps.js';

export interface VectorFailure {
  readonly file: string;
  readonly line: number;
  readonly op: string;
  readonly args: unknown;
  readonly expected: VectorResult;
  /** What the core gave, or why it gave nothing. */
  readonly got: VectorResult | string;
  readonly source: string;
}

export interface VectorRunResult {
  readonly passed: number;
  readonly failed: number;
  /** Every failure, in file order. */
  readonly failures: readonly VectorFailure[];
}

function sameResult(a: VectorResult, b: VectorResult): boolean {
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  return a[0] === b[0] && a[1] === b[1];
}

/**
 * Runs one case: undefined when it passes, else the failure. A malformed argument or an op outside
 * the format's list is the file's fault and throws InputError (file:line); a wrong value or an
 * error inside the core is a failure.
 */
export function runVectorCase(vector: VectorCase): VectorFailure | undefined {
  const evaluate = Object.hasOwn(VECTOR_OPS, vector.op) ? VECTOR_OPS[vector.op] : undefined;
  if (evaluate === undefined) {
    // parseVectorLine refuses these already; a case built by hand gets the same answer.
    throw new InputError(
      `unknown op "${vector.op}": not one of the ${Object.keys(VECTOR_OPS).length} ops of the vector format`,
      vector.file,
      `${vector.line}`,
    );
  }
  let got: VectorResult | string;
  try {
    got = evaluate(vector.args);
  } catch (error) {
    if (error instanceof ArgumentError) throw new InputError(error.message, vector.file, `${vector.line}`);
    got = `error: ${(error as Error).message}`;
  }
  if (typeof got !== 'string' && sameResult(got, vector.expected)) return undefined;
  return { file: vector.file, line: vector.line, op: vector.op, args: vector.args, expected: vector.expected, got, source: vector.source };
}

/** Runs every case, keeping every failure (runConformanceFiles keeps counts and the first few). */
export function runVectorCases(cases: Iterable<VectorCase>): VectorRunResult {
  let passed = 0;
  const failures: VectorFailure[] = [];
  for (const vector of cases) {
    const failure = runVectorCase(vector);
    if (failure === undefined) passed += 1;
    else failures.push(failure);
  }
  return { passed, failed: failures.length, failures };
}
