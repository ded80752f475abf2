/** Python's str() of floats and ints, and Python's exactly rounded int / int. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divideIntegers, pythonFloatRepr, pythonIntRepr } from '../../src/scalesim/pythonRepr.js';
import { checkProperty } from '../support/property.js';

describe('pythonFloatRepr', () => {
  // Expected strings are what CPython 3.11 prints for repr(float).
  const cases: Array<[number, string]> = [
    [9, '9.0'],
    [-1024, '-1024.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [0.1, '0.1'],
    [3.9961903876977396, '3.9961903876977396'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [1.5e-7, '1.5e-07'],
    [1e16, '1e+16'],
    [1.5e16, '1.5e+16'],
    [1e15, '1000000000000000.0'],
    [123456789012345680, '1.2345678901234568e+17'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [94.53125, '94.53125'],
    [Infinity, 'inf'],
    [NaN, 'nan'],
  ];
  for (const [value, text] of cases) it(`${value} -> ${text}`, () => expect(pythonFloatRepr(value)).toBe(text));

  it('round-trips and keeps a dot or exponent', () => {
    checkProperty(
      'python repr round-trips',
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      (value) => {
        const text = pythonFloatRepr(value);
        expect(Number(text.replace(/e([+-])0(\d)$/, 'e$1$2'))).toBe(value);
        expect(text).toMatch(/\.|e|inf/);
      },
      5_000,
    );
  });

  it('prints ints bare', () => expect(pythonIntRepr(112283)).toBe('112283'));
});

/** A finite non-negative double as an exact fraction. */
function exactFraction(value: number): [bigint, bigint] {
  let scaled = value;
  let denominator = 1n;
  while (!Number.isInteger(scaled)) {
    scaled *= 2; // exact for doubles
    denominator *= 2n;
  }
  return [BigInt(scaled), denominator];
}

/** The next double up or down (non-negative finite values). */
function adjacent(value: number, step: 1 | -1): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  view.setBigUint64(0, view.getBigUint64(0) + BigInt(step));
  return view.getFloat64(0);
}

describe('divideIntegers', () => {
  it('equals JS division for exact doubles and is the nearest double beyond 2^53', () => {
    checkProperty(
      'int division',
      fc.tuple(fc.bigInt({ min: 1n, max: 2n ** 80n }), fc.bigInt({ min: 1n, max: 2n ** 80n })),
      ([a, b]) => {
        const ours = divideIntegers(a, b);
        if (a <= 2n ** 53n && b <= 2n ** 53n) expect(ours).toBe(Number(a) / Number(b));
        // |x - a/b| compared exactly: |num*b - a*den| / (den*b).
        const error = (x: number): [bigint, bigint] => {
          const [num, den] = exactFraction(x);
          const diff = num * b - a * den;
          return [diff < 0n ? -diff : diff, den * b];
        };
        const [oursError, oursScale] = error(ours);
        for (const neighbour of [adjacent(ours, 1), adjacent(ours, -1)]) {
          const [otherError, otherScale] = error(neighbour);
          expect(oursError * otherScale <= otherError * oursScale).toBe(true);
        }
      },
      2_000,
    );
  });
});
