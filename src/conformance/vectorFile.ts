/**
 * Conformance vector files: JSON Lines, one case per line:
 * {"op": name, "args": {...}, "expected": int | [int, int], "source": "repo@commit:path:function"}.
 */
import { InputError } from '../errors.js';
import { closestName } from '../messages/didYouMean.js';
import { parseJsonLine } from '../formats/jsonLines.js';
import { type Args, describe } from './args.js';
import { isLayerCaseRecord, LAYER_CASE_OPS, type LayerCase, parseLayerCase } from './layerCases.js';
import { VECTOR_OPS, type VectorResult } from './vectorOps.js';

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
  throw new InputError(`"expected": expected an integer or a pair of integers, got ${describe(value)}`, file, `${line}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const VECTOR_OP_NAMES = Object.keys(VECTOR_OPS);

/** Vector ops by their name without the library prefix ("srdhm32"), for a prefix left out or mistyped. */
const VECTOR_OPS_BY_BARE_NAME = new Map(VECTOR_OP_NAMES.map((name) => [name.slice(name.indexOf('.') + 1), name]));

function closestOp(op: string): string | undefined {
  const direct = closestName(op, [...VECTOR_OP_NAMES, ...LAYER_CASE_OPS]);
  if (direct !== undefined) return direct;
  const bare = closestName(op.slice(op.lastIndexOf('.') + 1), VECTOR_OPS_BY_BARE_NAME.keys());
  return bare === undefined ? undefined : VECTOR_OPS_BY_BARE_NAME.get(bare);
}

/**
 * An op the format does not define is the file's fault, like a misspelt key: nothing can be
 * computed for it, so it is bad input (exit 2) naming the line, not a verdict on the core.
 */
function unknownOp(op: string, file: string, line: number): InputError {
  if ((LAYER_CASE_OPS as readonly string[]).includes(op)) {
    return new InputError(
      `op "${op}" is a whole-layer case op: a layer case has "name", "input" and "output", and no "args"`,
      file,
      `${line}`,
    );
  }
  const hint = closestOp(op);
  const reason =
    hint === undefined
      ? `: not one of the ${VECTOR_OP_NAMES.length} ops of the vector format or the ${LAYER_CASE_OPS.length} whole-layer ops`
      : ` (did you mean "${hint}"?)`;
  return new InputError(`unknown op ${describe(op)}${reason}`, file, `${line}`);
}

function parseVectorFields(fields: Record<string, unknown>, file: string, line: number): VectorCase {
  if (typeof fields.op !== 'string' || fields.op === '') {
    throw new InputError(`"op": expected a non-empty string, got ${describe(fields.op)}`, file, `${line}`);
  }
  if (!Object.hasOwn(VECTOR_OPS, fields.op)) throw unknownOp(fields.op, file, line);
  const args = fields.args;
  if (!isRecord(args)) {
    throw new InputError(`"args": expected an object, got ${describe(args)}`, file, `${line}`);
  }
  if (fields.source !== undefined && typeof fields.source !== 'string') {
    throw new InputError(`"source": expected a string, got ${describe(fields.source)}`, file, `${line}`);
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

function parseRecord(text: string, file: string, line: number): Record<string, unknown> {
  const record = parseJsonLine(text, file, line);
  if (!isRecord(record)) {
    throw new InputError('expected a JSON object {"op", "args", "expected", "source"}', file, `${line}`);
  }
  return record;
}

/** Parses one non-blank line; throws InputError naming file:line and what is wrong. */
export function parseVectorLine(text: string, file: string, line: number): VectorCase {
  return parseVectorFields(parseRecord(text, file, line), file, line);
}

/** A line of a file that mixes numeric vectors and whole-layer cases (a line is one or the other). */
export type ConformanceCase =
  | { readonly kind: 'vector'; readonly vector: VectorCase }
  | { readonly kind: 'layer'; readonly layer: LayerCase };

export function parseConformanceLine(text: string, file: string, line: number): ConformanceCase {
  const record = parseRecord(text, file, line);
  if (isLayerCaseRecord(record)) return { kind: 'layer', layer: parseLayerCase(record, file, line) };
  return { kind: 'vector', vector: parseVectorFields(record, file, line) };
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
