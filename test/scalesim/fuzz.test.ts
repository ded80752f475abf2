/**
 * Fuzzing SCALE-Sim's inputs through the CLI: mutated .cfg files and topology CSVs (numbers past
 * every limit, typos in keys, lines deleted, doubled or cut, stray delimiters and bytes) either run,
 * or end in exit 2 with one "error: file[:line:col]: message" line. A crash, a stack trace or an
 * internal error fails the test; the inputs are never written to.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { digestFolder, temporaryDirectory } from '../support/files.js';
import { PROPERTY_SEED } from '../support/property.js';
import { sharedPath } from '../support/sharedFolder.js';

/** Mutants of each file kind. */
const FUZZ_CASES = 2_000;

const CFG = readFileSync(sharedPath('anchors/scalesim/cfgs/edge_small_8x8_os_user64bw10.cfg'), 'utf8');
// Small layers keep a run to milliseconds; the mutations make them large or invalid.
const TOPOLOGY =
  'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nTiny3x3,6,6,3,3,2,3,1,\nConv5x5s2,13,13,5,5,3,10,2,\nRect,12,9,3,2,5,7,1,2\n';

/**
 * Values past each limit and beside it. The topology's leave out sizes that are valid but take
 * seconds (a 1048577-row image is 200 million operand words: legal, and half a minute).
 */
const TOPOLOGY_NUMBERS = [
  '0',
  '-1',
  '1',
  '2',
  '3',
  '7',
  '',
  'x',
  '3.5',
  '+4',
  '1e3',
  '0x10',
  '2147483647',
  '2147483648',
  '9007199254740993',
  '4097',
  ' 5 ',
];
const CFG_NUMBERS = [...TOPOLOGY_NUMBERS, '1048576', '1048577', '65536'];
const FRAGMENTS = [
  ',',
  '\n',
  '\r\n',
  '=',
  ':',
  '[',
  ']',
  '[general]',
  '#',
  ';',
  'DP',
  ' ',
  '\t',
  '\u0000',
  'é',
  ',,,,,,,,',
  '99999999999999999999',
  'Dataflow: is',
  'InterfaceBandwidth: USER',
];

interface Mutation {
  readonly kind: 'number' | 'deleteLine' | 'duplicateLine' | 'typo' | 'insert' | 'truncate';
  readonly choice: number;
  readonly value: number;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('number', 'number', 'deleteLine', 'duplicateLine', 'typo', 'insert', 'truncate'),
  choice: fc.nat(),
  value: fc.nat(),
});

function mutate(numbers: readonly string[], text: string, change: Mutation): string {
  const lines = text.split('\n');
  const line = change.choice % lines.length;
  switch (change.kind) {
    case 'number': {
      const numbers = [...text.matchAll(/\d+/g)];
      const found = numbers[change.choice % Math.max(1, numbers.length)];
      if (found?.index === undefined) return text;
      return `${text.slice(0, found.index)}${numbers[change.value % numbers.length] ?? ''}${text.slice(found.index + found[0].length)}`;
    }
    case 'deleteLine':
      return lines.filter((_, index) => index !== line).join('\n');
    case 'duplicateLine':
      return [...lines.slice(0, line + 1), lines[line] ?? '', ...lines.slice(line + 1)].join('\n');
    case 'typo': {
      // Two neighbouring letters swapped, as a hand types them.
      const target = lines[line] ?? '';
      const at = target.length < 2 ? 0 : change.value % (target.length - 1);
      lines[line] = `${target.slice(0, at)}${target[at + 1] ?? ''}${target[at] ?? ''}${target.slice(at + 2)}`;
      return lines.join('\n');
    }
    case 'insert': {
      const at = change.choice % (text.length + 1);
      return `${text.slice(0, at)}${FRAGMENTS[change.value % FRAGMENTS.length] ?? ''}${text.slice(at)}`;
    }
    case 'truncate':
      return text.slice(0, change.choice % (text.length + 1));
  }
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('SCALE-Sim input fuzzing through the CLI', () => {
  for (const kind of ['cfg', 'topology'] as const) {
    it(`mutated ${kind} files run or fail with exit 2 and one line (${FUZZ_CASES} cases)`, async () => {
      const directory = temporaryDirectory('npusim-scalesim-fuzz-');
      const config = join(directory, 'run.cfg');
      const topology = join(directory, 'topology.csv');
      const out = join(temporaryDirectory('npusim-scalesim-fuzz-out-'), 'out');
      let cases = 0;
      let rejected = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (changes) => {
          cases += 1;
          writeFileSync(config, kind === 'cfg' ? changes.reduce((text, change) => mutate(CFG_NUMBERS, text, change), CFG) : CFG);
          writeFileSync(
            topology,
            kind === 'topology' ? changes.reduce((text, change) => mutate(TOPOLOGY_NUMBERS, text, change), TOPOLOGY) : TOPOLOGY,
          );
          const before = digestFolder(directory);
          const run = await runCli(['scalesim', '-c', config, '-t', topology, '-p', out, '--force']);
          expect([0, 2]).toContain(run.exitCode);
          if (run.exitCode === 2) {
            rejected += 1;
            expect(run.stderr).toMatch(
              new RegExp(`^error: (${escape(config)}|${escape(topology)}|${escape(out)}[^\\n]*)(:\\d+:\\d+)?: [^\\n]+\\n$`),
            );
          } else {
            expect(run.stderr).toMatch(/^(note: [^\n]+\n)?$/);
          }
          expect(run.stderr).not.toMatch(/\n\s+at |internal error|TypeError|ReferenceError|RangeError|undefined is not/);
          expect(digestFolder(directory)).toEqual(before);
        }),
        { numRuns: FUZZ_CASES, seed: PROPERTY_SEED },
      );
      expect(cases).toBeGreaterThanOrEqual(FUZZ_CASES);
      expect(rejected).toBeGreaterThan(FUZZ_CASES / 10);
      expect(rejected).toBeLessThan(FUZZ_CASES);
      process.stdout.write(
        `  SCALE-Sim ${kind} fuzz: ${cases} cases, ${rejected} rejected with exit 2, ${cases - rejected} ran (seed ${PROPERTY_SEED})\n`,
      );
    });
  }
});
