/**
 * The vector unit's ops under every requantization mode (docs/numerics.md, section 8, the ops x
 * modes table). Library modes compute each op exactly as the library's reference kernel does:
 * TFLite's int8 Add (left shift 20, three roundings), average pooling's rounded division over the
 * valid taps, max pooling, and onnxruntime's QLinearAdd (AVX2 + FMA path), QLinearGlobalAveragePool
 * and MaxPool. The hvx and shift-only modes use npusim's own definitions, with the configured
 * rounding.
 */
import {
  mbqmSingle,
  mbqmSmallerThanOneExp,
  ortGlobalAveragePoolScale,
  ortRequantFloat,
  quantizeMultiplier,
  requantHvx,
  roundDivide,
  type RoundingMode,
  roundFloat,
  roundShiftRight,
  srdhm,
  type StochasticSite,
} from '../numeric/index.js';
import { type PoolGeometry, windowTaps } from '../graph/geometry.js';
import { fusedMultiplyAddFloat32 } from './float32.js';

export type { PoolGeometry };

export interface ClampRange {
  readonly min: number;
  readonly max: number;
}

/**
 * Output clipping: after the fused activation (relu, relu6, clamp: the activation working, not
 * clipping), a result that still lies outside the output type's range and is saturated to it.
 */
export interface ClipCounter {
  readonly typeMin: number;
  readonly typeMax: number;
  /** The activation's bounds in output integers, before intersecting with the type range. */
  readonly activationLow: number;
  readonly activationHigh: number;
  clipped: number;
  firstClipped: number | undefined;
  /** Saturations inside an HVX pipeline before the output (npusim's hvx Add). */
  saturated: number;
  firstSaturated: number | undefined;
}

export function clipCounter(
  typeRange: ClampRange,
  activation: { readonly low: number; readonly high: number } = { low: -Infinity, high: Infinity },
): ClipCounter {
  return {
    typeMin: typeRange.min,
    typeMax: typeRange.max,
    activationLow: activation.low,
    activationHigh: activation.high,
    clipped: 0,
    firstClipped: undefined,
    saturated: 0,
    firstSaturated: undefined,
  };
}

/** Applies the activation, counts a result the type cannot hold, and clamps to the final range. */
export function clampCounted(value: number, range: ClampRange, index: number, counter: ClipCounter, saturatedBefore = false): number {
  if (saturatedBefore) {
    counter.saturated += 1;
    if (counter.firstSaturated === undefined) counter.firstSaturated = index;
  }
  const activated = value < counter.activationLow ? counter.activationLow : value > counter.activationHigh ? counter.activationHigh : value;
  if (activated < counter.typeMin || activated > counter.typeMax) {
    counter.clipped += 1;
    if (counter.firstClipped === undefined) counter.firstClipped = index;
  }
  return value < range.min ? range.min : value > range.max ? range.max : value;
}

export interface AddOperand {
  readonly data: Int32Array;
  readonly scale: number;
  readonly zeroPoint: number;
}

export const TFLITE_ADD_LEFT_SHIFT = 20;

/** Multiplier and shift of one rescaling step (QuantizeMultiplier's pair). */
export interface ScaleStep {
  readonly multiplier: number;
  readonly shift: number;
}

/** The integer parameters of TFLite's Add structure, which hvx keeps: both inputs to twice the larger scale. */
export interface AddParams {
  readonly leftShift: number;
  readonly a: ScaleStep;
  readonly b: ScaleStep;
  readonly out: ScaleStep;
}

/** TFLite's int16 Add (TFLite Micro's general-scale path) shifts by 15 instead of 20. */
export const TFLITE_ADD16_LEFT_SHIFT = 15;

/**
 * TFLite's Prepare for Add (also npusim's hvx Add): multipliers of s_a/2max, s_b/2max and
 * 2max/(2^leftShift s_out); leftShift is 20 for int8 and 15 for int16.
 */
