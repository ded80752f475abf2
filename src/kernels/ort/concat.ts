/**
 * onnxruntime's QLinearConcat (contrib_ops/cpu/quantization/qlinear_concat.cc), CPU EP: an input
 * whose float32 scale and zero point equal the output's is copied; any other goes through a lookup
 * table built by QlinearBuildLookupTable: each value dequantized, f32(s_in x (x - zp_in)), then
 * MlasQuantizeLinear to the output: rne(f32(v / s_out)) + zp_out, saturated.
 */
import { roundFloat } from '../../numeric/index.js';

export interface ConcatRescale {
  /** The output value of an input value. */
  readonly value: (x: number) => number;
  /** Whether it saturated (clipping). */
  readonly clipped: (x: number) => boolean;
}

/** The rescaling of one input, or undefined when onnxruntime copies it. */
export function concatRescaleOrt(
  input: { readonly scale: number; readonly zeroPoint: number },
  output: { readonly scale: number; readonly zeroPoint: number; readonly min: number; readonly max: number },
): ConcatRescale | undefined {
  if (input.scale === output.scale && input.zeroPoint === output.zeroPoint) return undefined;
  const unclamped = (x: number) =>
    roundFloat(Math.fround(Math.fround(input.scale * (x - input.zeroPoint)) / output.scale), 'half-even') + output.zeroPoint;
  return {
    value: (x) => Math.min(Math.max(unclamped(x), output.min), output.max),
    clipped: (x) => {
      const value = unclamped(x);
      return value < output.min || value > output.max;
    },
  };
}
