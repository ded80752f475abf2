/**
 * TFLite's integer MEAN (kernels/internal/reference/reduce.h, QuantizedMeanOrSum, with TFLite Micro's
 * Prepare in reduce_common.cc): the raw values summed over the reduced axes in int32, the input zero
 * point times the count taken off, then one MultiplyByQuantizedMultiplier whose multiplier from
 * s_in / s_out (double) absorbs 1/count: shift = min(floor(log2 count), 32, 31 + output_shift),
 * multiplier = (m << shift) / count truncated, output shift - shift; + zp, clamped to the type.
 */
import { mbqm, quantizeMultiplier, type TfliteBuild } from '../numeric/index.js';
import { type ClampRange, type ClipCounter, clampCounted } from './vector.js';

export interface MeanParams {
  readonly multiplier: number;
  readonly shift: number;
}

/** The multiplier and shift of a mean over `count` elements, from the input and output scales. */
export function meanParams(inputScale: number, outputScale: number, count: number, build: TfliteBuild): MeanParams {
  const { multiplier, shift: outputShift } = quantizeMultiplier(inputScale / outputScale, build);
  const log2 = count.toString(2).length - 1; // 63 - CountLeadingZeros(uint64 count)
  const shift = Math.min(log2, 32, 31 + outputShift);
  const scaled = (BigInt(multiplier) << BigInt(shift)) / BigInt(count);
  return { multiplier: Number(BigInt.asIntN(32, scaled)), shift: outputShift - shift };
}

/** Strides of a row-major shape. */
function strides(shape: readonly number[]): number[] {
  const result = new Array<number>(shape.length).fill(1);
  for (let axis = shape.length - 2; axis >= 0; axis -= 1) result[axis] = (result[axis + 1] as number) * (shape[axis + 1] as number);
  return result;
}

/** The mean over `axes` of a row-major tensor; the output has the kept axes in order. */
export function meanTflite(
  input: Int32Array,
  shape: readonly number[],
  axes: readonly number[],
  inputZeroPoint: number,
  outputZeroPoint: number,
  params: MeanParams,
  build: TfliteBuild,
  range: ClampRange,
  counter: ClipCounter,
): Int32Array {
  const reduced = new Set(axes);
  const kept = shape.map((_, axis) => axis).filter((axis) => !reduced.has(axis));
  const outputCount = kept.reduce((total, axis) => total * (shape[axis] as number), 1);
  const count = axes.reduce((total, axis) => total * (shape[axis] as number), 1);
  const inputStrides = strides(shape);
  const keptShape = kept.map((axis) => shape[axis] as number);
  const keptStrides = strides(keptShape);
  const sums = new Float64Array(outputCount);
  for (let index = 0; index < input.length; index += 1) {
    let target = 0;
    kept.forEach((axis, position) => {
      const coordinate = Math.floor(index / (inputStrides[axis] as number)) % (shape[axis] as number);
      target += coordinate * (keptStrides[position] as number);
    });
    // TFLite sums in int32; a sum that leaves it is outside TFLite's contract and wraps here.
    sums[target] = ((sums[target] as number) + (input[index] as number)) | 0;
  }
  const output = new Int32Array(outputCount);
  for (let index = 0; index < outputCount; index += 1) {
    const shifted = ((sums[index] as number) - inputZeroPoint * count) | 0;
    output[index] = clampCounted(mbqm(shifted, params.multiplier, params.shift, build) + outputZeroPoint, range, index, counter);
  }
  return output;
}
