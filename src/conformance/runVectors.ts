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
 * Runs every case. A malformed argument is the file's fault and throws InputError (file:line); an op
 * outside the format's list, a wrong value, or an error inside the core is a failure.
 */
export function runVectorCases(cases: Iterable<VectorCase>): VectorRunResult {
  let passed = 0;
  const failures: VectorFailure[] = [];
  for (const vector of cases) {
    const base = { file: vector.file, line: vector.line, op: vector.op, args: vector.args, expected: vector.expected, source: vector.source };
    const evaluate = Object.hasOwn(VECTOR_OPS, vector.op) ? VECTOR_OPS[vector.op] : undefined;
    if (evaluate === undefined) {
      failures.push({ ...base, got: `unknown op "${vector.op}": it is not one of the ${Object.keys(VECTOR_OPS).length} ops of the vector format` });
      continue;
    }
    let got: VectorResult;
    try {
      got = evaluate(vector.args);
    } catch (error) {
      if (error instanceof ArgumentError) throw new InputError(error.message, vector.file, `${vector.line}`);
      failures.push({ ...base, got: `error: ${(error as Error).message}` });
      continue;
    }
    if (sameResult(got, vector.expected)) passed += 1;
    else failures.push({ ...base, got });
  }
  return { passed, failed: failures.length, failures };
}
