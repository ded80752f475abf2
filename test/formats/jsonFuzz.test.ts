/**
 * Fuzzing every kind of JSON file a command reads, at the level of its text: hostile values at any
 * path (beyond exact arithmetic, tiny, huge, long strings, nesting past the limit), a key written
 * twice, a byte-order mark, the text cut short. Each mutant either validates or is refused with exit
 * 2 and one line; nothing crashes, and the files read are never written to. The corpus holds the
 * inputs that broke npusim before (issue 12) and every mutant starts from one of them or a preset.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { digestFolder, FIXTURES, readJson, REPO, temporaryDirectory } from '../support/files.js';
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

interface Kind {
  readonly name: string;
  readonly documents: readonly JsonValue[];
  /** The command that reads the file. */
  readonly argv: (file: string, directory: string) => string[];
  /** For what validate passes: the run that must then succeed too (validate refuses what run cannot compute). */
  readonly run?: (file: string, directory: string) => string[];
}

const hardware = readJson(join(REPO, 'configs/edge-npu.json')) as JsonValue;
const tinyGraph = readJson(join(FIXTURES, 'tiny-graph.json')) as JsonValue;
const energyTable = readJson(join(REPO, 'configs/energy/horowitz45.json')) as JsonValue;

/** Inputs that broke npusim before, as documents the mutations start from (deep nesting is a mutation: see HostileValue). */
const CORPUS = {
  hardware: [
    hardware,
    setAt(hardware, ['memory', 'dram', 'bytesPerCycle'], 1e-300),
    setAt(hardware, ['array', 'dataflow'], `ws${'x'.repeat(100)}`),
  ],
  graph: [
    tinyGraph,
    setAt(tinyGraph, ['tensors', 'conv.weights', 'quant', 'scale', 1], 1e9),
    setAt(tinyGraph, ['tensors', 'input', 'shape'], [1, 100000, 100000, 2]),
    setAt(tinyGraph, ['tensors', 'input', 'shape'], [1, 31623, 31623, 2]),
  ],
  energy: [energyTable, setAt(energyTable, ['entries', 0, 'pJ'], 1e308)],
} as const;

const KINDS: readonly Kind[] = [
  {
    name: 'hardware configs',
    documents: CORPUS.hardware,
    argv: (file) => ['validate', file],
    run: (file) => ['run', join(FIXTURES, 'tiny-graph.json'), '--hw', file, '--format', 'csv'],
  },
  {
    name: 'graphs (validated against a config)',
    documents: CORPUS.graph,
    argv: (file, directory) => ['validate', file, '--hw', join(directory, 'valid-hw.json')],
    run: (file, directory) => ['run', file, '--hw', join(directory, 'valid-hw.json'), '--format', 'csv'],
  },
  { name: 'energy tables', documents: CORPUS.energy, argv: (file) => ['validate', file] },
];

type TextMutation =
  | { readonly kind: 'value'; readonly pathChoice: number; readonly value: HostileValue }
  | { readonly kind: 'duplicate'; readonly pathChoice: number; readonly value: HostileValue }
  | { readonly kind: 'truncate'; readonly at: number }
  /** A number moved to a nearby or edge value: most stay valid, so validate passes and run must compute them. */
  | { readonly kind: 'nudge'; readonly pathChoice: number; readonly how: number }
  | { readonly kind: 'bom' };

const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('value' as const), pathChoice: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), pathChoice: fc.nat(), value: hostileValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('nudge' as const), pathChoice: fc.nat(), how: fc.nat({ max: 7 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bom' as const }) },
);

function valueAt(document: JsonValue, path: JsonPath): JsonValue | undefined {
  let value: JsonValue | undefined = document;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<string, JsonValue>)[key] : undefined;
  return value;
}

function mutantText(document: JsonValue, mutation: TextMutation): string {
  const paths = pathsOf(document);
  switch (mutation.kind) {
    case 'value':
      return withHostile(mutation.value, (placeholder) =>
        JSON.stringify(setAt(document, paths[mutation.pathChoice % paths.length] ?? [], placeholder)),
      );
    case 'duplicate': {
      const members = paths.filter((path) => typeof path[path.length - 1] === 'string');
      return textWithDuplicate(document, members[mutation.pathChoice % Math.max(1, members.length)], mutation.value);
    }
    case 'nudge': {
      const numbers = paths.filter((path) => typeof valueAt(document, path) === 'number');
      const path = numbers[mutation.pathChoice % Math.max(1, numbers.length)];
      if (path === undefined) return JSON.stringify(document);
      const value = valueAt(document, path) as number;
      const nudged = [value + 1, value - 1, value * 2, Math.round(value / 2), 0, 1, value * 3 + 1, -value][mutation.how] ?? value;
      return JSON.stringify(setAt(document, path, nudged));
    }
    case 'truncate': {
      const text = JSON.stringify(document);
      return text.slice(0, mutation.at % text.length);
    }
    case 'bom':
      return `\uFEFF${JSON.stringify(document, null, 2)}`;
  }
}

