/**
 * The domain of each requantization mode: which real multipliers (or float32 scales, or shifts) a
 * mode's Prepare step and its kernel can apply exactly, from the libraries' contracts
 * (docs/numerics.md, sections 4, 5, 7, 8). Validation asks these before a run, so that a run
 * never meets a shift its arithmetic refuses. Each check returns undefined when the value is
 * inside the domain, or the domain in words.
 *
 * What lies outside and why:
 * - gemmlowp, tflite-double, cmsis-nn: QuantizeMultiplier leaves a shift above 30 alone and the
 *   kernel's int32 left shift by 31 or more is outside the contract (undefined in C): effective
 *   scales from about 2^30 up. Below 2^-32 QuantizeMultiplier flushes to (0, 0); that is exact,
 *   since |acc| <= 2^31 (the accumulator is saturated to int32 first) makes |acc * M| < 1/2,
 *   which rounds to 0 as the flushed multiplier gives.
 * - tflite-single, cmsis-nn-single: QuantizeMultiplier saturates a shift above 30 to
 *   (2^31 - 1, 30); exact too, since any non-zero accumulator times a multiplier of 2^30 or more
 *   leaves every output type (at most 16 bits), with the saturated multiplier as without it.
 * - hvx: the pipeline saturates its left shift, so shifts up to 31 work: scales below 2^31.
 * - ort-float: a float32 scale; fl32(acc) * scale must stay finite for every accumulator.
 * - shift-only: shifts -32..63 (scaleAccumulator).
 */
import type { RequantMode } from './requant.js';
import { quantizeMultiplier, type TfliteBuild } from './tflite.js';

/** Largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** The build (rounding flavour) of QuantizeMultiplier each scale-based mode uses. */
export function multiplierBuild(mode: RequantMode): TfliteBuild {
  return mode === 'tflite-single' || mode === 'cmsis-nn-single' ? 'single' : 'double';
}

/**
 * The real multiplier of a library-mode layer, as TFLite's Prepare computes it: s_in * s_w / s_out
 * in double, except TFLM's per-tensor fully connected, which multiplies the two scales in float32.
 */
export function layerMultiplier(inputScale: number, weightScale: number, outputScale: number, float32Product: boolean): number {
  return float32Product ? Math.fround(inputScale * weightScale) / outputScale : (inputScale * weightScale) / outputScale;
}

/** onnxruntime's float32 effective scale of a QLinearConv / QLinearMatMul output. */
export function ortLayerScale(inputScale: number, weightScale: number, outputScale: number): number {
  return Math.fround(Math.fround(inputScale * weightScale) / outputScale);
}

/** The largest shift of the Q0.31 multiplier each scale-based mode's kernel accepts. */
const MAX_MULTIPLIER_SHIFT: Partial<Record<RequantMode, number>> = {
  gemmlowp: 30,
  'tflite-double': 30,
  'cmsis-nn': 30,
  hvx: 31,
};

/** Shifts the shift-only mode applies (scaleAccumulator). */
export const SHIFT_ONLY_SHIFTS = { min: -32, max: 63 } as const;

/**
 * Whether a layer's real multiplier (scale-based modes other than ort-float) lies in the mode's
 * domain; undefined when it does, the domain in words when it does not.
 */
export function multiplierOutsideDomain(mode: RequantMode, real: number): string | undefined {
  if (!Number.isFinite(real) || real <= 0) return 'a finite positive multiplier';
  const maxShift = MAX_MULTIPLIER_SHIFT[mode];
  if (maxShift === undefined) return undefined;
  const { shift } = quantizeMultiplier(real, multiplierBuild(mode));
  return shift <= maxShift ? undefined : `a multiplier below 2^31 with a shift of -31..${maxShift}: effective scales below 2^${maxShift}`;
}

/**
 * Whether onnxruntime's float32 scale keeps fl32(acc) * scale finite for every accumulator of
 * `accumulatorBits` bits (|acc| <= 2^(bits-1)); the float path has no other limit.
 */
export function ortScaleOutsideDomain(scale: number, accumulatorBits: number): string | undefined {
  if (Number.isFinite(scale) && scale >= 0 && scale * 2 ** (accumulatorBits - 1) <= FLOAT32_MAX) return undefined;
  return `a float32 scale whose product with any ${accumulatorBits}-bit accumulator stays below float32's maximum 3.4e38: scales up to 2^${129 - accumulatorBits}`;
}

export function shiftOutsideDomain(shift: number): string | undefined {
  return shift >= SHIFT_ONLY_SHIFTS.min && shift <= SHIFT_ONLY_SHIFTS.max
    ? undefined
    : `shifts of ${SHIFT_ONLY_SHIFTS.min}..${SHIFT_ONLY_SHIFTS.max}`;
}

/**
 * TFLite's Add (also CMSIS-NN's, through TFLM): Prepare quantizes the output multiplier
 * 2 max(s_a, s_b) / (2^20 s_out) with QuantizeMultiplierSmallerThanOneExp, which requires a
 * shift of at most 0 (a multiplier below 1); the input multipliers are at most 1/2 by construction.
 */
export function tfliteAddOutsideDomain(outputMultiplier: number, build: TfliteBuild): string | undefined {
  if (Number.isFinite(outputMultiplier) && outputMultiplier > 0 && quantizeMultiplier(outputMultiplier, build).shift <= 0) return undefined;
  return "an output multiplier 2 max(s_a, s_b) / (2^20 s_out) below 1 (TFLite's Add Prepare: QuantizeMultiplierSmallerThanOneExp)";
}

/** npusim's hvx Add requantizes its sum with the hvx pipeline: an output multiplier below 2^31. */
export function hvxAddOutsideDomain(outputMultiplier: number): string | undefined {
  if (Number.isFinite(outputMultiplier) && outputMultiplier > 0 && quantizeMultiplier(outputMultiplier, 'double').shift <= 31)
    return undefined;
  return 'an output multiplier 2 max(s_a, s_b) / (2^20 s_out) below 2^31 (the hvx pipeline shifts by -31..31)';
}

/**
 * onnxruntime's QLinearAdd: x_a * fl32(s_a/s_out) + x_b * fl32(s_b/s_out) + a fixed part, in
 * float32, must stay finite for 8-bit inputs and zero points (|x|, |zp| <= 255).
 */
export function ortAddOutsideDomain(ratioA: number, ratioB: number): string | undefined {
  const largest = 510 * ratioA + 510 * ratioB + 255;
  if (Number.isFinite(ratioA) && Number.isFinite(ratioB) && largest <= FLOAT32_MAX) return undefined;
  return "float32 ratios s_a / s_out and s_b / s_out that keep QLinearAdd's sums below float32's maximum 3.4e38";
}
