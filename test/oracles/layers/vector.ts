/**
 * Reference vector-unit ops (docs/numerics.md, section 8): element-wise Add and pooling, written
 * from the ops x modes table with plain loops and BigInt, sharing no arithmetic with the engine.
 * Integer parameters (multipliers and shifts) come in as data, as in the reference convolution.
 * Every op ends the same way: the fused activation's bounds, then the output type; a value the type
 * cannot hold after the activation is clipping; a saturation inside the hvx pipeline is counted apart.
 */
import { refSrdhm } from '../numeric/gemmlowp.js';
import { refRequantHvx } from '../numeric/requant.js';
import { refRoundDivide, refRoundShiftRight } from '../numeric/rounding.js';
import { refMbqmSingle, refMbqmSmallerThanOneExp } from '../numeric/tflite.js';
import type { RefRoundingMode } from '../numeric/types.js';

export interface RefVectorOutput {
  bits: number;
  signed: boolean;
  zeroPoint: number;
  /** The fused activation's bounds in output integers (infinite where it has none). */
  activation: { low: number; high: number };
}

export interface RefVectorResult {
  output: number[];
  clipped: number;
  firstClipped: number | undefined;
  /** Saturations inside the hvx pipeline, counted apart from clipping. */
  saturated: number;
  firstSaturated: number | undefined;
}

export interface RefScaleStep {
  multiplier: number;
  shift: number;
}

export interface RefAddParams {
  leftShift: number;
  a: RefScaleStep;
  b: RefScaleStep;
  out: RefScaleStep;
}

/** Applies the activation, notes clipping, then saturates to the type (and the activation). */
function finisher(out: RefVectorOutput): {
  finish: (value: bigint, index: number, saturatedBefore?: boolean) => number;
  result: () => RefVectorResult;
} {
  const typeMin = out.signed ? -(2n ** BigInt(out.bits - 1)) : 0n;
  const typeMax = out.signed ? 2n ** BigInt(out.bits - 1) - 1n : 2n ** BigInt(out.bits) - 1n;
  const output: number[] = [];
  let clipped = 0;
  let firstClipped: number | undefined;
  let saturated = 0;
  let firstSaturated: number | undefined;
  const finish = (value: bigint, index: number, saturatedBefore = false): number => {
    if (saturatedBefore) {
      saturated++;
      if (firstSaturated === undefined) firstSaturated = index;
    }
    let activated = value;
    if (Number.isFinite(out.activation.low) && activated < BigInt(out.activation.low)) activated = BigInt(out.activation.low);
    if (Number.isFinite(out.activation.high) && activated > BigInt(out.activation.high)) activated = BigInt(out.activation.high);
    if (activated < typeMin || activated > typeMax) {
      clipped++;
      if (firstClipped === undefined) firstClipped = index;
    }
    const result = activated < typeMin ? typeMin : activated > typeMax ? typeMax : activated;
    output.push(Number(result));
    return Number(result);
  };
  return { finish, result: () => ({ output, clipped, firstClipped, saturated, firstSaturated }) };
}

/** TFLite's int8 Add in either build: (x - zp) << 20, each input rescaled, summed, rescaled out, + zp. */
export function refAddTflite(
  a: number[],
  za: number,
  b: number[],
  zb: number,
  params: RefAddParams,
  build: 'double' | 'single',
  out: RefVectorOutput,
): RefVectorResult {
  const { finish, result } = finisher(out);
  const scale = (x: bigint, step: RefScaleStep): bigint =>
    build === 'double'
      ? refMbqmSmallerThanOneExp(x, BigInt(step.multiplier), step.shift)
      : refMbqmSingle(x, BigInt(step.multiplier), step.shift);
  const shift = 2n ** BigInt(params.leftShift);
  for (let i = 0; i < a.length; i++) {
    const sum = scale((BigInt(a[i] ?? 0) - BigInt(za)) * shift, params.a) + scale((BigInt(b[i] ?? 0) - BigInt(zb)) * shift, params.b);
    finish(scale(sum, params.out) + BigInt(out.zeroPoint), i);
  }
  return result();
}

/** npusim's hvx Add: per input SRDHM then a rounded right shift; the exact sum; the hvx pipeline. */
export function refAddHvx(
  a: number[],
  za: number,
  b: number[],
  zb: number,
  params: RefAddParams,
  rounding: RefRoundingMode,
  out: RefVectorOutput,
): RefVectorResult {
  const { finish, result } = finisher(out);
  const shift = 2n ** BigInt(params.leftShift);
  const input = (x: number, zeroPoint: number, step: RefScaleStep): bigint =>
    refRoundShiftRight(refSrdhm((BigInt(x) - BigInt(zeroPoint)) * shift, BigInt(step.multiplier), 32), -step.shift, rounding);
  for (let i = 0; i < a.length; i++) {
    const sum = input(a[i] ?? 0, za, params.a) + input(b[i] ?? 0, zb, params.b);
    // The pipeline's own clamp is left wide open: the activation and the type come after it.
    const piped = refRequantHvx(sum, BigInt(params.out.multiplier), params.out.shift, rounding, {
      bits: 16,
      signed: true,
      zeroPoint: BigInt(out.zeroPoint),
    });
    finish(piped.value, i, piped.clipped);
  }
  return result();
}

