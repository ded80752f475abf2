/**
 * Running property tests the same way everywhere: a fixed seed (NPUSIM_SEED overrides it; "random"
 * draws one), at least the asked number of cases, the seed in every failure message, and the count
 * of cases actually run returned so that tests can assert it.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { expect } from 'vitest';

const DEFAULT_SEED = 20261123;

function chooseSeed(): number {
  const requested = process.env.NPUSIM_SEED;
  if (requested === undefined || requested === '') return DEFAULT_SEED;
  if (requested === 'random') return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(requested);
  if (!Number.isSafeInteger(seed)) throw new Error(`NPUSIM_SEED must be an integer or "random", got ${requested}`);
  return seed;
}

export const PROPERTY_SEED = chooseSeed();

/** Cases per op family required by the numeric core's acceptance list. */
export const CASES_PER_OP = 10_000;

/**
 * Checks `predicate` on `numRuns` values of `arbitrary` and returns how many ran. The predicate
 * throws (an expect failure) on a counterexample; the failure message names the property, the
 * counterexample and the seed to replay it with (NPUSIM_SEED=...).
 */
export function checkProperty<T>(
  name: string,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => void,
  numRuns: number = CASES_PER_OP,
): number {
  let executed = 0;
  const details = fc.check(
    fc.property(arbitrary, (value) => {
      executed += 1;
      predicate(value);
    }),
    { seed: PROPERTY_SEED, numRuns, endOnFailure: true },
  );
  if (details.failed) {
    const report = fc.defaultReportMessage(details) ?? 'property failed';
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(`${name}: failed with seed ${PROPERTY_SEED} (replay: NPUSIM_SEED=${PROPERTY_SEED})\n${report}\nCaused by: ${cause}`);
  }
  expect(executed).toBeGreaterThanOrEqual(numRuns);
  process.stdout.write(`  property ${name}: ${executed} cases passed (seed ${PROPERTY_SEED})\n`);
  return executed;
}

// ---- assertions for loops of many cases ----
// vitest's matchers cost about 14 microseconds a call, and the property suites make hundreds of
// thousands: these decide the passing case first, with the comparison the matcher itself makes
// (Object.is for toBe) or a stricter one (strict deep equality implies toEqual's), and leave
// everything else, with its failure message, to the matcher.

/** expect(actual).toBe(expected). */
export function expectBe(actual: unknown, expected: unknown): void {
  if (!Object.is(actual, expected)) expect(actual).toBe(expected);
}

/** expect(actual).toEqual(expected). */
export function expectEqual(actual: unknown, expected: unknown): void {
  if (!isDeepStrictEqual(actual, expected)) expect(actual).toEqual(expected);
}

// ---- generators that favour the edges ----

const edgeLists = new Map<string, number[]>();

/**
 * Powers of two and their neighbours inside [min, max], plus the bounds, 0 and +-1: made once per
 * range, since generators built inside chain() ask for the same ranges thousands of times.
 */
function edgesOf(min: number, max: number): number[] {
  const key = `${min},${max}`;
  let edges = edgeLists.get(key);
  if (edges === undefined) {
    edges = computeEdges(min, max);
    edgeLists.set(key, edges);
  }
  return edges;
}

function computeEdges(min: number, max: number): number[] {
  const edges = new Set<number>([min, max, min + 1, max - 1, 0, 1, -1]);
  for (let bit = 0; bit <= 53; bit += 1) {
    const power = 2 ** bit;
    for (const value of [power, power - 1, power + 1, -power, -power + 1, -power - 1]) edges.add(value);
  }
  return [...edges].filter((value) => value >= min && value <= max && Number.isSafeInteger(value)).sort((a, b) => a - b);
}

/** Magnitudes spread over every bit length, each sign. */
function logUniform(min: number, max: number): fc.Arbitrary<number> {
  const widest = Math.ceil(Math.log2(Math.max(Math.abs(min), Math.abs(max)) + 1));
  return fc
    .tuple(fc.integer({ min: 0, max: Math.max(widest, 1) }), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean())
    .map(([bits, fraction, negative]) => {
      const magnitude = Math.floor(fraction * 2 ** bits);
      const value = negative && magnitude !== 0 ? -magnitude : magnitude; // integers never hold -0
      return Math.min(Math.max(value, min), max);
    });
}

/** An integer in [min, max] (safe integers) drawn a third from the edges, a third log-uniform, a third uniform. */
export function edgyInteger(min: number, max: number): fc.Arbitrary<number> {
  return fc.oneof(
    fc.constantFrom(...edgesOf(min, max)),
    logUniform(min, max),
    fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) }),
  );
}

export function signedRange(bits: number): [number, number] {
  return [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];
}

export const INT32_RANGE = signedRange(32);
export const INT16_RANGE = signedRange(16);

export const OPERAND_BITS = [4, 8, 16] as const;
export const ACCUMULATOR_BITS = [16, 24, 32, 40, 48] as const;
export const ROUNDING_MODES = ['floor', 'trunc', 'half-up', 'half-away', 'half-even', 'stochastic'] as const;

/**
 * A value x below 2^(magnitudeBits-1) in magnitude and a shift n in 1..maxShift where x / 2^n is
 * exactly a tie (an odd multiple of one half), of either sign.
 */
export function tieFor(maxShift: number, magnitudeBits: number): fc.Arbitrary<{ x: number; shift: number }> {
  const topBit = Math.min(magnitudeBits - 1, 52);
  return fc
    .integer({ min: 1, max: Math.min(maxShift, topBit) })
    .chain((shift) => fc.tuple(fc.constant(shift), fc.integer({ min: 0, max: 2 ** (topBit - shift) - 1 }), fc.boolean()))
    .map(([shift, quotient, negative]) => {
      const magnitude = quotient * 2 ** shift + 2 ** (shift - 1);
      return { x: negative ? -magnitude : magnitude, shift };
    });
}
