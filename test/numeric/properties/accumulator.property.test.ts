import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Accumulator, type AddEvent } from '../../../src/numeric/accumulator.js';
import { refAccumulate } from '../../oracles/numeric/accumulator.js';
import { ACCUMULATOR_BITS, CASES_PER_OP, checkProperty, edgyInteger, OPERAND_BITS, signedRange } from '../../support/property.js';

function operandRange(bits: number, signed: boolean): [number, number] {
  return signed ? signedRange(bits) : [0, 2 ** bits - 1];
}

/**
 * A dot product as the MAC array computes it: weights and activations of 4, 8 or 16 bits (either
 * signedness), the activation's zero point subtracted, the bias loaded first, terms added in order.
 */
const macCase = fc
  .tuple(
    fc.constantFrom(...OPERAND_BITS),
    fc.constantFrom(...OPERAND_BITS),
    fc.boolean(),
    fc.boolean(),
    fc.constantFrom(...ACCUMULATOR_BITS),
    fc.constantFrom('wrap' as const, 'saturate' as const),
  )
  .chain(([weightBits, activationBits, weightSigned, activationSigned, accumulatorBits, overflow]) => {
    const weight = operandRange(weightBits, weightSigned);
    const activation = operandRange(activationBits, activationSigned);
    return fc.record({
      accumulatorBits: fc.constant(accumulatorBits),
      overflow: fc.constant(overflow),
      bias: edgyInteger(...signedRange(accumulatorBits)),
      zeroPoint: edgyInteger(...activation),
      pairs: fc.array(fc.tuple(edgyInteger(...weight), edgyInteger(...activation)), { minLength: 0, maxLength: 48 }),
    });
  });

describe('accumulator: core equals reference', () => {
  it(`MAC sequences, operand widths 4/8/16 x accumulator widths 16..48 x wrap/saturate (${CASES_PER_OP} cases)`, () => {
    const runs = checkProperty('accumulator', macCase, (c) => {
      const terms = c.pairs.map(([w, a]) => w * (a - c.zeroPoint));
      const accumulator = new Accumulator({ bits: c.accumulatorBits, overflow: c.overflow });
      accumulator.reset(c.bias);
      const events: AddEvent[] = terms.map((term) => accumulator.add(term));
      const expected = refAccumulate(c.accumulatorBits, c.overflow, BigInt(c.bias), terms.map(BigInt));
      expect(events).toEqual(expected.events);
      expect(accumulator.value).toBe(Number(expected.value));
      expect(accumulator.exact).toBe(Number(expected.exact));
      expect(accumulator.transientCount).toBe(expected.transient);
      expect(accumulator.finalOverflow).toBe(expected.final);
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });
});
