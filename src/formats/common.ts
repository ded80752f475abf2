/** Schema pieces shared by the hardware config, the graph and the energy table. */
import { z } from 'zod';
import { rangeText } from './bounds.js';

import { ELEMENT_TYPES, type ElementTypeName } from '../graph/ops.js';

export { ELEMENT_TYPES, type ElementTypeName };

export const elementType = z
  .enum(ELEMENT_TYPES)
  .describe('element type: s (signed) or u (unsigned), then the width in bits: s4, u4, s8, u8, s16, u16');

export function parseElementType(name: ElementTypeName): { bits: number; signed: boolean } {
  return { bits: Number(name.slice(1)), signed: name.startsWith('s') };
}

/** A number in min..max (both inclusive); the description states the range and `npusim schema` prints it. */
export const boundedNumber = (what: string, range: { readonly min: number; readonly max: number }) =>
  z
    .number()
    .min(range.min)
    .max(range.max)
    .describe(`${what}; range ${rangeText(range)}`);
/**
 * A whole number in min..max. The range is checked before wholeness, so 1e20 is refused with this
 * field's own bound, not with the safe-integer bound z.int() would name first.
 */
export const boundedInt = (what: string, range: { readonly min: number; readonly max: number }) =>
  z
    .number()
    .min(range.min)
    .max(range.max)
    .int()
    .describe(`${what}; range ${rangeText(range)}`);

/** Where a number or a design comes from: a paper, a datasheet, a table. */
export const source = z.string().min(1).describe('where the numbers come from (paper, table, datasheet, node)');
