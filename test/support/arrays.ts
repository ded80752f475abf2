/**
 * Element-for-element equality of long integer arrays (a layer's whole output) in one pass: vitest's
 * deep equality walks millions of elements a thousand times slower. On a difference it shows the
 * first index that differs, the length, and a few elements either side of it from both.
 */
import { expect } from 'vitest';

export function expectSameElements(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  const length = Math.min(actual.length, expected.length);
  let first = -1;
  for (let index = 0; index < length; index += 1)
    if (!Object.is(actual[index], expected[index])) {
      first = index;
      break;
    }
  if (first < 0 && actual.length === expected.length) return;
  const at = first < 0 ? length : first;
  const window = (values: ArrayLike<number>) => Array.from(values).slice(Math.max(0, at - 3), at + 4);
  expect(
    { length: actual.length, firstDifference: at, around: window(actual) },
    `${what}: elements from index ${Math.max(0, at - 3)}`,
  ).toEqual({ length: expected.length, firstDifference: at, around: window(expected) });
  // Equal windows but a difference (NaN against NaN cannot happen for integers): say so plainly.
  expect.unreachable(`${what}: element ${at} differs`);
}
