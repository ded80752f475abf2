/**
 * npusim's requantization modes: the step that turns one accumulator (bias included) into one
 * output element, clamped to the output's range (type range intersected with the activation).
 * Library modes reproduce their library exactly and fix their own rounding; `hvx` and
 * `shift-only` are npusim's definitions (docs/numerics.md) and take the configured rounding.
 */
import { cmsisRequantize, requantizeS64 } from './cmsisnn.js';
import { srdhm } from './gemmlowp.js';
import { INT16, INT32, saturate } from './integers.js';
import { roundFloat, type RoundingMode, roundShiftRight } from './rounding.js';
import type { StochasticDraw } from './stochastic.js';
import { mbqm64, mbqmDouble, mbqmSingle, reduceMultiplier } from './tflite.js';

export const REQUANT_MODES = [
  'gemmlowp',
  'tflite-double',
  'tflite-single',
  'cmsis-nn',
  'cmsis-nn-single',
  'hvx',
  'ort-float',
  'shift-only',
] as const;
export type RequantMode = (typeof REQUANT_MODES)[number];

export function isRequantMode(name: string): name is RequantMode {
  return (REQUANT_MODES as readonly string[]).includes(name);
}

/** Where the result goes: its zero point and the clamp bounds (inside the output type's range). */
export interface RequantOutput {
  readonly zeroPoint: number;
  readonly min: number;
  readonly max: number;
}

export interface RequantResult {
  readonly value: number;
  /** The final clamp (or, for hvx, any saturation after the multiply) changed the value. */
  readonly clipped: boolean;
}

export type RequantParams =
  | {
      readonly mode: 'gemmlowp' | 'tflite-double' | 'tflite-single' | 'cmsis-nn' | 'cmsis-nn-single';
      readonly multiplier: number;
      readonly shift: number;
      /**
       * TFLite's 16x8 path (int16 activations, int8 weights): the int64 accumulator through the
       * int64 MultiplyByQuantizedMultiplier (CMSIS-NN: arm_nn_requantize_s64), multiplier reduced to 16 bits.
       */
      readonly wide?: boolean;
    }
  | { readonly mode: 'hvx'; readonly multiplier: number; readonly shift: number; readonly rounding: RoundingMode }
  | { readonly mode: 'ort-float'; readonly scale: number }
  | { readonly mode: 'shift-only'; readonly shift: number; readonly rounding: RoundingMode };

function clampToOutput(value: number, output: RequantOutput, alreadyClipped = false): RequantResult {
  if (value < output.min) return { value: output.min, clipped: true };
  if (value > output.max) return { value: output.max, clipped: true };
  return { value, clipped: alreadyClipped };
}

/** The modes whose only saturation is the final clamp (hvx also saturates inside its pipeline). */
export type ScaleOnlyParams = Exclude<RequantParams, { readonly mode: 'hvx' }>;

/**
 * The accumulator scaled to output units, before the zero point and the clamp:
 * - gemmlowp, tflite-double: RDBPOT(SRDHM(acc << left, m), right);
 * - tflite-single: acc*m / 2^(31-shift) rounded half up once;
 * - cmsis-nn*: arm_nn_requantize in its build;
 * - ort-float: rne(fl32(fl32(acc) * scale)); for integer bounds, clamping afterwards equals MLAS's
 *   clamp-in-float-then-round order;
 * - shift-only: a right shift with the configured rounding (a negative shift is an exact left
 *   shift), shift in -32..63.
 */
export function scaleAccumulator(acc: number, params: ScaleOnlyParams, draw?: StochasticDraw): number {
  switch (params.mode) {
    case 'gemmlowp':
    case 'tflite-double':
      return params.wide === true ? mbqm64(acc, params.multiplier, params.shift) : mbqmDouble(acc, params.multiplier, params.shift);
    case 'tflite-single':
      return params.wide === true ? mbqm64(acc, params.multiplier, params.shift) : mbqmSingle(acc, params.multiplier, params.shift);
    case 'cmsis-nn':
      return params.wide === true
        ? requantizeS64(acc, reduceMultiplier(params.multiplier), params.shift)
        : cmsisRequantize(acc, params.multiplier, params.shift, 'double');
    case 'cmsis-nn-single':
      return params.wide === true
        ? requantizeS64(acc, reduceMultiplier(params.multiplier), params.shift)
        : cmsisRequantize(acc, params.multiplier, params.shift, 'single');
    case 'ort-float':
      return roundFloat(Math.fround(Math.fround(acc) * params.scale), 'half-even');
    case 'shift-only': {
      const shift = params.shift;
      if (!Number.isInteger(shift) || shift < -32 || shift > 63) {
        throw new RangeError(`shift-only requantization shift must be in -32..63, got ${shift}`);
      }
      return shift >= 0 ? roundShiftRight(acc, shift, params.rounding, draw) : acc * 2 ** -shift;
    }
  }
}

/** Longest shift one vasr word-to-half narrowing performs (Rt & 15). */
const VASR_WORD_SHIFT = 15;

/**
 * npusim's HVX pipeline: saturating left shift to int32; Q31 rounding doubling multiply (vmpyo
 * :<<1:rnd:sat, = SRDHM); a word pre-shift with rounding when the right shift exceeds 15; vasr
 * word-to-half narrowing with the configured rounding and saturation; zp added with int16
 * saturation (vadd:sat); saturation to the output type and the activation clamp. Outputs up to
 * 8 bits, or signed 16 bits.
 */
export function requantHvx(
  acc: number,
  multiplier: number,
  shift: number,
  rounding: RoundingMode,
  output: RequantOutput,
  draw?: StochasticDraw,
): RequantResult {
  if (!Number.isInteger(shift) || shift < -31 || shift > 31) {
    throw new RangeError(`hvx requantization shift must be in -31..31, got ${shift}`);
  }
  const leftShift = Math.max(shift, 0);
  let rightShift = Math.max(-shift, 0);
  const word = saturate(acc * 2 ** leftShift, INT32).value;
  let product = srdhm(word, multiplier, 32);
  if (rightShift > VASR_WORD_SHIFT) {
    product = roundShiftRight(product, rightShift - VASR_WORD_SHIFT, rounding, draw);
    rightShift = VASR_WORD_SHIFT;
  }
  const narrowed = saturate(roundShiftRight(product, rightShift, rounding, draw), INT16);
  const withZeroPoint = saturate(narrowed.value + output.zeroPoint, INT16);
  return clampToOutput(withZeroPoint.value, output, narrowed.saturated || withZeroPoint.saturated);
}

/** One output element under any mode. */
export function requantize(acc: number, params: RequantParams, output: RequantOutput, draw?: StochasticDraw): RequantResult {
  if (params.mode === 'hvx') return requantHvx(acc, params.multiplier, params.shift, params.rounding, output, draw);
  return clampToOutput(scaleAccumulator(acc, params, draw) + output.zeroPoint, output);
}
