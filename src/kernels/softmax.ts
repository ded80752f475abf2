/**
 * TFLite's int8 softmax (kernels/internal/reference/softmax.h with the parameters of TFLite Micro's
 * CalculateSoftmaxParams, softmax_common.cc): per row of the last axis, the differences to the
 * row's maximum are rescaled to Q5.26 by a multiplier from beta * s_in, exponentiated with gemmlowp's
 * fixed-point exp, summed in Q12.19, and each exp is multiplied by the sum's fixed-point reciprocal
 * and shifted to the output (scale 1/256, zero point -128). Differences below diff_min give -128.
 */
import {
  expOnNegativeValues,
  getReciprocal,
  mbqmGreaterThanOne,
  mbqmSingle,
  quantizeMultiplier,
  rdbpot,
  srdhm,
  type TfliteBuild,
} from '../numeric/index.js';

const SCALED_DIFF_INTEGER_BITS = 5;
const ACCUMULATION_INTEGER_BITS = 12;

export interface SoftmaxParams {
  readonly inputMultiplier: number;
  readonly inputLeftShift: number;
  /** The smallest difference to the row maximum that contributes (negative). */
  readonly diffMin: number;
  readonly build: TfliteBuild;
}

/**
 * PreprocessSoftmaxScaling and CalculateInputRadius (quantization_util.cc): the real multiplier
 * beta * s_in * 2^26 in double, capped at 2^31 - 1 (2^30 - 1 in the single-rounding build), then
 * QuantizeMultiplierGreaterThanOne; diff_min = -floor(31 * 2^26 / 2^left_shift).
 */
export function softmaxParams(beta: number, inputScale: number, build: TfliteBuild): SoftmaxParams {
  const maxRealMultiplier = build === 'single' ? 2 ** 30 - 1 : 2 ** 31 - 1;
  const real = Math.min(beta * inputScale * 2 ** (31 - SCALED_DIFF_INTEGER_BITS), maxRealMultiplier);
  const { multiplier, shift } = quantizeMultiplier(real, build);
  if (shift < 0) throw new RangeError(`softmax input multiplier ${real} is below one (beta * scale too small)`);
  const radius = Math.floor((((1 << SCALED_DIFF_INTEGER_BITS) - 1) * 2 ** (31 - SCALED_DIFF_INTEGER_BITS)) / 2 ** shift);
  return { inputMultiplier: multiplier, inputLeftShift: shift, diffMin: -radius, build };
}

/** MultiplyByQuantizedMultiplierGreaterThanOne in the build's rounding. */
function scaleDiff(diff: number, params: SoftmaxParams): number {
  return params.build === 'double'
    ? mbqmGreaterThanOne(diff, params.inputMultiplier, params.inputLeftShift)
    : mbqmSingle(diff, params.inputMultiplier, params.inputLeftShift);
}

/** int8 softmax along the last axis of rows of `depth` values; output int8 in [-128, 127]. */
export function softmaxInt8(input: Int32Array, depth: number, params: SoftmaxParams): Int32Array {
  const output = new Int32Array(input.length);
  const exps = new Int32Array(depth);
  for (let row = 0; row * depth < input.length; row += 1) {
    const base = row * depth;
    let max = -128;
    for (let c = 0; c < depth; c += 1) max = Math.max(max, input[base + c] as number);
    let sumOfExps = 0;
    for (let c = 0; c < depth; c += 1) {
      const diff = (input[base + c] as number) - max;
      if (diff >= params.diffMin) {
        const exp = expOnNegativeValues(scaleDiff(diff, params), SCALED_DIFF_INTEGER_BITS);
        exps[c] = exp;
        sumOfExps = (sumOfExps + rdbpot(exp, ACCUMULATION_INTEGER_BITS)) | 0;
      }
    }
    const { raw: shiftedScale, bitsOverUnit } = getReciprocal(sumOfExps, ACCUMULATION_INTEGER_BITS);
    const exponent = bitsOverUnit + 31 - 8;
    if (exponent < 0 || exponent > 31) throw new RangeError(`softmax output exponent ${exponent} outside 0..31`);
    for (let c = 0; c < depth; c += 1) {
      const diff = (input[base + c] as number) - max;
      if (diff >= params.diffMin) {
        const unsaturated = rdbpot(srdhm(shiftedScale, exps[c] as number), exponent);
        const shifted = unsaturated - 128;
        output[base + c] = shifted < -128 ? -128 : shifted > 127 ? 127 : shifted;
      } else {
        output[base + c] = -128;
      }
    }
  }
  return output;
}
