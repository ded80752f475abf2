/**
 * Reference of onnxruntime's windowed QLinearAveragePool and QLinearConcat (docs/numerics.md,
 * section 8), written from onnxruntime's sources with float32 arithmetic emulated exactly on
 * rationals (test/oracles/numeric/float.ts: no Math.fround) and plain loops over NHWC tensors.
 */
import { clampBig } from '../numeric/bigmath.js';
import { divExt, type ExtReal, finite, intToFloat32, mulExt, rneExt, roundToFloat32 } from '../numeric/float.js';
import { checkFloat32 } from '../numeric/ort.js';
import type { RefVectorOutput, RefVectorResult } from './vector.js';

function addExt(a: ExtReal, b: ExtReal): ExtReal {
  if (a.kind !== 'finite' || b.kind !== 'finite') throw new RangeError('the reference adds finite values only');
  return finite(a.n * b.d + b.n * a.d, a.d * b.d);
}

function typeBounds(out: RefVectorOutput): { min: bigint; max: bigint } {
  return out.signed
    ? { min: -(2n ** BigInt(out.bits - 1)), max: 2n ** BigInt(out.bits - 1) - 1n }
    : { min: 0n, max: 2n ** BigInt(out.bits) - 1n };
}

/** Activation, clipping count, saturation: the ending every vector op shares. */
function finish(values: bigint[], out: RefVectorOutput): RefVectorResult {
  const { min, max } = typeBounds(out);
  let clipped = 0;
  let firstClipped: number | undefined;
  const output = values.map((value, index) => {
    let activated = value;
    if (Number.isFinite(out.activation.low) && activated < BigInt(out.activation.low)) activated = BigInt(out.activation.low);
    if (Number.isFinite(out.activation.high) && activated > BigInt(out.activation.high)) activated = BigInt(out.activation.high);
    if (activated < min || activated > max) {
      clipped += 1;
      firstClipped ??= index;
    }
    return Number(clampBig(activated, min, max));
  });
  return { output, clipped, firstClipped, saturated: 0, firstSaturated: undefined };
}

export interface RefOrtPoolShape {
  batch: number;
  height: number;
  width: number;
  channels: number;
  filter: [number, number];
  stride: [number, number];
  padTop: number;
  padLeft: number;
  outHeight: number;
  outWidth: number;
}

/**
 * QLinearAveragePool with count_include_pad = 0: dequantized taps f32(s_in * (x - zp)), summed in
 * float32 rows first, divided by the valid taps in float32, then nearbyintf(f32(f32(avg / s_out) + zp)).
 */
export function refAvgPoolOrtWindowed(
  s: RefOrtPoolShape,
  input: number[],
  inputScale: number,
  inputZeroPoint: number,
  outputScale: number,
  out: RefVectorOutput,
): RefVectorResult {
  const sIn = checkFloat32('s_in', inputScale);
  const sOut = checkFloat32('s_out', outputScale);
  const values: bigint[] = [];
  for (let n = 0; n < s.batch; n++)
    for (let oh = 0; oh < s.outHeight; oh++)
      for (let ow = 0; ow < s.outWidth; ow++)
        for (let c = 0; c < s.channels; c++) {
          let sum: ExtReal = finite(0n);
          let taps = 0n;
          const hStart = Math.max(oh * s.stride[0] - s.padTop, 0);
          const hEnd = Math.min(oh * s.stride[0] - s.padTop + s.filter[0], s.height);
          const wStart = Math.max(ow * s.stride[1] - s.padLeft, 0);
          const wEnd = Math.min(ow * s.stride[1] - s.padLeft + s.filter[1], s.width);
          for (let h = hStart; h < hEnd; h++)
            for (let w = wStart; w < wEnd; w++) {
              const x = BigInt(input[((n * s.height + h) * s.width + w) * s.channels + c] as number);
              const dequantized = roundToFloat32(mulExt(sIn, intToFloat32(x - BigInt(inputZeroPoint))));
              sum = roundToFloat32(addExt(sum, dequantized));
              taps += 1n;
            }
          const average = roundToFloat32(divExt(sum, intToFloat32(taps)));
          const shifted = roundToFloat32(addExt(roundToFloat32(divExt(average, sOut)), intToFloat32(BigInt(out.zeroPoint))));
          const rounded = rneExt(shifted);
          if (typeof rounded !== 'bigint') throw new RangeError('an infinite average');
          values.push(rounded);
        }
  return finish(values, out);
}

/** One QLinearConcat input: copied when its scale and zero point are the output's, else dequantized and quantized again. */
export function refConcatInputOrt(
  input: number[],
  inputScale: number,
  inputZeroPoint: number,
  outputScale: number,
  out: RefVectorOutput,
): RefVectorResult {
  if (inputScale === outputScale && inputZeroPoint === out.zeroPoint)
    return finish(input.map(BigInt), { ...out, activation: { low: -Infinity, high: Infinity } });
  const sIn = checkFloat32('s_in', inputScale);
  const sOut = checkFloat32('s_out', outputScale);
  const values = input.map((x) => {
    const dequantized = roundToFloat32(mulExt(sIn, intToFloat32(BigInt(x - inputZeroPoint))));
    const rounded = rneExt(roundToFloat32(divExt(dequantized, sOut)));
    if (typeof rounded !== 'bigint') throw new RangeError('an infinite quotient');
    return rounded + BigInt(out.zeroPoint);
  });
  return finish(values, { ...out, activation: { low: -Infinity, high: Infinity } });
}
