/**
 * The operations of the conformance vector format (shared vectors FORMAT.md), each evaluated with
 * the numeric core. This table is the complete list: a line naming an op missing here is bad input.
 */
import {
  cmsisRequantize,
  divideByPowerOfTwo,
  doublingHighMult,
  doublingHighMultNoSat,
  type HvxNarrowLane,
  type HvxWideLane,
  mbqm64,
  mbqmDouble,
  mbqmGreaterThanOne,
  mbqmSingle,
  mbqmSmallerThanOneExp,
  ortOutputRange,
  ortQuantizeLinear,
  ortRequantFloat,
  quantizeMultiplier,
  rdbpot,
  requantizeS64,
  srdhm,
  srmbpot,
  vasrNarrow,
  type VrmpyKind,
  vrmpyAccumulate,
} from '../numeric/index.js';
import { type Args, ArgumentError, choiceArg, floatArg, integerArg, integerListArg } from './args.js';

export type VectorResult = number | readonly [number, number];
export type VectorOp = (args: Args) => VectorResult;

const INT32: [number, number] = [-(2 ** 31), 2 ** 31 - 1];
const UINT32: [number, number] = [0, 2 ** 32 - 1];
const INT16: [number, number] = [-32768, 32767];
const UINT16: [number, number] = [0, 65535];
const INT48: [number, number] = [-(2 ** 47), 2 ** 47 - 1];
const Q31_MULTIPLIER: [number, number] = [0, 2 ** 31 - 1];

const int32 = (args: Args, name: string): number => integerArg(args, name, ...INT32);

function narrowing(from: HvxWideLane, to: HvxNarrowLane): VectorOp {
  const source = { w: INT32, uw: UINT32, h: INT16, uh: UINT16 }[from];
  return (args) => vasrNarrow(integerArg(args, 'x', ...source), int32(args, 'rt'), from, to, { round: true, saturate: true });
}

function vrmpy(kind: VrmpyKind): VectorOp {
  const uRange: [number, number] = kind === 'bv' ? [-128, 127] : [0, 255];
  const vRange: [number, number] = kind === 'ubv' ? [0, 255] : [-128, 127];
  const accRange = kind === 'ubv' ? UINT32 : INT32;
  return (args) =>
    vrmpyAccumulate(
      integerArg(args, 'acc', ...accRange),
      integerListArg(args, 'u', 4, ...uRange),
      integerListArg(args, 'v', 4, ...vRange),
      kind,
    );
}

function ortOutput(args: Args): { zeroPoint: number; lo: number; hi: number } {
  const { lo, hi } = ortOutputRange(choiceArg(args, 'out_type', ['int8', 'uint8'] as const));
  return { zeroPoint: integerArg(args, 'zero_point', lo, hi), lo, hi };
}

function positiveScale(args: Args): number {
  const scale = floatArg(args, 'scale', 32);
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new ArgumentError(`args.scale: expected a positive finite float32, got ${scale}`);
  }
  return scale;
}

function quantizeMultiplierOp(build: 'double' | 'single'): VectorOp {
  return (args) => {
    const { multiplier, shift } = quantizeMultiplier(floatArg(args, 'real_multiplier', 64), build);
    return [multiplier, shift];
  };
}

