/**
 * Fuzzing `npusim sweep --set`: random paths and value lists (numbers past exact arithmetic, tiny
 * and huge, ranges with zero, negative, fractional or missing steps, exponents, words, control
 * characters, null) on the tiny graph, timing only. Each sweep either runs and writes one row per
 * point or is refused with exit 2 and one line, writing nothing; the corpus holds issue 12's cases.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { FIXTURES, REPO, temporaryDirectory } from '../support/files.js';
import { expectCleanOutcome, MUTANTS_PER_CLASS } from '../support/fuzz.js';
import { PROPERTY_SEED } from '../support/property.js';

const GRAPH = join(FIXTURES, 'tiny-graph.json');
const HW = join(REPO, 'configs/edge-npu.json');

/** Sets that broke npusim before: a bandwidth past exact cycles, a range of a billion values, exponents, a zero step, a miss of the end. */
const CORPUS: readonly string[][] = [
  ['memory.dram.bytesPerCycle=1e-300'],
  ['array.rows=1..1000000000:1'],
  ['array.rows=0..1e12:1'],
  ['array.rows=8..32:0'],
  ['array.rows=1..9:3'],
  ['array.rows=9007199254740993'],
  ['array.rows=8,16', 'array.columns=8,16'],
];

const PATHS = [
  'array.rows',
  'array.columns',
  'array.dataflow',
  'memory.dram.bytesPerCycle',
  'memory.dram.latencyCycles',
  'accumulator.bits',
  'accumulator.overflow',
  'requant.mode',
  'requant.rounding',
  'clockMHz',
  'vector.vectorBytes',
  'array',
  'nope.field',
  'array.rows.x',
  '',
  'quant.weightBits',
];

const item = fc.oneof(
  fc.integer({ min: -2, max: 70 }).map(String),
  fc.constantFrom(
    '1e-300',
    '1e308',
    '5e-324',
    '0.5',
    '0.1',
    '-0',
    '4096',
    '4097',
    '9007199254740993',
    '1e400',
    'ws',
    'os',
    'wrap',
    'saturate',
    'tflite-double',
    'ort-float',
    'half-even',
    'null',
    'true',
    '',
    'x\ny',
    'ws\r',
  ),
  fc
    .tuple(fc.integer({ min: -3, max: 40 }), fc.integer({ min: -3, max: 40 }), fc.constantFrom('1', '2', '0', '-1', '0.5', '3', '1e1'))
    .map(([from, to, step]) => `${from}..${to}:${step}`),
  fc
    .tuple(fc.constantFrom('0.1', '1', '8'), fc.constantFrom('0.3', '16', '32'), fc.constantFrom('0.1', '8', ''))
    .map(([from, to, step]) => (step === '' ? `${from}..${to}` : `${from}..${to}:${step}`)),
  fc.string({ maxLength: 5 }),
);

const setOption = fc
  .tuple(fc.constantFrom(...PATHS), fc.array(item, { minLength: 1, maxLength: 3 }))
  .map(([path, values]) => `${path}=${values.join(',')}`);
const sets = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...CORPUS) },
  { weight: 8, arbitrary: fc.array(setOption, { minLength: 1, maxLength: 2 }) },
);

it(`sweep --set: ${MUTANTS_PER_CLASS} fuzzed parameter sets run with one row per point or are refused writing nothing`, async () => {
  const directory = temporaryDirectory('npusim-set-fuzz-');
  const out = join(directory, 'sweep.csv');
  let ran = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(sets, fc.boolean(), async (given, zip) => {
      rmSync(out, { force: true });
      const argv = [
        'sweep',
        GRAPH,
        '--hw',
        HW,
        '--timing-only',
        '--jobs',
        '1',
        '--skip-invalid',
        ...given.flatMap((set) => ['--set', set]),
        ...(zip ? ['--zip'] : []),
        '--out',
        out,
      ];
      const run = await runCli(argv);
      const outcome = expectCleanOutcome(run, [0, 2], { notes: true });
      if (outcome === 'refused') {
        refused += 1;
        expect(existsSync(out)).toBe(false);
        return;
      }
      ran += 1;
      const rows = readFileSync(out, 'utf8').split('\n').slice(1, -1);
      const points = Number(/wrote [^:]+: (\d+) points/.exec(run.stderr)?.[1]);
      expect(rows.length).toBe(points);
      rows.forEach((row, index) => expect(row.startsWith(`${index},`)).toBe(true));
    }),
    { numRuns: MUTANTS_PER_CLASS, seed: PROPERTY_SEED },
  );
  expect(ran).toBeGreaterThan(MUTANTS_PER_CLASS / 20);
  expect(refused).toBeGreaterThan(MUTANTS_PER_CLASS / 4);
  process.stdout.write(
    `  --set fuzz: ${MUTANTS_PER_CLASS} sweeps, ${refused} refused writing nothing, ${ran} ran (seed ${PROPERTY_SEED})\n`,
  );
}, 300_000);
