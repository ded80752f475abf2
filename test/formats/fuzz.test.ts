/**
 * Fuzzing the formats through the CLI's own entry: mutated hardware configs and graphs either
 * validate or fail with exit 2 and one "error: file:path: message" line. Anything else (a crash,
 * a stack trace, an internal error reported as bad input) fails the test.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digestFolder, FIXTURES, readJson, REPO, temporaryDirectory } from '../support/files.js';
import { runCli } from '../support/cli.js';
import { PROPERTY_SEED } from '../support/property.js';

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
type Path = Array<string | number>;

const FUZZ_CASES = 4_000;

function pathsOf(value: JsonValue, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => paths.push(...pathsOf(item, [...prefix, index])));
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
}

interface Mutation {
  readonly pathChoice: number;
  readonly kind: 'delete' | 'replace' | 'rename' | 'addKey' | 'duplicate' | 'nudge';
  readonly value: JsonValue;
  readonly key: string;
  readonly delta: number;
}

const interestingValue: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>,
  fc.constantFrom<JsonValue>(
    0,
    -1,
    1,
    0.5,
    -0.5,
    1e308,
    -1e308,
    2 ** 53,
    4096,
    4097,
    65,
    16,
    15,
    48,
    49,
    '',
    's8',
    'u8',
    's32',
    'same',
    'relu6',
    'wrap',
    [],
    {},
    [0, 0],
    [1, 1, 1, 1],
    null,
    true,
  ),
);

const mutation: fc.Arbitrary<Mutation> = fc.record({
  pathChoice: fc.nat(),
  kind: fc.constantFrom('delete', 'replace', 'rename', 'addKey', 'duplicate', 'nudge'),
  value: interestingValue,
  key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('rows', 'bits', 'scale', 'shape', 'op', 'data', 'file', 'offset', 'axis')),
  delta: fc.integer({ min: -3, max: 3 }),
});

function mutate(document: JsonValue, change: Mutation): JsonValue {
  const copy = structuredClone(document);
  const paths = pathsOf(copy);
  const path = paths[change.pathChoice % paths.length] ?? [];
  if (path.length === 0) return change.kind === 'replace' ? change.value : copy;
  const parent = path
    .slice(0, -1)
    .reduce<JsonValue>((node, segment) => (node as Record<string | number, JsonValue>)[segment] as JsonValue, copy) as
    | JsonValue[]
    | Record<string, JsonValue>;
  const last = path[path.length - 1] as string | number;
  const current = (parent as Record<string | number, JsonValue>)[last] as JsonValue;
  switch (change.kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last as string];
      break;
    case 'replace':
      (parent as Record<string | number, JsonValue>)[last] = change.value;
      break;
    case 'rename':
      if (!Array.isArray(parent)) {
        delete parent[last as string];
        parent[`${String(last)}${change.key}`.slice(0, 12) || 'x'] = current;
      }
      break;
    case 'addKey':
      if (current !== null && typeof current === 'object' && !Array.isArray(current)) current[change.key] = change.value;
      else if (Array.isArray(current)) current.push(change.value);
      break;
    case 'duplicate':
      if (Array.isArray(parent)) parent.splice(last as number, 0, structuredClone(current));
      break;
    case 'nudge':
      if (typeof current === 'number') (parent as Record<string | number, JsonValue>)[last] = current + change.delta;
      break;
  }
  return copy;
}

describe('format fuzzing through the CLI entry', () => {
  it(`mutated configs and graphs validate or fail with exit 2 and a clear message (${FUZZ_CASES} cases)`, async () => {
    const directory = temporaryDirectory('npusim-fuzz-');
    copyFileSync(join(FIXTURES, 'tiny.bin'), join(directory, 'tiny.bin'));
    const sidecarDigest = digestFolder(directory);
    const hardware = readJson(join(REPO, 'configs/edge-npu.json')) as JsonValue;
    const graph = readJson(join(FIXTURES, 'tiny-graph.json')) as JsonValue;
    const validHardware = join(directory, 'valid-hw.json');
    writeFileSync(validHardware, JSON.stringify(hardware));
    let cases = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (isGraph, changes, withHardware) => {
          cases += 1;
          const document = changes.reduce(mutate, isGraph ? graph : hardware);
          const file = join(directory, isGraph ? 'graph.json' : 'hw.json');
          writeFileSync(file, JSON.stringify(document));
          const argv = ['validate', file, ...(isGraph && withHardware ? ['--hw', validHardware] : [])];
          const run = await runCli(argv); // an exception here (an internal error) fails the property
          if (run.exitCode === 2) {
            rejected += 1;
            expect(run.stderr).toMatch(new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:[^\\n]+)?: [^\\n]+\\n$`));
          } else {
            expect(run.exitCode).toBe(0);
            expect(run.stderr).toBe('');
          }
          expect(run.stderr).not.toMatch(/\n\s+at |TypeError|ReferenceError|RangeError|undefined is not/);
        },
      ),
      { numRuns: FUZZ_CASES, seed: PROPERTY_SEED },
    );
    expect(cases).toBeGreaterThanOrEqual(FUZZ_CASES);
    // The mutations must exercise both outcomes, and the sidecar the graphs read is never written to.
    expect(rejected).toBeGreaterThan(FUZZ_CASES / 4);
    expect(rejected).toBeLessThan(FUZZ_CASES);
    expect(digestFolder(directory)['tiny.bin']).toBe(sidecarDigest['tiny.bin']);
    process.stdout.write(`  fuzz: ${cases} cases, ${rejected} rejected with exit 2, ${cases - rejected} valid (seed ${PROPERTY_SEED})\n`);
  });
});