export function addParams(
  scaleA: number,
  scaleB: number,
  outputScale: number,
  build: 'double' | 'single',
  leftShift: number = TFLITE_ADD_LEFT_SHIFT,
): AddParams {
  const twiceMax = 2 * Math.max(scaleA, scaleB);
  return {
    leftShift,
    a: quantizeMultiplier(scaleA / twiceMax, build),
    b: quantizeMultiplier(scaleB / twiceMax, build),
    out: quantizeMultiplier(twiceMax / (2 ** leftShift * outputScale), build),
  };
}

/**
 * TFLite's int8 Add (and, with leftShift 15, its int16 Add as TFLite Micro runs it: AddGeneralParamScale,
 * the same AddElementwise): both inputs rescaled to twice the larger input scale, summed, rescaled out.
 */
export function addTflite(
  a: AddOperand,
  b: AddOperand,
  outputScale: number,
  outputZeroPoint: number,
  range: ClampRange,
  build: 'double' | 'single',
  counter: ClipCounter,
  leftShiftBits: number = TFLITE_ADD_LEFT_SHIFT,
): Int32Array {
  const { leftShift, a: inA, b: inB, out } = addParams(a.scale, b.scale, outputScale, build, leftShiftBits);
  const scale = (x: number, m: number, shift: number): number =>
    build === 'double' ? mbqmSmallerThanOneExp(x, m, shift) : mbqmSingle(x, m, shift);
  const result = new Int32Array(a.data.length);
  for (let index = 0; index < result.length; index += 1) {
    const shiftedA = ((a.data[index] ?? 0) - a.zeroPoint) * 2 ** leftShift;
    const shiftedB = ((b.data[index] ?? 0) - b.zeroPoint) * 2 ** leftShift;
    const sum = scale(shiftedA, inA.multiplier, inA.shift) + scale(shiftedB, inB.multiplier, inB.shift);
    result[index] = clampCounted(scale(sum, out.multiplier, out.shift) + outputZeroPoint, range, index, counter);
  }
  return result;
}

/** Where stochastic rounding draws for one op: a site per rounding point, the element index as counter. */
export interface AddDraws {
  readonly a: StochasticSite;
  readonly b: StochasticSite;
  readonly out: StochasticSite;
}

/**
 * npusim's hvx Add: TFLite's structure built from HVX primitives with the configured rounding.
 * Each input (x - zp) << 20 goes through vmpyo (SRDHM, Q31) and a vasr right shift rounded with the
 * configured mode; the two int32 words add exactly (|each| < 2^29); the sum goes through the hvx
 * requantization pipeline (saturating left shift, SRDHM, vasr narrowing with int16 saturation,
 * + zp with int16 saturation), whose saturations are counted as vector saturation.
 */
export function addHvx(
  a: AddOperand,
  b: AddOperand,
  params: AddParams,
  outputZeroPoint: number,
  range: ClampRange,
  rounding: RoundingMode,
  counter: ClipCounter,
  draws?: AddDraws,
): Int32Array {
  const unbounded = { zeroPoint: outputZeroPoint, min: -(2 ** 53), max: 2 ** 53 };
  const result = new Int32Array(a.data.length);
  for (let index = 0; index < result.length; index += 1) {
    const input = (operand: AddOperand, step: ScaleStep, site: StochasticSite | undefined): number =>
      roundShiftRight(
        srdhm(((operand.data[index] ?? 0) - operand.zeroPoint) * 2 ** params.leftShift, step.multiplier),
        -step.shift,
        rounding,
        site === undefined ? undefined : { site, counter: index },
      );
    const sum = input(a, params.a, draws?.a) + input(b, params.b, draws?.b);
    const out = requantHvx(
      sum,
      params.out.multiplier,
      params.out.shift,
      rounding,
      unbounded,
      draws === undefined ? undefined : { site: draws.out, counter: index },
    );
    result[index] = clampCounted(out.value, range, index, counter, out.clipped);
  }
  return result;
}