describe('JSON text fuzzing through the CLI', () => {
  for (const kind of KINDS) {
    it(`${kind.name}: ${MUTANTS_PER_CLASS} text mutants validate or are refused with exit 2 and one line`, async () => {
      const directory = temporaryDirectory('npusim-json-fuzz-');
      copyFileSync(join(FIXTURES, 'tiny.bin'), join(directory, 'tiny.bin'));
      writeFileSync(join(directory, 'valid-hw.json'), JSON.stringify(hardware));
      const protectedFiles = digestFolder(directory);
      const file = join(directory, 'mutant.json');
      const outcomes = { ok: 0, refused: 0, difference: 0 };
      let ran = 0;
      const refusedBy = new Map<TextMutation['kind'], number>();
      await fc.assert(
        fc.asyncProperty(fc.nat(), fc.array(textMutation, { minLength: 1, maxLength: 2 }), async (documentChoice, mutations) => {
          let document = kind.documents[documentChoice % kind.documents.length] as JsonValue;
          let text = JSON.stringify(document);
          for (const mutation of mutations) {
            text = mutantText(document, mutation);
            // Deep or invalid text ends the chain: it is the mutant.
            if (text.includes('[[[[[[[[[[[[[[[[[[[[')) break;
            try {
              document = JSON.parse(text.replace(/^\uFEFF/, '')) as JsonValue;
            } catch {
              break;
            }
          }
          writeFileSync(file, text);
          const outcome = expectCleanOutcome(await runCli(kind.argv(file, directory)));
          outcomes[outcome] += 1;
          if (outcome === 'ok' && kind.run !== undefined) {
            const run = await runCli(kind.run(file, directory));
            expect([run.exitCode, run.stderr.split('\n')[0]], 'what validate passes, run computes').toEqual([0, run.stderr.split('\n')[0]]);
            ran += 1;
          }
          const last = mutations[mutations.length - 1];
          if (outcome === 'refused' && last !== undefined) refusedBy.set(last.kind, (refusedBy.get(last.kind) ?? 0) + 1);
        }),
        { numRuns: MUTANTS_PER_CLASS, seed: PROPERTY_SEED },
      );
      const { 'mutant.json': _mutant, ...after } = digestFolder(directory);
      const { 'mutant.json': _none, ...before } = protectedFiles;
      expect(after).toEqual(before);
      expect(outcomes.ok + outcomes.refused).toBe(MUTANTS_PER_CLASS);
      // Every mutation kind must have produced refusals, or the class is not being exercised.
      for (const kindName of ['value', 'duplicate', 'truncate'] as const) expect(refusedBy.get(kindName) ?? 0).toBeGreaterThan(0);
      process.stdout.write(
        `  json fuzz (${kind.name}): ${MUTANTS_PER_CLASS} mutants, ${outcomes.refused} refused, ${outcomes.ok} valid, ${ran} of them run (seed ${PROPERTY_SEED})\n`,
      );
    }, 300_000);
  }
});

describe('what validate passes, run computes', () => {
  // Nudged numbers (sizes, scales, zero points, bandwidths, widths) mostly stay valid: each mutant
  // validate passes must then run to the end, never fail at run time (issue 12: validate said
  // valid and run crashed on a 1e9 weight scale).
  const nudges = fc.array(fc.record({ kind: fc.constant('nudge' as const), pathChoice: fc.nat(), how: fc.nat({ max: 7 }) }), {
    minLength: 1,
    maxLength: 3,
  });
  for (const kind of KINDS.filter((candidate) => candidate.run !== undefined)) {
    it(`${kind.name}: ${MUTANTS_PER_CLASS / 2} nudged documents`, async () => {
      const directory = temporaryDirectory('npusim-json-nudge-');
      copyFileSync(join(FIXTURES, 'tiny.bin'), join(directory, 'tiny.bin'));
      writeFileSync(join(directory, 'valid-hw.json'), JSON.stringify(hardware));
      const file = join(directory, 'mutant.json');
      let ran = 0;
      await fc.assert(
        fc.asyncProperty(nudges, async (mutations) => {
          // From the valid document (the corpus's others are refused as they are).
          let document = kind.documents[0] as JsonValue;
          for (const mutation of mutations) document = JSON.parse(mutantText(document, mutation)) as JsonValue;
          writeFileSync(file, JSON.stringify(document));
          if (expectCleanOutcome(await runCli(kind.argv(file, directory))) !== 'ok') return;
          const run = await runCli(kind.run?.(file, directory) ?? []);
          expect([run.exitCode, run.stderr.split('\n')[0]], 'what validate passes, run computes').toEqual([0, run.stderr.split('\n')[0]]);
          ran += 1;
        }),
        { numRuns: MUTANTS_PER_CLASS / 2, seed: PROPERTY_SEED },
      );
      expect(ran).toBeGreaterThan(MUTANTS_PER_CLASS / 10);
      process.stdout.write(`  nudge fuzz (${kind.name}): ${MUTANTS_PER_CLASS / 2} mutants, ${ran} valid and run (seed ${PROPERTY_SEED})\n`);
    }, 300_000);
  }
});
