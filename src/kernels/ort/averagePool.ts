/**
 * onnxruntime's windowed QLinearAveragePool (contrib_ops/cpu/quantization/qlinear_pool.cc), CPU EP:
 * the input dequantized to float32, f32(s_in x (x - zp_in)); each window's valid taps summed in
 * float32 in row-major order (rows outer); the sum divided in float32 by the number of valid taps
 * (count_include_pad = 0); then quantize_value: nearbyintf(f32(f32(sum / s_out) + zp_out)),
 * half to even, saturated. A window of the whole image without padding is not this kernel:
 * onnxruntime runs it as QLinearGlobalAveragePool.
 */
import type { PoolGeometry } from '../../graph/geometry.js';
import { roundFloat } from '../../numeric/index.js';
import { type ClampRange, type ClipCounter, clampCounted } from '../vector.js';

export function avgPoolOrtWindowed(
  g: PoolGeometry,
  input: Int32Array,
  inputScale: number,
  inputZeroPoint: number,
  outputScale: number,
  outputZeroPoint: number,
  range: ClampRange,
  counter: ClipCounter,
): Int32Array {
  const result = new Int32Array(g.batch * g.outHeight * g.outWidth * g.channels);
  const outZero = Math.fround(outputZeroPoint);
  for (let n = 0; n < g.batch; n += 1)
    for (let oh = 0; oh < g.outHeight; oh += 1)
      for (let ow = 0; ow < g.outWidth; ow += 1)
        for (let c = 0; c < g.channels; c += 1) {
          let sum = 0;
          let taps = 0;
          for (let fh = 0; fh < g.filterHeight; fh += 1) {
            const ih = oh * g.strideHeight - g.padTop + fh;
            if (ih < 0 || ih >= g.inHeight) continue;
            for (let fw = 0; fw < g.filterWidth; fw += 1) {
              const iw = ow * g.strideWidth - g.padLeft + fw;
              if (iw < 0 || iw >= g.inWidth) continue;
              const x = input[((n * g.inHeight + ih) * g.inWidth + iw) * g.channels + c] ?? 0;
              sum = Math.fround(sum + Math.fround(inputScale * (x - inputZeroPoint)));
              taps += 1;
            }
          }
          const index = ((n * g.outHeight + oh) * g.outWidth + ow) * g.channels + c;
          const average = Math.fround(sum / taps);
          const shifted = Math.fround(Math.fround(average / outputScale) + outZero);
          result[index] = clampCounted(roundFloat(shifted, 'half-even'), range, index, counter);
        }
  return result;
}

/** Whether onnxruntime runs this window as QLinearGlobalAveragePool: the whole image, no padding. */
export function isWholeImageWindow(g: PoolGeometry): boolean {
  return (
    g.filterHeight === g.inHeight &&
    g.filterWidth === g.inWidth &&
    g.padTop === 0 &&
    g.padLeft === 0 &&
    g.outHeight === 1 &&
    g.outWidth === 1
  );
}
