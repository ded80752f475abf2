/**
 * onnxruntime's float-scale requantization (MLAS, core/mlas/lib/quantize.cpp): the one mode defined
 * by float arithmetic, reproduced with float32 operations exactly as MLAS performs them.
 * Math.fround of a product or quotient of two float32 values is the float32 result (a double
 * carries more than twice float32's precision, so the double rounding is harmless).
 */
import { roundFloat } from './rounding.js';

export type OrtOutputType = 'int8' | 'uint8';

export function ortOutputRange(type: OrtOutputType): { lo: number; hi: number } {
  return type === 'int8' ? { lo: -128, hi: 127 } : { lo: 0, hi: 255 };
}

/**
 * MlasRequantizeOutput for one element: f = fl32(fl32(acc) * scale), clamped in float to
 * [lo - zp, hi - zp], rounded half to even, plus zp. `scale` must be a float32 value.
 */
export function ortRequantFloat(accumulator: number, scale: number, zeroPoint: number, lo: number, hi: number): number {
  const scaled = Math.fround(Math.fround(accumulator) * scale);
  const clamped = Math.min(Math.max(scaled, lo - zeroPoint), hi - zeroPoint);
  return roundFloat(clamped, 'half-even') + zeroPoint;
}

/**
 * MlasQuantizeLinear for one element: clamp(round_half_even(fl32(x / scale)) + zp, lo, hi); it
 * divides by the scale (no reciprocal). Infinities saturate; NaN is rejected (MLAS leaves it undefined).
 */
export function ortQuantizeLinear(x: number, scale: number, zeroPoint: number, lo: number, hi: number): number {
  if (Number.isNaN(x)) throw new RangeError('QuantizeLinear of NaN is undefined in onnxruntime');
  const quotient = Math.fround(x / scale);
  const clamped = Math.min(Math.max(quotient, lo - zeroPoint), hi - zeroPoint);
  return roundFloat(clamped, 'half-even') + zeroPoint;
}

/**
 * QLinearGlobalAveragePool's float32 scale: fl32(s_in / fl32(s_out * fl32(H * W))), applied to
 * the sum of (x - zp) over the H x W taps.
 */
export function ortGlobalAveragePoolScale(inputScale: number, outputScale: number, area: number): number {
  return Math.fround(inputScale / Math.fround(outputScale * Math.fround(area)));
}
