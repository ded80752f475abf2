/**
 * The import-direction rule of docs/architecture.md: data flows one way, so a folder imports only
 * folders below it in LAYERS (and itself); numeric/ imports nothing of ours. Every import of every
 * file in src/ is checked, including `export ... from` and dynamic `import()`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/files.js';

/** Lowest first. Folders on one line are siblings: neither may import the other. */
const LAYERS: readonly (readonly string[])[] = [
  ['numeric'],
  ['errors.ts'],
  ['messages'],
  ['graph'],
  ['kernels'],
  ['float'],
  ['requant', 'dataflow'],
  ['hardware'],
  ['lower'],
  ['engine'],
  ['report'],
  ['formats'],
  ['datasets'],
  ['scalesim'],
  ['zoo'],
  ['importers'],
  ['pipeline'],
  ['conformance', 'golden', 'sweep'],
  ['lab'],
  ['html'],
  ['cli'],
  ['index.ts'],
];

function rankOf(unit: string): number {
  const rank = LAYERS.findIndex((layer) => layer.includes(unit));
  if (rank < 0)
    throw new Error(`src/${unit} is in no layer of test/architecture/imports.test.ts: add it there and to docs/architecture.md`);
  return rank;
}

/** The top-level folder (or file, for errors.ts and index.ts) of a path relative to src/. */
function unitOf(path: string): string {
  const head = path.split('/')[0] ?? path;
  return head.endsWith('.js') ? `${head.slice(0, -'.js'.length)}.ts` : head;
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

/** The relative import specifiers of a source text. */
function importsOf(text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map((match) => match[1] ?? '').filter((specifier) => specifier.startsWith('.'));
}

/** The rule's verdict on one import of `file` (both relative to src/): undefined when allowed. */
function violation(file: string, specifier: string): string | undefined {
  const target = normalize(join(dirname(file), specifier));
  if (target.startsWith('..')) return `${file} imports ${specifier}, outside src/`;
  const from = unitOf(file);
  const to = unitOf(target);
  if (from === to) return undefined;
  if (from === 'numeric') return `src/${file} imports src/${target}: numeric/ imports nothing of ours`;
  if (rankOf(to) >= rankOf(from))
    return `src/${file} imports src/${target}: ${to} is not below ${from} in the pipeline (docs/architecture.md)`;
  return undefined;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const SRC = join(REPO, 'src');

describe('import direction (docs/architecture.md)', () => {
  it('every folder of src/ has a layer', () => {
    for (const entry of readdirSync(SRC)) expect(rankOf(entry), entry).toBeGreaterThanOrEqual(0);
  });

  it('no file of src/ imports up the pipeline or sideways, and numeric/ imports nothing of ours', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(100);
    const problems = files.flatMap((path) => {
      const file = relative(SRC, path);
      return importsOf(readFileSync(path, 'utf8')).flatMap((specifier) => violation(file, specifier) ?? []);
    });
    expect(problems).toEqual([]);
  });

  it('the rule fails on a back-up arrow, a sideways arrow and any import from numeric/', () => {
    expect(violation('lower/schedule.ts', '../scalesim/timing.js')).toMatch(/scalesim is not below lower/);
    expect(violation('requant/hvx.ts', '../dataflow/ws.js')).toMatch(/dataflow is not below requant/);
    expect(violation('numeric/rounding.ts', '../errors.js')).toMatch(/numeric\/ imports nothing of ours/);
    expect(violation('engine/simulate.ts', '../formats/loadHardware.js')).toMatch(/formats is not below engine/);
    expect(violation('pipeline/index.ts', '../engine/simulate.js')).toBeUndefined();
    expect(violation('cli/commands/run.ts', '../options.js')).toBeUndefined();
    expect(
      importsOf("import { a } from '../x.js';\nexport { b } from './y.js';\nconst c = await import('../z.js');\nimport 'node:fs';"),
    ).toEqual(['../x.js', './y.js', '../z.js']);
  });
});
