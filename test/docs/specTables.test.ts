import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataflowTable } from '../../src/dataflow/table.js';
import { markedBlock } from '../../src/messages/markdownTable.js';
import { requantize } from '../../src/numeric/index.js';
import type { RequantParams } from '../../src/numeric/index.js';
import { REQUANT_SPECS } from '../../src/requant/index.js';
import { requantModeTable } from '../../src/requant/table.js';

function docs(file: string): string {
  return readFileSync(join(import.meta.dirname, '../../docs', file), 'utf8');
}

describe('docs tables generated from specs (regenerate with npm run docs:tables)', () => {
  it('docs/cycle-model.md holds the dataflow table of src/dataflow', () => {
    expect(markedBlock(docs('cycle-model.md'), 'dataflows')).toBe(dataflowTable());
  });

  it('docs/numerics.md holds the requantization mode table of src/requant', () => {
    expect(markedBlock(docs('numerics.md'), 'requant-modes')).toBe(requantModeTable());
  });

  // The shift column is words in the specs: check each range against the arithmetic that enforces it.
  it.each(Object.values(REQUANT_SPECS).filter((spec) => /^-?\d+\.\.-?\d+$/.test(spec.shifts)))(
    "the $name row's shift range is the one requantize accepts",
    (spec) => {
      const [low, high] = spec.shifts.split('..').map(Number) as [number, number];
      const params = (shift: number): RequantParams => {
        if (spec.name === 'hvx') return { mode: 'hvx', multiplier: 1 << 30, shift, rounding: 'half-up' };
        if (spec.name === 'shift-only') return { mode: 'shift-only', shift, rounding: 'half-up' };
        if (spec.name === 'ort-float') throw new Error('ort-float has no shift');
        return { mode: spec.name, multiplier: 1 << 30, shift };
      };
      const output = { zeroPoint: 0, min: -128, max: 127 };
      for (const shift of [low, high]) expect(() => requantize(1000, params(shift), output)).not.toThrow();
      for (const shift of [low - 1, high + 1]) expect(() => requantize(1000, params(shift), output)).toThrow(RangeError);
    },
  );
});