/** A dynamic fixed point operand: value = (x - zp) * 2^exponent. */
export interface FixedPointOperand {
  readonly data: Int32Array;
  readonly zeroPoint: number;
  readonly exponent: number;
}

/**
 * npusim's shift-only Add (dynamic fixed point): both inputs aligned exactly to the finer of their
 * two scales (a left shift), summed exactly, then one right shift to the output's scale with the
 * configured rounding (a left shift when the output is finer), + zp, then the activation and the
 * type's clamp. `shiftBias` (S-DFP) is added to that final shift, as to every shift-only shift.
 */
export function addShiftOnly(
  a: FixedPointOperand,
  b: FixedPointOperand,
  output: { readonly zeroPoint: number; readonly exponent: number },
  shiftBias: number,
  range: ClampRange,
  rounding: RoundingMode,
  counter: ClipCounter,
  site?: StochasticSite,
): Int32Array {
  const finer = Math.min(a.exponent, b.exponent);
  const shift = output.exponent - finer + shiftBias;
  const result = new Int32Array(a.data.length);
  for (let index = 0; index < result.length; index += 1) {
    const sum =
      ((a.data[index] ?? 0) - a.zeroPoint) * 2 ** (a.exponent - finer) + ((b.data[index] ?? 0) - b.zeroPoint) * 2 ** (b.exponent - finer);
    const scaled =
      shift >= 0 ? roundShiftRight(sum, shift, rounding, site === undefined ? undefined : { site, counter: index }) : sum * 2 ** -shift;
    result[index] = clampCounted(scaled + output.zeroPoint, range, index, counter);
  }
  return result;
}

/** onnxruntime's QLinearAdd on x64 with AVX2 and FMA: float32 FMAs on the raw values, rounded half to even. */
export function addOrt(
  a: AddOperand,
  b: AddOperand,
  outputScale: number,
  outputZeroPoint: number,
  range: ClampRange,
  counter: ClipCounter,
): Int32Array {
  const ratioA = Math.fround(a.scale / outputScale);
  const ratioB = Math.fround(b.scale / outputScale);
  const fixedPart = Math.fround(outputZeroPoint - fusedMultiplyAddFloat32(ratioA, a.zeroPoint, Math.fround(ratioB * b.zeroPoint)));
  const result = new Int32Array(a.data.length);
  for (let index = 0; index < result.length; index += 1) {
    const value = fusedMultiplyAddFloat32(a.data[index] ?? 0, ratioA, fusedMultiplyAddFloat32(b.data[index] ?? 0, ratioB, fixedPart));
    // Round half to even, then saturate: the bounds are integers, so clamping first gives the same result.
    result[index] = clampCounted(roundFloat(value, 'half-even'), range, index, counter);
  }
  return result;
}

/** Visits the valid taps of every output window: reduce(values, count) gives the output. */
function pool(g: PoolGeometry, input: Int32Array, reduce: (taps: number[], outputIndex: number) => number): Int32Array {
  const result = new Int32Array(g.batch * g.outHeight * g.outWidth * g.channels);
  const bases = new Int32Array(g.filterHeight * g.filterWidth);
  const taps: number[] = [];
  for (let n = 0; n < g.batch; n += 1) {
    for (let oh = 0; oh < g.outHeight; oh += 1) {
      for (let ow = 0; ow < g.outWidth; ow += 1) {
        const count = windowTaps(g, n, oh, ow, bases);
        for (let c = 0; c < g.channels; c += 1) {
          taps.length = 0;
          for (let tap = 0; tap < count; tap += 1) taps.push(input[(bases[tap] as number) + c] ?? 0);
          const outputIndex = ((n * g.outHeight + oh) * g.outWidth + ow) * g.channels + c;
          result[outputIndex] = reduce(taps, outputIndex);
        }
      }
    }
  }
  return result;
}