export const VECTOR_OPS: Readonly<Record<string, VectorOp>> = {
  'gemmlowp.srdhm32': (args) => srdhm(int32(args, 'a'), int32(args, 'b'), 32),
  'gemmlowp.srdhm16': (args) => srdhm(integerArg(args, 'a', ...INT16), integerArg(args, 'b', ...INT16), 16),
  'gemmlowp.rdbpot32': (args) => rdbpot(int32(args, 'x'), integerArg(args, 'exponent', 0, 31), 32),
  'gemmlowp.rdbpot16': (args) => rdbpot(integerArg(args, 'x', ...INT16), integerArg(args, 'exponent', 0, 15), 16),
  'gemmlowp.srmbpot32': (args) => srmbpot(int32(args, 'x'), integerArg(args, 'exponent', -31, 31), 32),
  'gemmlowp.srmbpot16': (args) => srmbpot(integerArg(args, 'x', ...INT16), integerArg(args, 'exponent', -15, 15), 16),

  'tflite.mbqm_double': (args) =>
    mbqmDouble(int32(args, 'x'), integerArg(args, 'multiplier', ...Q31_MULTIPLIER), integerArg(args, 'shift', -31, 30)),
  'tflite.mbqm_single': (args) =>
    mbqmSingle(int32(args, 'x'), integerArg(args, 'multiplier', ...Q31_MULTIPLIER), integerArg(args, 'shift', -31, 30)),
  'tflite.mbqm_smaller_than_one_exp_double': (args) =>
    mbqmSmallerThanOneExp(int32(args, 'x'), integerArg(args, 'multiplier', ...Q31_MULTIPLIER), integerArg(args, 'left_shift', -31, 0)),
  'tflite.mbqm_greater_than_one_double': (args) =>
    mbqmGreaterThanOne(int32(args, 'x'), integerArg(args, 'multiplier', ...Q31_MULTIPLIER), integerArg(args, 'left_shift', 0, 30)),
  'tflite.mbqm64': (args) =>
    mbqm64(integerArg(args, 'x', ...INT48), integerArg(args, 'multiplier', ...Q31_MULTIPLIER), integerArg(args, 'shift', -31, 7)),
  'tflite.quantize_multiplier_double': quantizeMultiplierOp('double'),
  'tflite.quantize_multiplier_single': quantizeMultiplierOp('single'),

  'cmsisnn.requantize_double': (args) =>
    cmsisRequantize(int32(args, 'val'), int32(args, 'multiplier'), integerArg(args, 'shift', -31, 30), 'double'),
  'cmsisnn.requantize_single': (args) =>
    cmsisRequantize(int32(args, 'val'), int32(args, 'multiplier'), integerArg(args, 'shift', -31, 30), 'single'),
  'cmsisnn.doubling_high_mult': (args) => doublingHighMult(int32(args, 'm1'), int32(args, 'm2')),
  'cmsisnn.doubling_high_mult_no_sat': (args) => doublingHighMultNoSat(int32(args, 'm1'), int32(args, 'm2')),
  'cmsisnn.divide_by_power_of_two': (args) => divideByPowerOfTwo(int32(args, 'dividend'), integerArg(args, 'exponent', 0, 31)),
  'cmsisnn.requantize_s64': (args) =>
    requantizeS64(
      integerArg(args, 'val', ...INT48),
      integerArg(args, 'reduced_multiplier', -32768, 32767),
      integerArg(args, 'shift', -31, 7),
    ),

  'hvx.vasr_w_h_rnd_sat': narrowing('w', 'h'),
  'hvx.vasr_w_uh_rnd_sat': narrowing('w', 'uh'),
  'hvx.vasr_uw_uh_rnd_sat': narrowing('uw', 'uh'),
  'hvx.vasr_h_b_rnd_sat': narrowing('h', 'b'),
  'hvx.vasr_h_ub_rnd_sat': narrowing('h', 'ub'),
  'hvx.vasr_uh_ub_rnd_sat': narrowing('uh', 'ub'),
  'hvx.vrmpybv_acc': vrmpy('bv'),
  'hvx.vrmpybusv_acc': vrmpy('busv'),
  'hvx.vrmpyubv_acc': vrmpy('ubv'),

  'ort.requant_float': (args) => {
    const { zeroPoint, lo, hi } = ortOutput(args);
    return ortRequantFloat(int32(args, 'acc'), positiveScale(args), zeroPoint, lo, hi);
  },
  'ort.quantize_linear': (args) => {
    const { zeroPoint, lo, hi } = ortOutput(args);
    const x = floatArg(args, 'x', 32);
    if (Number.isNaN(x)) throw new ArgumentError("args.x: NaN is outside QuantizeLinear's defined inputs");
    return ortQuantizeLinear(x, positiveScale(args), zeroPoint, lo, hi);
  },
};
