/** Schema pieces shared by the hardware config, the graph and the energy table. */
import { z } from 'zod';

/** An element type written as in the field: s8, u8, s4, u4, s16, u16 (signedness, then bits). */
export const ELEMENT_TYPES = ['s4', 'u4', 's8', 'u8', 's16', 'u16'] as const;
export type ElementTypeName = (typeof ELEMENT_TYPES)[number];

export const elementType = z
  .enum(ELEMENT_TYPES)
  .describe('element type: s (signed) or u (unsigned), then the width in bits: s4, u4, s8, u8, s16, u16');

export function parseElementType(name: ElementTypeName): { bits: number; signed: boolean } {
  return { bits: Number(name.slice(1)), signed: name.startsWith('s') };
}

export const positiveInt = (what: string) => z.int().min(1).describe(what);
export const nonNegativeInt = (what: string) => z.int().min(0).describe(what);
export const positiveNumber = (what: string) => z.number().positive().describe(what);

/** Where a number or a design comes from: a paper, a datasheet, a table. */
export const source = z.string().min(1).describe('where the numbers come from (paper, table, datasheet, node)');
