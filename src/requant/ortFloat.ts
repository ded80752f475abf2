/**
 * `ort-float`: onnxruntime's MLAS requantization (docs/numerics.md, section 4.5): the int32
 * accumulator to float32, times a float32 scale, rounded half to even, + zp, saturated. Add is
 * QLinearAdd's float32 FMAs; average pooling is QLinearGlobalAveragePool over the whole image and
 * QLinearAveragePool's float32 average over any other window; concatenation is QLinearConcat's
 * lookup table (dequantize, then QuantizeLinear).
 */
import { avgPoolOrtWindowed, isWholeImageWindow } from '../kernels/ort/averagePool.js';
import { concatRescaleOrt } from '../kernels/ort/concat.js';
import { addOrt, globalAvgPoolOrt } from '../kernels/vector.js';
import { ortAddOutsideDomain, ortGlobalAveragePoolScale, ortLayerScale, ortScaleOutsideDomain } from '../numeric/index.js';
import type { RequantModeSpec } from './spec.js';
import { addScales, formatReal } from './words.js';

export const ORT_FLOAT: RequantModeSpec = {
  name: 'ort-float',
  library: { name: 'onnxruntime', build: 'the MLAS CPU kernels' },
  summary: "onnxruntime's MLAS: rne(f32(f32(acc) x f32(s_in s_w / s_out))) + zp, saturated",
  formula: '`round_half_even(fl32(fl32(acc)·scale)) + zp`',
  shifts: 'none (float32 `scale`)',
  fixedRounding: 'float32 multiply, then half-even',
  takesFixedPoint: false,
  int32RequantInput: false,
  wideAccumulator16x8: false,
  step: {
    refusal: (request, setting) => {
      const scale = ortLayerScale(request.inputScale, request.weightScale, request.outputScale);
      const outside = ortScaleOutsideDomain(scale, setting.accumulatorBits);
      return outside === undefined
        ? undefined
        : `float32 scale ${formatReal(scale)} (${request.how}) is outside what ort-float can represent (${outside})`;
    },
    params: (request) => ({ mode: 'ort-float', scale: ortLayerScale(request.inputScale, request.weightScale, request.outputScale) }),
  },
  add: {
    maxInputBits: 8,
    describe:
      'QLinearAdd (AVX2 + FMA): two float32 FMAs on the raw values with f32(s_a / s_out) and f32(s_b / s_out), rounded half to even',
    refusal: (a, b, output) => {
      const ratioA = Math.fround(a.scale / output.scale);
      const ratioB = Math.fround(b.scale / output.scale);
      const outside = ortAddOutsideDomain(ratioA, ratioB);
      return outside === undefined
        ? undefined
        : {
            message: `scale ratios ${formatReal(ratioA)} and ${formatReal(ratioB)} (${addScales(a, b, output)}) are outside what ort-float can represent (${outside})`,
            tensor: output.name,
          };
    },
    run: (a, b, output, context) => addOrt(a, b, output.scale, output.zeroPoint, context.range, context.counter),
  },
  averagePool: {
    windows: 'any',
    keepsQuantization: false,
    describe:
      'the whole image without padding: QLinearGlobalAveragePool, sum (x - zp) requantized with f32(s_in / f32(s_out x f32(H W))); any other window: QLinearAveragePool, the float32 sum of f32(s_in (x - zp)) over the valid taps, / taps, then rne(f32(f32(avg / s_out) + zp))',
    refusal: (input, output, taps) => {
      if (!Number.isFinite(ortGlobalAveragePoolScale(input.scale, output.scale, taps))) {
        return {
          message: `float32 scale s_in / (s_out x ${taps} taps) is not finite, outside what ort-float can represent`,
          tensor: output.name,
        };
      }
      // QLinearAveragePool converts the quotient to int32: it must stay within int32 for every average.
      const widest = Math.fround(Math.fround(input.scale * 2 ** input.type.bits) / output.scale);
      return widest < 2 ** 30
        ? undefined
        : {
            message: `averages up to ${formatReal(widest)} output steps (s_in ${formatReal(input.scale)} / s_out ${formatReal(output.scale)}) pass int32, outside what ort-float can represent`,
            tensor: output.name,
          };
    },
    run: (geometry, input, output, context) =>
      isWholeImageWindow(geometry)
        ? globalAvgPoolOrt(
            geometry,
            input.data,
            input.scale,
            input.zeroPoint,
            output.scale,
            output.zeroPoint,
            context.range,
            context.counter,
          )
        : avgPoolOrtWindowed(
            geometry,
            input.data,
            input.scale,
            input.zeroPoint,
            output.scale,
            output.zeroPoint,
            context.range,
            context.counter,
          ),
  },
  concat: {
    describe:
      "QLinearConcat: an input of the output's scale and zero point copied, any other dequantized, f32(s_in (x - zp)), then QuantizeLinear to the output",
    rescale: (input, output) => concatRescaleOrt(input, output),
  },
};
