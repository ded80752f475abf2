/**
 * gemmlowp's fixed-point transcendental functions on int32 raw values (fixedpoint/fixedpoint.h), as
 * TFLite's int8 softmax calls them: exp_on_negative_values, one_over_one_plus_x_for_x_in_0_1, and
 * TFLite's GetReciprocal (kernels/internal/common.h). A FixedPoint<int32, I> holds raw / 2^(31 - I);
 * its + and - wrap in int32 (the source's int32 arithmetic, which never overflows on these paths),
 * * is SRDHM (integer bits add), Rescale is SaturatingRoundingMultiplyByPOT.
 */
import { srdhm, srmbpot } from './gemmlowp.js';

const INT32_MAX = 2 ** 31 - 1;

const add = (a: number, b: number): number => (a + b) | 0;
const sub = (a: number, b: number): number => (a - b) | 0;

/** Rescale<to>(x) of a value with `from` integer bits. */
function rescale(raw: number, from: number, to: number): number {
  return srmbpot(raw, from - to);
}

/** exp(a) for a in [-1/4, 0), a with 0 integer bits: the Taylor expansion around -1/8. */
function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: number): number {
  const constantTerm = 1895147668; // exp(-1/8)
  const constantOneOver3 = 715827883;
  const x = add(a, 1 << 28); // a + 1/8
  const x2 = srdhm(x, x);
  const x3 = srdhm(x2, x);
  const x4 = srdhm(x2, x2);
  const x4Over4 = srmbpot(x4, -2);
  const x4Over24PlusX3Over6PlusX2Over2 = srmbpot(add(srdhm(add(x4Over4, x3), constantOneOver3), x2), -1);
  return add(constantTerm, srdhm(constantTerm, add(x, x4Over24PlusX3Over6PlusX2Over2)));
}

/** exp(-2^exponent) in Q0.31, for the barrel shifter's exponents -2..4. */
const BARREL: readonly (readonly [number, number])[] = [
  [-2, 1672461947],
  [-1, 1302514674],
  [0, 790015084],
  [1, 290630308],
  [2, 39332535],
  [3, 720401],
  [4, 242],
];

/**
 * exp(a) for a <= 0, a with `integerBits` integer bits (1..31), result in Q0.31. For more than 5
 * integer bits, values below -32 give 0, as in the source.
 */
export function expOnNegativeValues(a: number, integerBits: number): number {
  const fractionalBits = 31 - integerBits;
  const oneQuarter = 2 ** (fractionalBits - 2);
  const mask = oneQuarter - 1;
  const aModQuarterMinusOneQuarter = sub(a & mask, oneQuarter);
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(rescale(aModQuarterMinusOneQuarter, integerBits, 0));
  const remainder = sub(aModQuarterMinusOneQuarter, a);
  for (const [exponent, multiplier] of BARREL) {
    if (integerBits > exponent) {
      const shiftAmount = fractionalBits + exponent;
      if ((remainder & ((2 ** shiftAmount) | 0)) !== 0) result = srdhm(result, multiplier);
    }
  }
  if (integerBits > 5) {
    const clampRaw = -(2 ** (36 - integerBits));
    if (a < clampRaw) result = 0;
  }
  return a === 0 ? INT32_MAX : result;
}

/** 1 / (1 + a) for a in [0, 1) in Q0.31: Newton-Raphson in Q2.29, three iterations. */
export function oneOverOnePlusXForXIn01(a: number): number {
  // RoundingHalfSum(a, One): (a + b + sign) / 2 in int64, truncating.
  const sum = a + INT32_MAX;
  const halfDenominator = Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 2);
  const constant48Over17 = 1515870810;
  const constantNeg32Over17 = -1010580540;
  const oneQ2 = 1 << 29;
  let x = add(constant48Over17, srdhm(halfDenominator, constantNeg32Over17));
  for (let iteration = 0; iteration < 3; iteration += 1) {
    const halfDenominatorTimesX = srdhm(halfDenominator, x);
    const oneMinusHalfDenominatorTimesX = sub(oneQ2, halfDenominatorTimesX);
    // x * (1 - d x): Q2 * Q2 = Q4, rescaled to Q2.
    x = add(x, rescale(srdhm(x, oneMinusHalfDenominatorTimesX), 4, 2));
  }
  // ExactMulByPot<-1> (an arithmetic shift) then Rescale<0> from 2 integer bits.
  return rescale(x >> 1, 2, 0);
}

function countLeadingZeros32(x: number): number {
  return Math.clz32(x >>> 0);
}

/**
 * TFLite's GetReciprocal: 1/x for x > 0 with `integerBits` integer bits, as a Q0.31 value in
 * [1/2, 1] and the number of bits the reciprocal is shifted by (num_bits_over_unit).
 */
export function getReciprocal(x: number, integerBits: number): { raw: number; bitsOverUnit: number } {
  const headroomPlusOne = countLeadingZeros32(x);
  const bitsOverUnit = integerBits - headroomPlusOne;
  // (uint32(x) << headroom) - 2^31, reinterpreted as int32.
  const shiftedSumMinusOne = (((x >>> 0) * 2 ** headroomPlusOne - 2 ** 31) % 2 ** 32) | 0;
  return { raw: oneOverOnePlusXForXIn01(shiftedSumMinusOne), bitsOverUnit };
}
