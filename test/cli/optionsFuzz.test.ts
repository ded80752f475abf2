/**
 * Fuzzing the whole-number options of every command: a value is accepted exactly when it is a whole
 * number inside the option's range (an oracle written here, apart from src/cli/options.ts); anything
 * else is a usage error naming the flag. Each command points at a file that does not exist, so an
 * accepted value shows as the next error (the missing file), a refused one as the usage error.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { temporaryDirectory } from '../support/files.js';
import { expectCleanOutcome, MUTANTS_PER_CLASS } from '../support/fuzz.js';
import { PROPERTY_SEED } from '../support/property.js';

interface NumericOption {
  readonly flag: string;
  readonly min: number;
  readonly max: number;
  readonly argv: (value: string, missing: string) => string[];
}

const OPTIONS: readonly NumericOption[] = [
  {
    flag: 'trace-max-events',
    min: 0,
    max: 10_000_000,
    argv: (value, missing) => ['run', missing, '--hw', missing, `--trace-max-events=${value}`],
  },
  {
    flag: 'seed',
    min: 0,
    max: 2 ** 32 - 1,
    argv: (value, missing) => ['zoo', 'small_cnn', '--out', join(missing, 'x.json'), `--seed=${value}`],
  },
  { flag: 'max-failures', min: 0, max: 1e9, argv: (value, missing) => ['vectors', missing, `--max-failures=${value}`] },
  { flag: 'limit', min: 0, max: 1e9, argv: (value, missing) => ['check', missing, `--limit=${value}`] },
  { flag: 'limit', min: 0, max: 1e9, argv: (value, missing) => ['diff', missing, missing, `--limit=${value}`] },
  {
    flag: 'jobs',
    min: 1,
    max: 4096,
    argv: (value, missing) => ['sweep', missing, '--hw', missing, '--out', join(missing, 'x.csv'), `--jobs=${value}`],
  },
  {
    flag: 'seed',
    min: 0,
    max: 2 ** 32 - 1,
    argv: (value, missing) => [
      'import',
      'scalesim',
      '-c',
      missing,
      '-t',
      missing,
      '--out-graph',
      join(missing, 'g.json'),
      '--out-hw',
      join(missing, 'h.json'),
      `--seed=${value}`,
    ],
  },
];

function acceptable(value: string, min: number, max: number): boolean {
  const text = value.trim();
  if (!/^[+-]?[0-9]+$/.test(text)) return false;
  const number = Number(text);
  return Number.isSafeInteger(number) && number >= min && number <= max;
}

const value = fc.oneof(
  fc.integer({ min: -10, max: 10 }).map(String),
  fc.constantFrom(
    '4294967295',
    '4294967296',
    '18446744073709551616',
    '9007199254740993',
    '10000000',
    '10000001',
    '4096',
    '4097',
    '1000000000',
    '1000000001',
  ),
  fc.constantFrom('abc', '1.5', '1e3', '0x10', '', ' 7', '7 ', '+3', '-0', '١٢', 'Infinity', 'NaN', '1_000', '00012', '5abc'),
  fc.double().map(String),
  fc.string({ maxLength: 6 }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
);

it(`every whole-number option accepts exactly the whole numbers in its range (${MUTANTS_PER_CLASS} cases)`, async () => {
  const missing = join(temporaryDirectory(), 'missing');
  let accepted = 0;
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: OPTIONS.length - 1 }), value, async (choice, given) => {
      const option = OPTIONS[choice] as NumericOption;
      const run = await runCli(option.argv(given, missing));
      expectCleanOutcome(run);
      const usage = run.stderr.startsWith(`error: --${option.flag} `);
      expect(usage, `--${option.flag}=${JSON.stringify(given)}: ${run.stderr}`).toBe(!acceptable(given, option.min, option.max));
      if (!usage) accepted += 1;
    }),
    { numRuns: MUTANTS_PER_CLASS, seed: PROPERTY_SEED },
  );
  expect(accepted).toBeGreaterThan(MUTANTS_PER_CLASS / 10);
  process.stdout.write(`  option fuzz: ${MUTANTS_PER_CLASS} values, ${accepted} accepted (seed ${PROPERTY_SEED})\n`);
}, 300_000);
