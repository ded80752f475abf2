/**
 * Conformance vector files: JSON Lines, one case per line:
 * {"op": name, "args": {...}, "expected": int | [int, int], "source": "repo@commit:path:function"}.
 */
import { InputError } from '../errors.js';
import type { Args } from './args.js';
import { isLayerCaseRecord, type LayerCase, parseLayerCase } from './layerCases.js';
import type { VectorResult } from './vectorOps.js';

export interface VectorCase {
  readonly file: string;
  /** 1-based line number in the file. */
  readonly line: number;
  readonly op: string;
  readonly args: Args;
  readonly expected: VectorResult;
  readonly source: string;
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function parseExpected(value: unknown, file: string, line: number): VectorResult {
  if (isInteger(value)) return value;
  if (Array.isArray(value) && value.length === 2 && isInteger(value[0]) && isInteger(value[1])) {
    return [value[0], value[1]];
  }
  throw new InputError(`"expected": expected an integer or a pair of integers, got ${JSON.stringify(value)}`, file, `${line}`);
}

/** Parses one non-blank line; throws InputError naming file:line and what is wrong. */
export function parseVectorLine(text: string, file: string, line: number): VectorCase {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    throw new InputError(`not valid JSON (${(error as Error).message})`, file, `${line}`);
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new InputError('expected a JSON object {"op", "args", "expected", "source"}', file, `${line}`);
  }
  const fields = record as Record<string, unknown>;
  return parseVectorFields(fields, file, line);
}

function parseVectorFields(fields: Record<string, unknown>, file: string, line: number): VectorCase {
  if (typeof fields.op !== 'string' || fields.op === '') {
    throw new InputError(`"op": expected a non-empty string, got ${JSON.stringify(fields.op)}`, file, `${line}`);
  }
  const args = fields.args;
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new InputError(`"args": expected an object, got ${JSON.stringify(args)}`, file, `${line}`);
  }
  if (fields.source !== undefined && typeof fields.source !== 'string') {
    throw new InputError(`"source": expected a string, got ${JSON.stringify(fields.source)}`, file, `${line}`);
  }
  return {
    file,
    line,
    op: fields.op,
    args: args as Args,
    expected: parseExpected(fields.expected, file, line),
    source: fields.source ?? '(no source given)',
  };
}

/** The cases of a file that mixes numeric vectors and whole-layer cases (a line is one or the other). */
export interface ConformanceCases {
  readonly vectors: VectorCase[];
  readonly layers: LayerCase[];
}

export function parseConformanceText(text: string, file: string): ConformanceCases {
  const vectors: VectorCase[] = [];
  const layers: LayerCase[] = [];
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '') return;
    const line = index + 1;
    let record: unknown;
    try {
      record = JSON.parse(trimmed);
    } catch (error) {
      throw new InputError(`not valid JSON (${(error as Error).message})`, file, `${line}`);
    }
    if (typeof record === 'object' && record !== null && !Array.isArray(record) && isLayerCaseRecord(record as Record<string, unknown>)) {
      layers.push(parseLayerCase(record as Record<string, unknown>, file, line));
    } else {
      vectors.push(parseVectorLine(trimmed, file, line));
    }
  });
  return { vectors, layers };
}

/** Every case of a file's text; blank lines are skipped. */
export function parseVectorText(text: string, file: string): VectorCase[] {
  const cases: VectorCase[] = [];
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed !== '') cases.push(parseVectorLine(trimmed, file, index + 1));
  });
  return cases;
}