/** npusim's shift-only Add: exact alignment to the finer exponent, one rounded shift to the output's. */
export function refAddShiftOnly(
  a: number[],
  za: number,
  exponentA: number,
  b: number[],
  zb: number,
  exponentB: number,
  outputExponent: number,
  shiftBias: number,
  rounding: RefRoundingMode,
  out: RefVectorOutput,
): RefVectorResult {
  const { finish, result } = finisher(out);
  const finer = Math.min(exponentA, exponentB);
  const shift = outputExponent - finer + shiftBias;
  for (let i = 0; i < a.length; i++) {
    const sum =
      (BigInt(a[i] ?? 0) - BigInt(za)) * 2n ** BigInt(exponentA - finer) +
      (BigInt(b[i] ?? 0) - BigInt(zb)) * 2n ** BigInt(exponentB - finer);
    const scaled = shift >= 0 ? refRoundShiftRight(sum, shift, rounding) : sum * 2n ** BigInt(-shift);
    finish(scaled + BigInt(out.zeroPoint), i);
  }
  return result();
}

export interface RefPoolShape {
  height: number;
  width: number;
  channels: number;
  outHeight: number;
  outWidth: number;
  filter: [number, number];
  stride: [number, number];
  padTop: number;
  padLeft: number;
}

/** The values of the window's taps inside the image, for output (oh, ow, c) of a batch-1 NHWC tensor. */
function windowTaps(s: RefPoolShape, input: number[], oh: number, ow: number, c: number): bigint[] {
  const taps: bigint[] = [];
  for (let fh = 0; fh < s.filter[0]; fh++) {
    for (let fw = 0; fw < s.filter[1]; fw++) {
      const ih = oh * s.stride[0] - s.padTop + fh;
      const iw = ow * s.stride[1] - s.padLeft + fw;
      if (ih >= 0 && ih < s.height && iw >= 0 && iw < s.width) taps.push(BigInt(input[(ih * s.width + iw) * s.channels + c] ?? 0));
    }
  }
  return taps;
}

function eachOutput(s: RefPoolShape, visit: (oh: number, ow: number, c: number, index: number) => void): void {
  for (let oh = 0; oh < s.outHeight; oh++)
    for (let ow = 0; ow < s.outWidth; ow++) for (let c = 0; c < s.channels; c++) visit(oh, ow, c, (oh * s.outWidth + ow) * s.channels + c);
}

/** Max over the taps inside the image; a window of padding only gives the type minimum. */
export function refMaxPool(s: RefPoolShape, input: number[], out: RefVectorOutput): RefVectorResult {
  const { finish, result } = finisher(out);
  const typeMin = out.signed ? -(2n ** BigInt(out.bits - 1)) : 0n;
  eachOutput(s, (oh, ow, c, index) => {
    const taps = windowTaps(s, input, oh, ow, c);
    finish(taps.length === 0 ? typeMin : taps.reduce((m, x) => (x > m ? x : m)), index);
  });
  return result();
}

/** TFLite: the raw values summed, divided by the tap count, rounded half away from zero. */
export function refAvgPoolTflite(s: RefPoolShape, input: number[], out: RefVectorOutput): RefVectorResult {
  const { finish, result } = finisher(out);
  eachOutput(s, (oh, ow, c, index) => {
    const taps = windowTaps(s, input, oh, ow, c);
    const sum = taps.reduce((total, x) => total + x, 0n);
    finish(refRoundDivide(sum, BigInt(taps.length), 'half-away'), index);
  });
  return result();
}

/** npusim's hvx and shift-only pooling: the centred sum divided with the configured rounding, + zp. */
export function refAvgPoolRounded(
  s: RefPoolShape,
  input: number[],
  zeroPoint: number,
  rounding: RefRoundingMode,
  out: RefVectorOutput,
): RefVectorResult {
  const { finish, result } = finisher(out);
  eachOutput(s, (oh, ow, c, index) => {
    const taps = windowTaps(s, input, oh, ow, c);
    const sum = taps.reduce((total, x) => total + x - BigInt(zeroPoint), 0n);
    finish(refRoundDivide(sum, BigInt(taps.length), rounding) + BigInt(zeroPoint), index);
  });
  return result();
}
