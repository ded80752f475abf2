/**
 * Fuzzing what `npusim check` and `npusim diff` read: mutated goldens and mutated JSON reports
 * (hostile values at any path, keys written twice, nesting past the limit, cut text). Each either
 * compares (exit 0 or 1) or is refused with exit 2 and one line; the golden is never rewritten.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { FIXTURES, REPO, temporaryDirectory } from '../support/files.js';
import {
  expectCleanOutcome,
  type HostileValue,
  hostileValue,
  type JsonPath,
  type JsonValue,
  MUTANTS_PER_CLASS,
  pathsOf,
  setAt,
  textWithDuplicate,
  withHostile,
} from '../support/fuzz.js';
import { PROPERTY_SEED } from '../support/property.js';

const mutation = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('value' as const), pathChoice: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), pathChoice: fc.nat(), value: hostileValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
);

type Mutation =
  | { readonly kind: 'value' | 'duplicate'; readonly pathChoice: number; readonly value: HostileValue }
  | { readonly kind: 'truncate'; readonly at: number };

function mutantText(document: JsonValue, change: Mutation): string {
  const paths = pathsOf(document);
  if (change.kind === 'truncate') {
    const text = JSON.stringify(document);
    return text.slice(0, change.at % text.length);
  }
  if (change.kind === 'duplicate') {
    const members = paths.filter((path) => typeof path[path.length - 1] === 'string');
    return textWithDuplicate(document, members[change.pathChoice % members.length], change.value);
  }
  return withHostile(change.value, (placeholder) =>
    JSON.stringify(setAt(document, paths[change.pathChoice % paths.length] ?? [], placeholder)),
  );
}

/** A repository with the tiny graph, a config and a golden of the two. */
async function goldenRepository(): Promise<{ repo: string; golden: string; report: string }> {
  const repo = temporaryDirectory('npusim-golden-fuzz-');
  mkdirSync(join(repo, 'configs'));
  mkdirSync(join(repo, 'traces'));
  copyFileSync(join(REPO, 'configs/edge-npu.json'), join(repo, 'configs/edge-npu.json'));
  copyFileSync(join(FIXTURES, 'tiny-graph.json'), join(repo, 'tiny-graph.json'));
  copyFileSync(join(FIXTURES, 'tiny.bin'), join(repo, 'tiny.bin'));
  const golden = join(repo, 'traces/tiny.json');
  const recorded = await runCli([
    'golden',
    join(repo, 'tiny-graph.json'),
    '--hw',
    join(repo, 'configs/edge-npu.json'),
    '--out',
    golden,
    '--root',
    repo,
  ]);
  expect(recorded.exitCode).toBe(0);
  const report = join(repo, 'report.json');
  expect(
    (await runCli(['run', join(repo, 'tiny-graph.json'), '--hw', join(repo, 'configs/edge-npu.json'), '--format', 'json', '--out', report]))
      .exitCode,
  ).toBe(0);
  return { repo, golden, report };
}

it(`check: ${MUTANTS_PER_CLASS} mutated goldens compare or are refused with exit 2 and one line`, async () => {
  const { repo, golden } = await goldenRepository();
  const original = JSON.parse(readFileSync(golden, 'utf8')) as JsonValue;
  const mutant = join(repo, 'traces/mutant.json');
  const outcomes = { ok: 0, difference: 0, refused: 0 };
  await fc.assert(
    fc.asyncProperty(mutation, async (change) => {
      const text = mutantText(original, change);
      writeFileSync(mutant, text);
      outcomes[expectCleanOutcome(await runCli(['check', mutant]), [0, 1, 2])] += 1;
      // Without --update, check never writes a golden.
      expect(readFileSync(mutant, 'utf8')).toBe(text);
    }),
    { numRuns: MUTANTS_PER_CLASS, seed: PROPERTY_SEED },
  );
  expect(outcomes.refused).toBeGreaterThan(MUTANTS_PER_CLASS / 4);
  expect(outcomes.difference).toBeGreaterThan(0);
  process.stdout.write(
    `  golden fuzz: ${MUTANTS_PER_CLASS} mutants, ${outcomes.refused} refused, ${outcomes.difference} differ, ${outcomes.ok} match (seed ${PROPERTY_SEED})\n`,
  );
}, 300_000);

it(`diff: ${MUTANTS_PER_CLASS} mutated JSON reports compare or are refused with exit 2 and one line`, async () => {
  const { repo, report } = await goldenRepository();
  const original = JSON.parse(readFileSync(report, 'utf8')) as JsonValue;
  const mutant = join(repo, 'mutant-report.json');
  const outcomes = { ok: 0, difference: 0, refused: 0 };
  await fc.assert(
    fc.asyncProperty(mutation, fc.boolean(), async (change, mutantFirst) => {
      writeFileSync(mutant, mutantText(original, change));
      const argv = mutantFirst ? ['diff', mutant, report] : ['diff', report, mutant];
      outcomes[expectCleanOutcome(await runCli(argv), [0, 1, 2])] += 1;
    }),
    { numRuns: MUTANTS_PER_CLASS, seed: PROPERTY_SEED },
  );
  expect(outcomes.refused).toBeGreaterThan(MUTANTS_PER_CLASS / 4);
  expect(outcomes.difference).toBeGreaterThan(0);
  process.stdout.write(
    `  report fuzz: ${MUTANTS_PER_CLASS} mutants, ${outcomes.refused} refused, ${outcomes.difference} differ, ${outcomes.ok} same (seed ${PROPERTY_SEED})\n`,
  );
}, 300_000);
