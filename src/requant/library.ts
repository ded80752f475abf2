/**
 * The library modes that rescale with a Q0.31 multiplier and a shift from QuantizeMultiplier:
 * gemmlowp, TFLite (double and single rounding) and CMSIS-NN (both builds). They share TFLite's
 * structure for Add and average pooling, as TFLite Micro runs them (docs/numerics.md, sections 4,
 * 5 and 8); what differs is the rounding build and the step's arithmetic (numeric/requant.ts).
 */
import { addTflite, avgPoolTflite, TFLITE_ADD16_LEFT_SHIFT, TFLITE_ADD_LEFT_SHIFT } from '../kernels/vector.js';
import {
  layerMultiplier,
  multiplierOutsideDomain,
  quantizeMultiplier,
  type RequantMode,
  type TfliteBuild,
  tfliteAddOutsideDomain,
} from '../numeric/index.js';
import type { RequantModeSpec } from './spec.js';
import { addScales, formatReal } from './words.js';

type LibraryMode = Extract<RequantMode, 'gemmlowp' | 'tflite-double' | 'tflite-single' | 'cmsis-nn' | 'cmsis-nn-single'>;

interface LibraryModeFacts {
  readonly name: LibraryMode;
  readonly library: { readonly name: string; readonly build: string };
  readonly summary: string;
  readonly formula: string;
  readonly fixedRounding: string;
  readonly build: TfliteBuild;
}

/** TFLite's left shift of an Add writing `bits`-bit outputs: 20 for int8, 15 for int16. */
function addLeftShift(bits: number): number {
  return bits > 8 ? TFLITE_ADD16_LEFT_SHIFT : TFLITE_ADD_LEFT_SHIFT;
}

/** TFLite's int8 and int16 Add: inputs to twice the larger scale, << 20 (int16: << 15), summed, rescaled out. */
function tfliteAdd(name: LibraryMode, build: TfliteBuild): RequantModeSpec['add'] {
  return {
    maxInputBits: 16,
    describe: `TFLite int8 Add (${build} rounding): (x - zp) << 20, each input rescaled by s_x / 2max(s_a, s_b), summed exactly, then by 2max / (2^20 s_out), + zp; int16 the same with << 15`,
    refusal: (a, b, output) => {
      // TFLite's Add takes int8 and uint8, or int16 throughout.
      const wide = [a, b, output].filter((operand) => operand.type.bits > 8);
      if (wide.length > 0 && (wide.length < 3 || wide.some((operand) => operand.type.name !== 's16'))) {
        return {
          message: `${name}'s Add (TFLite's) takes 8-bit inputs and outputs, or s16 throughout; got ${a.type.name} + ${b.type.name} -> ${output.type.name}; use shift-only for other wide adds`,
          tensor: output.name,
        };
      }
      const multiplier = (2 * Math.max(a.scale, b.scale)) / (2 ** addLeftShift(output.type.bits) * output.scale);
      const outside = tfliteAddOutsideDomain(multiplier, build);
      return outside === undefined
        ? undefined
        : {
            message: `output multiplier ${formatReal(multiplier)} (${addScales(a, b, output)}) is outside what ${name} can represent (${outside})`,
            tensor: output.name,
          };
    },
    run: (a, b, output, context) =>
      addTflite(a, b, output.scale, output.zeroPoint, context.range, build, context.counter, addLeftShift(output.type.bits)),
  };
}

const TFLITE_AVERAGE_POOL: RequantModeSpec['averagePool'] = {
  windows: 'any',
  keepsQuantization: true,
  describe:
    "TFLite's: raw values summed over the valid taps, divided by their count rounding half away from zero; output quantization = input's",
  refusal: () => undefined,
  run: (geometry, input, _output, context) => avgPoolTflite(geometry, input.data, context.range, context.counter),
};

function libraryMode(facts: LibraryModeFacts): RequantModeSpec {
  const { name, build } = facts;
  return {
    name,
    library: facts.library,
    summary: facts.summary,
    formula: facts.formula,
    // quantizeMultiplier's shifts: the libraries' int32 multiplier range.
    shifts: '-31..30',
    fixedRounding: facts.fixedRounding,
    takesFixedPoint: false,
    int32RequantInput: true,
    wideAccumulator16x8: true,
    step: {
      refusal: (request) => {
        const real = layerMultiplier(request.inputScale, request.weightScale, request.outputScale, request.float32Product);
        const outside = multiplierOutsideDomain(name, real);
        return outside === undefined
          ? undefined
          : `effective scale ${formatReal(real)} (${request.how}) is outside what ${name} can represent (${outside})`;
      },
      params: (request) => {
        const { multiplier, shift } = quantizeMultiplier(
          layerMultiplier(request.inputScale, request.weightScale, request.outputScale, request.float32Product),
          build,
        );
        return { mode: name, multiplier, shift };
      },
    },
    add: tfliteAdd(name, build),
    averagePool: TFLITE_AVERAGE_POOL,
  };
}

export const GEMMLOWP = libraryMode({
  name: 'gemmlowp',
  library: { name: 'gemmlowp', build: 'its output pipeline' },
  summary: "gemmlowp's output pipeline: RDBPOT(SRDHM(acc << left, m), right) + zp",
  formula: '`mbqmDouble(acc, m, s) + zp`',
  fixedRounding: 'half-up (SRDHM) then half-away (RDBPOT)',
  build: 'double',
});

export const TFLITE_DOUBLE = libraryMode({
  name: 'tflite-double',
  library: { name: 'TFLite', build: 'the default build' },
  summary: "TFLite's default build (TFLite Micro's reference kernels): MultiplyByQuantizedMultiplier, double rounding",
  formula: '`mbqmDouble(acc, m, s) + zp`',
  fixedRounding: 'half-up (SRDHM) then half-away (RDBPOT)',
  build: 'double',
});

export const TFLITE_SINGLE = libraryMode({
  name: 'tflite-single',
  library: { name: 'TFLite', build: 'the TFLITE_SINGLE_ROUNDING build' },
  summary: "TFLite's single-rounding build (TFLITE_SINGLE_ROUNDING): acc x m / 2^(31 - shift), rounded once",
  formula: '`mbqmSingle(acc, m, s) + zp`',
  fixedRounding: 'half-up, once',
  build: 'single',
});

export const CMSIS_NN = libraryMode({
  name: 'cmsis-nn',
  library: { name: 'CMSIS-NN', build: 'the default build' },
  summary: "CMSIS-NN's arm_nn_requantize, default build: doubling high multiply, then divide by a power of two",
  formula: "`cmsisRequantize(acc, m, s, 'double') + zp`",
  fixedRounding: 'half-up (doubling high multiply) then half-away (divide by power of two)',
  build: 'double',
});

export const CMSIS_NN_SINGLE = libraryMode({
  name: 'cmsis-nn-single',
  library: { name: 'CMSIS-NN', build: 'the CMSIS_NN_USE_SINGLE_ROUNDING build' },
  summary: "CMSIS-NN's arm_nn_requantize, CMSIS_NN_USE_SINGLE_ROUNDING build: one rounding",
  formula: "`cmsisRequantize(acc, m, s, 'single') + zp`",
  fixedRounding: 'half-up, once',
  build: 'single',
});
