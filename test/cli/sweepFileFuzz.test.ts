/**
 * Fuzzing the sweep files npusim reads back (`merge`, `report`, `sweep --resume`) through the CLI
 * entry: a real sweep's .jsonl and .csv, mutated (a character deleted or inserted, a key given
 * twice, a cell nested deep or made an object, a line cut short, a figure replaced). Every run
 * writes its file (0) or is refused with one "error: file...: message" line (2), never a crash and
 * never a stack trace; a refused run writes nothing. Each mutation class must be refused with its
 * own message at least once, so neither a key given twice nor a figure edited into text or past
 * the float range can replace a computed figure silently.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { REPO, temporaryDirectory } from '../support/files.js';
import { MUTANTS_PER_CLASS } from '../support/fuzz.js';
import { PROPERTY_SEED } from '../support/property.js';

type Kind = 'delete' | 'insert' | 'duplicateKey' | 'deep' | 'objectCell' | 'cut' | 'figure';

const KINDS: readonly Kind[] = ['delete', 'insert', 'duplicateKey', 'deep', 'objectCell', 'cut', 'figure'];

/** What the refusal of each class says in a .jsonl file (a mutant may also stay valid, or break another way first). */
const MESSAGE_OF: Partial<Record<Kind, RegExp>> = {
  duplicateKey: /is given twice in one object/,
  deep: /JSON nested deeper than 64 levels/,
  objectCell: /a sweep file's cells are numbers, strings, booleans or null/,
  cut: /not valid JSON/,
  figure: /a result is a finite number/,
};

interface Mutant {
  readonly kind: Kind;
  readonly line: number;
  readonly position: number;
  readonly char: string;
  readonly depth: number;
  readonly command: 'merge' | 'report' | 'resume';
}

const mutant: fc.Arbitrary<Mutant> = fc.record({
  kind: fc.constantFrom(...KINDS),
  line: fc.nat({ max: 3 }),
  position: fc.nat(),
  char: fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\\', '0', '-', 'e', ' ', '\u0000', '\u00e9', 'x', '\n'),
  depth: fc.oneof(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1000, max: 20_000 })),
  // report renders a page and resume re-runs the sweep's missing points: a share of the runs each.
  command: fc.oneof(
    { arbitrary: fc.constant('merge' as const), weight: 18 },
    { arbitrary: fc.constant('report' as const), weight: 1 },
    { arbitrary: fc.constant('resume' as const), weight: 1 },
  ),
});

function mutate(lines: readonly string[], change: Mutant, csv: boolean): string {
  const index = 1 + (change.line % (lines.length - 1));
  const line = lines[index] ?? '';
  const at = change.position % line.length;
  const changed = ((): string => {
    switch (change.kind) {
      case 'delete':
        return line.slice(0, at) + line.slice(at + 1);
      case 'insert':
        return line.slice(0, at) + change.char + line.slice(at);
      case 'duplicateKey':
        return csv ? line.replace(/,(\d+),/, ',$1,$1,') : line.replace(/}$/, ',"cycles":1}');
      case 'deep':
        return csv
          ? line.replace(/,(true|false),/, `,${'['.repeat(change.depth)}${']'.repeat(change.depth)},`)
          : line.replace(/"pareto":(true|false)/, `"pareto":${'['.repeat(change.depth)}${']'.repeat(change.depth)}`);
      case 'objectCell':
        return csv ? line.replace(/,(true|false),/, ',{"a":1},') : line.replace(/"pareto":(true|false)/, '"pareto":{"a":1}');
      case 'cut':
        return line.slice(0, Math.max(1, at));
      case 'figure':
        return line.replace(/"cycles":\d+|,310,/, (match) => (match.startsWith(',') ? ',-1e400,' : '"cycles":"310"'));
    }
  })();
  return [...lines.slice(0, index), changed, ...lines.slice(index + 1)].join('\n');
}

describe('sweep file fuzzing through the CLI entry', () => {
  const directory = temporaryDirectory('npusim-sweep-file-fuzz-');
  const graph = join(REPO, 'test/fixtures/tiny-graph.json');
  const hw = join(REPO, 'configs/edge-npu.json');
  const sweepArgs = ['sweep', graph, '--hw', hw, '--set', 'array.rows=8,16', '--set', 'array.columns=8,16'];
  const originals = new Map<string, readonly string[]>();

  beforeAll(async () => {
    for (const extension of ['jsonl', 'csv']) {
      const file = join(directory, `whole.${extension}`);
      const run = await runCli([...sweepArgs, '--out', file]);
      expect(run.exitCode).toBe(0);
      originals.set(extension, readFileSync(file, 'utf8').trimEnd().split('\n'));
    }
  });

  it.each(['jsonl', 'csv'])(
    `${MUTANTS_PER_CLASS} mutated %s files: written, or one error line and nothing written`,
    async (extension) => {
      const lines = originals.get(extension) ?? [];
      const csv = extension === 'csv';
      const file = join(directory, `mutant.${extension}`);
      const out = join(directory, `out.${extension === 'csv' ? 'csv' : 'jsonl'}`);
      const html = join(directory, 'out.html');
      const refusedWith = new Set<Kind>();
      await fc.assert(
        fc.asyncProperty(mutant, async (change) => {
          const text = mutate(lines, change, csv);
          writeFileSync(file, `${text}\n`);
          rmSync(out, { force: true });
          rmSync(html, { force: true });
          const args =
            change.command === 'merge'
              ? ['merge', file, '--out', out]
              : change.command === 'report'
                ? ['report', file, '--out', html]
                : [...sweepArgs, '--out', file, '--resume'];
          const run = await runCli(args);
          expect(run.stderr).not.toMatch(/\n\s+at |TypeError|ReferenceError|RangeError|internal error/);
          expect([0, 2]).toContain(run.exitCode);
          if (run.exitCode === 2) {
            expect(run.stderr).toMatch(/^error: [^\n]+\n(note: [^\n]+\n)*$/);
            expect(existsSync(out) || existsSync(html)).toBe(false);
            expect(readFileSync(file, 'utf8')).toBe(`${text}\n`);
            if (!csv && MESSAGE_OF[change.kind]?.test(run.stderr) === true) refusedWith.add(change.kind);
          }
        }),
        { numRuns: MUTANTS_PER_CLASS, seed: PROPERTY_SEED },
      );
      if (!csv) expect([...refusedWith].sort()).toEqual(Object.keys(MESSAGE_OF).sort());
    },
    300_000,
  );
});
