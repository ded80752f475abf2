/**
 * `hvx`: npusim's requantization from Hexagon HVX primitives (docs/numerics.md, section 5.2): a Q31
 * multiply (vmpyo :<<1:rnd:sat), vasr narrowing with the configured rounding and saturation, and
 * the zero point added with int16 saturation. Outputs of up to 8 bits, or signed 16 bits.
 */
import { addHvx, addParams, avgPoolRounded } from '../kernels/vector.js';
import {
  hvxAddOutsideDomain,
  layerMultiplier,
  MAX_STOCHASTIC_DIVISOR,
  multiplierOutsideDomain,
  quantizeMultiplier,
  type StochasticSite,
} from '../numeric/index.js';
import type { AveragePoolSpec, RequantModeSpec, RequantSetting } from './spec.js';
import { addScales, formatReal } from './words.js';

function configuredRounding(setting: RequantSetting) {
  if (setting.rounding === undefined) throw new Error(`the ${setting.mode} mode needs a rounding; the hardware loader guarantees one`);
  return setting.rounding;
}

/** Average pooling of npusim's own modes: centred values summed, divided with the configured rounding, + zp. */
export const ROUNDED_AVERAGE_POOL: AveragePoolSpec = {
  windows: 'any',
  keepsQuantization: true,
  describe:
    "the centred values (x - zp) summed over the valid taps, divided by their count with the configured rounding, + zp; output quantization = input's",
  refusal: (_input, _output, taps, setting) =>
    setting.rounding === 'stochastic' && taps > MAX_STOCHASTIC_DIVISOR
      ? { message: `stochastic rounding divides by at most ${MAX_STOCHASTIC_DIVISOR} taps, and this window averages up to ${taps}` }
      : undefined,
  run: (geometry, input, _output, context) =>
    avgPoolRounded(
      geometry,
      input.data,
      input.zeroPoint,
      configuredRounding(context.setting),
      context.range,
      context.counter,
      context.site('avg-pool'),
    ),
};

export const HVX: RequantModeSpec = {
  name: 'hvx',
  library: { name: 'Hexagon HVX', build: 'the vector pipeline' },
  summary:
    "npusim's HVX pipeline: saturating left shift, vmpyo (SRDHM), vasr narrowing with the configured rounding and int16 saturation, + zp (vadd:sat)",
  formula: 'pipeline of section 5.2',
  shifts: '-31..31',
  fixedRounding: undefined,
  takesFixedPoint: false,
  int32RequantInput: false,
  wideAccumulator16x8: false,
  outputTypes: { accepts: (type) => type.bits <= 8 || type.signed, describe: 'outputs of up to 8 bits or signed 16 bits, not u16' },
  step: {
    refusal: (request) => {
      const real = layerMultiplier(request.inputScale, request.weightScale, request.outputScale, request.float32Product);
      const outside = multiplierOutsideDomain('hvx', real);
      return outside === undefined
        ? undefined
        : `effective scale ${formatReal(real)} (${request.how}) is outside what hvx can represent (${outside})`;
    },
    params: (request, setting) => {
      const { multiplier, shift } = quantizeMultiplier(
        layerMultiplier(request.inputScale, request.weightScale, request.outputScale, request.float32Product),
        'double',
      );
      return { mode: 'hvx', multiplier, shift, rounding: configuredRounding(setting) };
    },
  },
  add: {
    maxInputBits: 8,
    describe:
      "TFLite's Add structure from HVX primitives: each input vmpyo then vasr with the configured rounding, an exact int32 sum, then the hvx pipeline",
    refusal: (a, b, output) => {
      const multiplier = (2 * Math.max(a.scale, b.scale)) / (2 ** 20 * output.scale);
      const outside = hvxAddOutsideDomain(multiplier);
      return outside === undefined
        ? undefined
        : {
            message: `output multiplier ${formatReal(multiplier)} (${addScales(a, b, output)}) is outside what hvx can represent (${outside})`,
            tensor: output.name,
          };
    },
    run: (a, b, output, context) => {
      const rounding = configuredRounding(context.setting);
      const draws =
        rounding === 'stochastic'
          ? {
              a: context.site('add-a') as StochasticSite,
              b: context.site('add-b') as StochasticSite,
              out: context.site('add-out') as StochasticSite,
            }
          : undefined;
      return addHvx(
        a,
        b,
        addParams(a.scale, b.scale, output.scale, 'double'),
        output.zeroPoint,
        context.range,
        rounding,
        context.counter,
        draws,
      );
    },
  },
  averagePool: ROUNDED_AVERAGE_POOL,
};
