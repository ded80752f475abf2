/**
 * Fuzzing `npusim vectors` through the CLI entry: real vector lines, mutated (a character deleted or
 * inserted, a key given twice, a value nested deep, the op misspelt, a line cut short or made long),
 * beside good lines. Every run passes (0), fails with a verdict (1) or is refused with one
 * "error: file:line[:column]: message" line (2); a crash, a stack trace or an error with a verdict
 * printed fails the test. Each mutation class must be refused with its own message at least once.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { temporaryDirectory } from '../support/files.js';
import { PROPERTY_SEED } from '../support/property.js';
import { sharedFiles } from '../support/sharedFolder.js';

const MUTANTS = 2_000;

const LINES = sharedFiles('vectors', '.jsonl').flatMap((file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== ''),
);

type Kind = 'delete' | 'insert' | 'duplicateKey' | 'deep' | 'misspeltOp' | 'cut' | 'long' | 'blankOnly';

/** What the refusal of each class says (a mutant may also stay valid, or break in another way first). */
const MESSAGE_OF: Partial<Record<Kind, RegExp>> = {
  duplicateKey: /is given twice in one object/,
  deep: /JSON nested deeper than 64 levels/,
  misspeltOp: /unknown op /,
  cut: /not valid JSON/,
  long: /line is longer than 4\.0 MiB/,
};

interface Mutant {
  readonly kind: Kind;
  readonly line: number;
  readonly position: number;
  readonly char: string;
  readonly depth: number;
}

const mutant: fc.Arbitrary<Mutant> = fc.record({
  // A long line writes and reads 4 MiB: rare enough to keep the run short, present in every run of 2,000.
  kind: fc.oneof(
    { arbitrary: fc.constantFrom<Kind>('delete', 'insert', 'duplicateKey', 'deep', 'misspeltOp', 'cut', 'blankOnly'), weight: 200 },
    { arbitrary: fc.constant<Kind>('long'), weight: 1 },
  ),
  line: fc.nat({ max: LINES.length - 1 }),
  position: fc.nat(),
  char: fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\\', '0', '-', 'e', ' ', '\u0000', '\u00e9', 'x'),
  depth: fc.oneof(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1000, max: 20_000 })),
});

function mutate(change: Mutant): string {
  const line = LINES[change.line] ?? '';
  const at = change.position % line.length;
  switch (change.kind) {
    case 'delete':
      return line.slice(0, at) + line.slice(at + 1);
    case 'insert':
      return line.slice(0, at) + change.char + line.slice(at);
    case 'duplicateKey':
      return line.replace('"args": {', '"args": {"z": 1, "z": 2, ').replace('"args":{', '"args":{"z":1,"z":2,');
    case 'deep':
      return line.replace(/"expected": ?/, (key) => `${key}${'['.repeat(change.depth)}0${']'.repeat(change.depth)}`);
    case 'misspeltOp':
      return line.replace(
        /"op": ?"([^"]*)"/,
        (_match, op: string) =>
          `"op": "${op.slice(0, 1 + (at % (op.length - 1)))}${change.char === '"' ? 'q' : change.char.replace('\\', '/')}${op.slice(1 + (at % (op.length - 1)))}"`,
      );
    case 'cut':
      return line.slice(0, Math.max(1, at));
    case 'long':
      return line
        .replace('"args": {', `"args": {"pad": "${'x'.repeat(4 * 1024 * 1024)}", `)
        .replace('"args":{', `"args":{"pad":"${'x'.repeat(4 * 1024 * 1024)}",`);
    case 'blankOnly':
      return ' \t';
  }
}

describe('vector file fuzzing through the CLI entry', () => {
  it(`${MUTANTS} mutated real lines: exit 0, a verdict (1), or one error line (2), never a crash`, async () => {
    const directory = temporaryDirectory('npusim-vectors-fuzz-');
    const file = join(directory, 'mutant.jsonl');
    const refusedWith = new Map<Kind, number>();
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(mutant, fc.boolean(), async (change, alone) => {
        runs += 1;
        const text = mutate(change);
        writeFileSync(file, alone ? `${text}\n` : `${LINES[0]}\n${text}\r\n${LINES[1]}`);
        const run = await runCli(['vectors', file]);
        expect(run.stderr).not.toMatch(/\n\s+at |TypeError|ReferenceError|RangeError|internal error/);
        if (run.exitCode === 2) {
          expect(run.stdout).toBe('');
          expect(run.stderr).toMatch(new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+(:\\d+)?: [^\\n]+\\n$`));
          if (MESSAGE_OF[change.kind]?.test(run.stderr) === true) refusedWith.set(change.kind, (refusedWith.get(change.kind) ?? 0) + 1);
        } else {
          expect(run.stderr).toBe('');
          expect(run.stdout).toMatch(/(^|\n)\d+ passed, \d+ failed(, 1 file without cases)?\n$/);
          expect(run.exitCode).toBe(/ 0 failed\n$/.test(run.stdout) ? 0 : 1);
        }
      }),
      { numRuns: MUTANTS, seed: PROPERTY_SEED },
    );
    expect(runs).toBe(MUTANTS);
    expect([...refusedWith.keys()].sort()).toEqual(Object.keys(MESSAGE_OF).sort());
  }, 300_000);
});
