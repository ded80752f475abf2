/**
 * What a fuzzed command may do: succeed quietly, report a difference (the checking commands), or
 * refuse with exit 2 and one line `error: ...` (a usage error adds the pointer to --help). Never a
 * stack trace, an internal error, or another exit code.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { CliRun } from './cli.js';

/** Mutants each fuzzed class of bad input gets in CI (issue 12's acceptance: at least 2,000). */
export const MUTANTS_PER_CLASS = 2000;

export type Outcome = 'ok' | 'difference' | 'refused';

/** What must never reach the user: a stack trace, an internal error, a JavaScript error's name. */
const CRASH = /\n\s+at |internal error|TypeError|ReferenceError|RangeError|SyntaxError|undefined is not|Maximum call stack/;

/** The refusal shapes, by whether notes may follow the error line (built once: every mutant is checked against one). */
const REFUSAL = new Map<boolean, RegExp>();

function refusalPattern(notes: boolean): RegExp {
  let pattern = REFUSAL.get(notes);
  if (pattern === undefined) {
    // Commands that check many things at once (sweep) may add notes after the error line, and a
    // check that takes longer than a few seconds writes progress lines before it (src/sweep/progress.ts).
    const progress = String.raw`((checking|sweep): \d+/\d+ points [^\n]+\n)*`;
    const tail = notes
      ? String.raw`(Run \`npusim --help\` for usage\.\n|(note: [^\n]+\n)*)`
      : String.raw`(Run \`npusim --help\` for usage\.\n)?`;
    pattern = new RegExp(`^${progress}error: [^\\n]+\\n${tail}$`);
    REFUSAL.set(notes, pattern);
  }
  return pattern;
}

// The matchers run only when a check fails (for their message): each costs more than a small mutant's run.
export function expectCleanOutcome(run: CliRun, allowed: readonly number[] = [0, 2], options: { readonly notes?: boolean } = {}): Outcome {
  if (!allowed.includes(run.exitCode)) expect(allowed).toContain(run.exitCode);
  if (CRASH.test(run.stderr)) expect(run.stderr).not.toMatch(CRASH);
  if (run.exitCode === 2) {
    const refusal = refusalPattern(options.notes === true);
    if (!refusal.test(run.stderr)) expect(run.stderr).toMatch(refusal);
    return 'refused';
  }
  return run.exitCode === 1 ? 'difference' : 'ok';
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonPath = Array<string | number>;

export function pathsOf(value: JsonValue, prefix: JsonPath = []): JsonPath[] {
  const paths: JsonPath[] = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => paths.push(...pathsOf(item, [...prefix, index])));
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
}

/** The JSON text of `value`, with a key at `duplicateAt` (an object member's path) written twice, the second time with `duplicateValue`. */
export function textWithDuplicate(value: JsonValue, duplicateAt: JsonPath | undefined, duplicateValue: HostileValue): string {
  const write = (node: JsonValue, path: JsonPath): string => {
    if (Array.isArray(node)) return `[${node.map((item, index) => write(item, [...path, index])).join(',')}]`;
    if (node !== null && typeof node === 'object') {
      const members: string[] = [];
      for (const [key, item] of Object.entries(node)) {
        members.push(`${JSON.stringify(key)}:${write(item, [...path, key])}`);
        const here = [...path, key];
        if (
          duplicateAt !== undefined &&
          here.length === duplicateAt.length &&
          here.every((segment, index) => segment === duplicateAt[index])
        ) {
          members.push(`${JSON.stringify(key)}:${withHostile(duplicateValue, (placeholder) => JSON.stringify(placeholder))}`);
        }
      }
      return `{${members.join(',')}}`;
    }
    return JSON.stringify(node);
  };
  return write(value, []);
}

/** Values that have broken npusim before: beyond exact arithmetic, tiny, huge, long strings, deep nesting. */
export const HOSTILE_VALUES: readonly JsonValue[] = [
  1e-300,
  5e-324,
  1e308,
  -1e308,
  2 ** 53 + 2,
  2 ** 64,
  -(2 ** 63),
  1e9,
  1e-9,
  0,
  -0,
  -1,
  0.5,
  1e5,
  31623,
  1e6,
  4096,
  4097,
  65536,
  'x'.repeat(61),
  `ws${'x'.repeat(5000)}`,
  '',
  'half-evenn',
  's8',
  'u16',
  's32',
  [],
  {},
  null,
  true,
  [1e5, 1e5],
  [1, 100000, 100000, 3],
  [1, 31623, 31623, 1],
];

/**
 * A value to put somewhere: a JSON value, or arrays nested `nest` deep (kept as a count, since a
 * value 5,000 deep would overflow the stack of the fuzzer's own recursive helpers).
 */
export type HostileValue = { readonly json: JsonValue } | { readonly nest: number };

/** The JSON text of arrays nested `depth` deep around a 0. */
export function nestedText(depth: number): string {
  return `${'['.repeat(depth)}0${']'.repeat(depth)}`;
}

const PLACEHOLDER = '"\u0000nested\u0000"';

/** The text of `write(placeholder)` with the placeholder replaced by the hostile value's text. */
export function withHostile(value: HostileValue, write: (placeholder: JsonValue) => string): string {
  if ('json' in value) return write(value.json);
  return write('\u0000nested\u0000').replace(PLACEHOLDER, nestedText(value.nest));
}

export const hostileValue: fc.Arbitrary<HostileValue> = fc.oneof(
  fc.constantFrom(...HOSTILE_VALUES).map((json) => ({ json })),
  fc.integer({ min: 60, max: 70 }).map((nest) => ({ nest })),
  fc.constant({ nest: 5000 }),
  (fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>).map((json) => ({ json })),
  fc.double({ noNaN: true }).map((json) => ({ json })),
);

/** A copy of `document` with the value at `path` replaced (the root itself for an empty path). */
export function setAt(document: JsonValue, path: JsonPath, value: JsonValue): JsonValue {
  if (path.length === 0) return value;
  const copy = structuredClone(document);
  const parent = path
    .slice(0, -1)
    .reduce<JsonValue>((node, segment) => (node as Record<string | number, JsonValue>)[segment] as JsonValue, copy) as Record<
    string | number,
    JsonValue
  >;
  parent[path[path.length - 1] as string | number] = value;
  return copy;
}
