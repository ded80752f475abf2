import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accumulate, accumulatorRegister, saturateToInt32 } from '../../../src/numeric/accumulator.js';
import { refAccumulate, type RefAccEvent } from '../../oracles/numeric/accumulator.js';
import { refSaturate } from '../../oracles/numeric/integers.js';
import {
  ACCUMULATOR_BITS,
  CASES_PER_OP,
  checkProperty,
  edgyInteger,
  OPERAND_BITS,
  signedRange,
  expectBe,
  expectEqual,
} from '../../support/property.js';

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
      // The kernels' step: an add overflowed exactly when the stored value is not the sum.
      const register = accumulatorRegister({ bits: c.accumulatorBits, overflow: c.overflow });
      let value = c.bias;
      let exact = c.bias;
      const events: RefAccEvent[] = terms.map((term) => {
        const stored = accumulate(register, value, term);
        const event = stored === value + term ? 'none' : c.overflow === 'wrap' ? 'wrapped' : 'saturated';
        value = stored;
        exact += term;
        return event;
      });
      const expected = refAccumulate(c.accumulatorBits, c.overflow, BigInt(c.bias), terms.map(BigInt));
      expectEqual(events, expected.events);
      expectBe(value, Number(expected.value));
      expectBe(exact, Number(expected.exact));
      expectBe(events.filter((event) => event !== 'none').length, expected.transient);
      expectBe(value !== exact, expected.final);
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });

  it(`single adds a few steps from the register's edges and from a wrap away, widths 16..48 (${CASES_PER_OP} cases)`, () => {
    // value in range, value + term = k * 2^bits + h * 2^(bits-1) + d: exactly on, beside and across each edge.
    const arbitrary = fc
      .tuple(fc.constantFrom(...ACCUMULATOR_BITS), fc.constantFrom('wrap' as const, 'saturate' as const))
      .chain(([bits, overflow]) =>
        fc.tuple(
          fc.constant(bits),
          fc.constant(overflow),
          edgyInteger(...signedRange(bits)),
          fc
            .tuple(fc.integer({ min: -3, max: 3 }), fc.constantFrom(-1, 0, 1), fc.integer({ min: -2, max: 2 }))
            .map(([k, h, d]) => k * 2 ** bits + h * 2 ** (bits - 1) + d),
        ),
      );
    const runs = checkProperty('accumulator.edges', arbitrary, ([bits, overflow, value, sum]) => {
      const stored = accumulate(accumulatorRegister({ bits, overflow }), value, sum - value);
      const expected = refAccumulate(bits, overflow, BigInt(value), [BigInt(sum - value)]);
      expectBe(stored, Number(expected.value));
      expectBe(stored !== sum, expected.transient === 1);
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });

  it(`saturateToInt32 on accumulators of up to 48 bits (${CASES_PER_OP} cases)`, () => {
    const around = (edge: number): fc.Arbitrary<number> => fc.integer({ min: edge - 2, max: edge + 2 });
    const arbitrary = fc.oneof(edgyInteger(...signedRange(48)), around(-(2 ** 31)), around(2 ** 31 - 1));
    const runs = checkProperty('accumulator.int32', arbitrary, (x) => {
      expectBe(saturateToInt32(x), Number(refSaturate(BigInt(x), 32, true).value));
    });
    expect(runs).toBeGreaterThanOrEqual(CASES_PER_OP);
  });
});
