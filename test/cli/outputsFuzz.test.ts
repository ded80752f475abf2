/**
 * Fuzzing the output rule: `run` with --out, --trace and --dump pointed at random targets (new
 * files, files that exist, the run's own inputs, folders, missing folders, each other, case
 * variants), with and without --force. A run that is refused writes nothing; a run that succeeds
 * wrote every output it was given and touched no input. The corpus holds issue 12's cases.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { digestFolder, FIXTURES, REPO, temporaryDirectory } from '../support/files.js';
import { expectCleanOutcome, MUTANTS_PER_CLASS } from '../support/fuzz.js';
import { PROPERTY_SEED } from '../support/property.js';

const TARGETS = ['new', 'new2', 'existing', 'graph', 'sidecar', 'hardware', 'folder', 'missingFolder', 'NEW', 'dumpFolder'] as const;
type Target = (typeof TARGETS)[number];

interface Case {
  readonly out: Target | undefined;
  readonly trace: Target | undefined;
  readonly dump: Target | undefined;
  readonly force: boolean;
}

/** Issue 12's cases: --out into a missing folder, --out naming a folder with --force, --out X --trace X, --dump naming a file. */
const CORPUS: readonly Case[] = [
  { out: 'missingFolder', trace: undefined, dump: undefined, force: false },
  { out: 'folder', trace: undefined, dump: undefined, force: true },
  { out: 'new', trace: 'new', dump: undefined, force: false },
  { out: undefined, trace: 'missingFolder', dump: undefined, force: false },
  { out: undefined, trace: undefined, dump: 'existing', force: false },
  { out: 'new', trace: 'NEW', dump: undefined, force: true },
];

const target = fc.option(fc.constantFrom(...TARGETS), { nil: undefined });
const fuzzCase: fc.Arbitrary<Case> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...CORPUS) },
  { weight: 8, arbitrary: fc.record({ out: target, trace: target, dump: target, force: fc.boolean() }) },
);

function snapshot(directory: string): Record<string, string> {
  const digests = digestFolder(directory);
  // Empty folders count too: a created folder is a change.
  for (const name of readdirSync(directory))
    if (statSync(join(directory, name)).isDirectory() && readdirSync(join(directory, name)).length === 0) digests[`${name}/`] = 'empty';
  return digests;
}

it(`run with fuzzed output targets: refused runs write nothing, successful runs write every output (${MUTANTS_PER_CLASS} cases)`, async () => {
  let written = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(fuzzCase, async (testCase) => {
      const directory = temporaryDirectory('npusim-out-fuzz-');
      copyFileSync(join(FIXTURES, 'tiny-graph.json'), join(directory, 'graph.json'));
      copyFileSync(join(FIXTURES, 'tiny.bin'), join(directory, 'tiny.bin'));
      copyFileSync(join(REPO, 'configs/edge-npu.json'), join(directory, 'hw.json'));
      writeFileSync(join(directory, 'existing.json'), 'mine');
      mkdirSync(join(directory, 'folder'));
      const paths: Record<Target, string> = {
        new: join(directory, 'new.json'),
        new2: join(directory, 'new2.json'),
        NEW: join(directory, 'NEW.json'),
        existing: join(directory, 'existing.json'),
        graph: join(directory, 'graph.json'),
        sidecar: join(directory, 'tiny.bin'),
        hardware: join(directory, 'hw.json'),
        folder: join(directory, 'folder'),
        missingFolder: join(directory, 'missing', 'x.json'),
        dumpFolder: join(directory, 'dump'),
      };
      const argv = ['run', paths.graph, '--hw', paths.hardware, '--format', 'csv'];
      if (testCase.out !== undefined) argv.push('--out', paths[testCase.out]);
      if (testCase.trace !== undefined) argv.push('--trace', paths[testCase.trace]);
      if (testCase.dump !== undefined) argv.push('--dump', paths[testCase.dump]);
      if (testCase.force) argv.push('--force');
      const inputs = ['graph.json', 'tiny.bin', 'hw.json'];
      const before = snapshot(directory);
      const outcome = expectCleanOutcome(await runCli(argv));
      const after = snapshot(directory);
      for (const input of inputs) expect(after[input]).toBe(before[input]);
      if (outcome === 'refused') {
        refused += 1;
        expect(after).toEqual(before);
        expect(existsSync(join(directory, 'missing'))).toBe(false);
        return;
      }
      written += 1;
      for (const [flag, chosen] of [
        ['out', testCase.out],
        ['trace', testCase.trace],
      ] as const) {
        if (chosen === undefined) continue;
        expect(statSync(paths[chosen]).isFile(), `--${flag}`).toBe(true);
        expect(after[chosen === 'dumpFolder' ? 'dump' : `${chosen}.json`]).not.toBe(before[`${chosen}.json`]);
      }
      if (testCase.dump !== undefined) expect(readdirSync(paths[testCase.dump]).filter((name) => name.endsWith('.npy')).length).toBe(5);
    }),
    { numRuns: MUTANTS_PER_CLASS, seed: PROPERTY_SEED },
  );
  expect(written).toBeGreaterThan(MUTANTS_PER_CLASS / 20);
  expect(refused).toBeGreaterThan(MUTANTS_PER_CLASS / 4);
  process.stdout.write(
    `  output fuzz: ${MUTANTS_PER_CLASS} cases, ${refused} refused writing nothing, ${written} wrote every output (seed ${PROPERTY_SEED})\n`,
  );
}, 300_000);