/** Max over the valid taps, clamped; a window of padding only gives the type minimum (onnxruntime). */
export function maxPool(g: PoolGeometry, input: Int32Array, range: ClampRange, typeMin: number, counter: ClipCounter): Int32Array {
  const result = new Int32Array(g.batch * g.outHeight * g.outWidth * g.channels);
  const channels = g.channels;
  const bases = new Int32Array(g.filterHeight * g.filterWidth);
  // Channels innermost: a pixel's window is read once for all of them; outputs are clamped (and
  // their events counted) in index order, as the reduction over each window's taps is order-free.
  const largest = new Int32Array(channels);
  for (let n = 0; n < g.batch; n += 1) {
    for (let oh = 0; oh < g.outHeight; oh += 1) {
      for (let ow = 0; ow < g.outWidth; ow += 1) {
        const taps = windowTaps(g, n, oh, ow, bases);
        for (let tap = 0; tap < taps; tap += 1) {
          const base = bases[tap] as number;
          if (tap === 0) largest.set(input.subarray(base, base + channels));
          else
            for (let c = 0; c < channels; c += 1) {
              const value = input[base + c] as number;
              if (value > (largest[c] as number)) largest[c] = value;
            }
        }
        const outBase = ((n * g.outHeight + oh) * g.outWidth + ow) * channels;
        for (let c = 0; c < channels; c += 1)
          // A window of padding only gives the type minimum (onnxruntime).
          result[outBase + c] = taps === 0 ? typeMin : clampCounted(largest[c] as number, range, outBase + c, counter);
      }
    }
  }
  return result;
}

/**
 * TFLite's int8 average pooling: the raw values summed over the valid taps and divided by their
 * number with C's truncating division after adding half the count away from zero.
 */
export function avgPoolTflite(g: PoolGeometry, input: Int32Array, range: ClampRange, counter: ClipCounter): Int32Array {
  return pool(g, input, (taps, index) => {
    const count = taps.length;
    const sum = taps.reduce((total, value) => total + value, 0);
    const half = Math.trunc(count / 2);
    const average = sum > 0 ? Math.trunc((sum + half) / count) : Math.trunc((sum - half) / count);
    return clampCounted(average, range, index, counter);
  });
}

/**
 * npusim's average pooling for hvx and shift-only: the centred values (x - zp) summed over the valid
 * taps, divided by their number with the configured rounding, + zp. Centring first keeps the
 * sign-dependent modes (trunc, half-away) symmetric about the real zero; TFLite sums raw values.
 */
export function avgPoolRounded(
  g: PoolGeometry,
  input: Int32Array,
  zeroPoint: number,
  rounding: RoundingMode,
  range: ClampRange,
  counter: ClipCounter,
  site?: StochasticSite,
): Int32Array {
  return pool(g, input, (taps, index) => {
    const sum = taps.reduce((total, value) => total + value - zeroPoint, 0);
    const average = roundDivide(sum, taps.length, rounding, site === undefined ? undefined : { site, counter: index });
    return clampCounted(average + zeroPoint, range, index, counter);
  });
}

/**
 * onnxruntime's QLinearGlobalAveragePool: acc = sum of (x - zx) over H x W, requantized with the
 * float32 scale f32(s_in / f32(s_out * f32(H * W))).
 */
export function globalAvgPoolOrt(
  g: PoolGeometry,
  input: Int32Array,
  inputScale: number,
  inputZeroPoint: number,
  outputScale: number,
  outputZeroPoint: number,
  range: ClampRange,
  counter: ClipCounter,
): Int32Array {
  const area = g.inHeight * g.inWidth;
  const scale = ortGlobalAveragePoolScale(inputScale, outputScale, area);
  return pool(g, input, (taps, index) => {
    const acc = taps.reduce((total, value) => total + value - inputZeroPoint, 0);
    return clampCounted(ortRequantFloat(acc, scale, outputZeroPoint, -(2 ** 31), 2 ** 31 - 1), range, index, counter);
  });
}
