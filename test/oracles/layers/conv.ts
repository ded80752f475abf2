/**
 * Reference convolution (dense, grouped, depthwise; fully connected is a 1x1 convolution): plain
 * loops and BigInt, written from the documented order (design contract, docs/numerics.md section 7)
 * and sharing no arithmetic with the engine. For every output: load the bias; take k = (kh * KW +
 * kw) * Cg + c in increasing order; with folds of `kFold` products, each fold's partial sum starts
 * at 0 and is added to the accumulator when the fold ends; every add wraps or saturates at
 * `bits`; padded taps are skipped. Then requantize with the mode's reference step.
 */
import { refCmsisRequantize } from '../numeric/cmsisnn.js';
import { clampRoundedPlusZp, ortScaledAccumulator } from '../numeric/ort.js';
import { refRequantHvx } from '../numeric/requant.js';
import { refRoundShiftRight } from '../numeric/rounding.js';
import { refMbqmDouble, refMbqmSingle } from '../numeric/tflite.js';
import type { RefRoundingMode } from '../numeric/types.js';

export interface RefConvShape {
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  stride: [number, number];
  dilation: [number, number];
  padTop: number;
  padLeft: number;
  /** Input channels per group (1 for depthwise). */
  groupChannels: number;
  /** Output channels per group (the multiplier for depthwise). */
  groupOutputs: number;
  depthwise: boolean;
}

export type RefRequant =
  | { mode: 'gemmlowp' | 'tflite-double' | 'tflite-single' | 'cmsis-nn' | 'cmsis-nn-single'; multiplier: number; shift: number }
  | { mode: 'hvx'; multiplier: number; shift: number; rounding: RefRoundingMode }
  | { mode: 'ort-float'; scale: number }
  | { mode: 'shift-only'; shift: number; rounding: RefRoundingMode };

export interface RefConvLayer {
  shape: RefConvShape;
  input: number[];
  inputZeroPoint: number;
  weights: number[];
  bias: number[] | undefined;
  accumulatorBits: number;
  overflow: 'wrap' | 'saturate';
  kFold: number | undefined;
  requant: RefRequant[];
  output: { bits: number; signed: boolean; zeroPoint: number };
  /** The fused activation's bounds in output integers (may lie outside the type). */
  activation: { low: number; high: number };
}

export interface RefLocation {
  output: number;
  /** -1 for the bias, k for a product, depth + fold for a fold merge; depth - 1 for finals and clipping. */
  k: number;
}

export interface RefConvResult {
  output: number[];
  accumulators: bigint[];
  transient: number;
  final: number;
  clipped: number;
  /** hvx: saturations inside the pipeline (int16 narrowing, + zp), counted apart from clipping. */
  vectorSaturated: number;
  firstVectorSaturated: RefLocation | undefined;
  /** The first event of each kind, outputs visited in order and k increasing within each. */
  firstTransient: RefLocation | undefined;
  firstFinal: RefLocation | undefined;
  firstClipped: RefLocation | undefined;
  /** MACs with a padded tap, a zero weight or a zero (x - zp), out of outputs x depth. */
  zeroOperandMacs: number;
  /** Signed bits of the widest final exact sum, and of the widest exact running sum in order. */
  finalBits: number;
  partialBits: number;
}

/** Bits of the shortest two's complement integer holding x (at least 1). */
function signedBits(x: bigint): number {
  const magnitude = x < 0n ? -x - 1n : x;
  return magnitude.toString(2).length + (magnitude === 0n ? 0 : 1);
}

function stepAt(register: bigint, term: bigint, bits: number, overflow: 'wrap' | 'saturate'): { value: bigint; event: boolean } {
  const sum = register + term;
  const min = -(1n << BigInt(bits - 1));
  const max = (1n << BigInt(bits - 1)) - 1n;
  if (sum >= min && sum <= max) return { value: sum, event: false };
  if (overflow === 'saturate') return { value: sum < min ? min : max, event: true };
  return { value: BigInt.asIntN(bits, sum), event: true };
}

/** The requantized value before any clamp (hvx keeps its own int16 stages), and hvx's saturation flag. */
function requantOne(acc: bigint, params: RefRequant, output: RefConvLayer['output']): { value: bigint; clipped: boolean } {
  const zeroPoint = BigInt(output.zeroPoint);
  const int32 = (value: bigint): bigint => (value < -(2n ** 31n) ? -(2n ** 31n) : value > 2n ** 31n - 1n ? 2n ** 31n - 1n : value);
  const huge = 2n ** 60n;
  switch (params.mode) {
    case 'gemmlowp':
    case 'tflite-double':
      return { value: refMbqmDouble(int32(acc), BigInt(params.multiplier), params.shift) + zeroPoint, clipped: false };
    case 'tflite-single':
      return { value: refMbqmSingle(int32(acc), BigInt(params.multiplier), params.shift) + zeroPoint, clipped: false };
    case 'cmsis-nn':
    case 'cmsis-nn-single':
      return {
        value:
          refCmsisRequantize(int32(acc), BigInt(params.multiplier), params.shift, params.mode === 'cmsis-nn' ? 'double' : 'single') +
          zeroPoint,
        clipped: false,
      };
    case 'hvx':
      return refRequantHvx(acc, BigInt(params.multiplier), params.shift, params.rounding, { bits: 16, signed: true, zeroPoint });
    case 'ort-float':
      return { value: clampRoundedPlusZp(ortScaledAccumulator(acc, params.scale, 48), zeroPoint, -huge, huge).value, clipped: false };
    case 'shift-only': {
      const scaled = params.shift >= 0 ? refRoundShiftRight(acc, params.shift, params.rounding) : acc * 2n ** BigInt(-params.shift);
      return { value: scaled + zeroPoint, clipped: false };
    }
  }
}

export function refConvolve(layer: RefConvLayer): RefConvResult {
  const s = layer.shape;
  const depth = s.kernelHeight * s.kernelWidth * s.groupChannels;
  const output: number[] = [];
  const accumulators: bigint[] = [];
  let transient = 0;
  let final = 0;
  let clipped = 0;
  let firstTransient: RefLocation | undefined;
  let firstFinal: RefLocation | undefined;
  let firstClipped: RefLocation | undefined;
  let vectorSaturated = 0;
  let firstVectorSaturated: RefLocation | undefined;
  let zeroOperandMacs = 0;
  let finalBits = 1;
  let partialBits = 1;
  const seePartial = (value: bigint) => {
    partialBits = Math.max(partialBits, signedBits(value));
  };
  const typeMin = layer.output.signed ? -(2 ** (layer.output.bits - 1)) : 0;
  const typeMax = layer.output.signed ? 2 ** (layer.output.bits - 1) - 1 : 2 ** layer.output.bits - 1;
  for (let oh = 0; oh < s.outHeight; oh++) {
    for (let ow = 0; ow < s.outWidth; ow++) {
      for (let oc = 0; oc < s.outChannels; oc++) {
        const group = Math.floor(oc / s.groupOutputs);
        const firstChannel = s.depthwise ? group : group * s.groupChannels;
        const bias = BigInt(layer.bias?.[oc] ?? 0);
        const outputIndex = (oh * s.outWidth + ow) * s.outChannels + oc;
        const noteTransient = (k: number) => {
          transient++;
          if (firstTransient === undefined) firstTransient = { output: outputIndex, k };
        };
        let step = stepAt(0n, bias, layer.accumulatorBits, layer.overflow);
        let acc = step.value;
        if (step.event) noteTransient(-1);
        let exact = bias;
        seePartial(exact);
        let partial = 0n;
        let partialExact = 0n;
        let inFold = 0;
        let fold = 0;
        for (let k = 0; k < depth; k++) {
          const tap = Math.floor(k / s.groupChannels);
          const c = k % s.groupChannels;
          const kh = Math.floor(tap / s.kernelWidth);
          const kw = tap % s.kernelWidth;
          const ih = oh * s.stride[0] - s.padTop + kh * s.dilation[0];
          const iw = ow * s.stride[1] - s.padLeft + kw * s.dilation[1];
          if (ih >= 0 && ih < s.inHeight && iw >= 0 && iw < s.inWidth) {
            const x = BigInt(layer.input[(ih * s.inWidth + iw) * s.inChannels + firstChannel + c] ?? 0) - BigInt(layer.inputZeroPoint);
            const w = BigInt(s.depthwise ? (layer.weights[tap * s.outChannels + oc] ?? 0) : (layer.weights[oc * depth + k] ?? 0));
            const product = w * x;
            if (product === 0n) zeroOperandMacs++;
            exact += product;
            if (layer.kFold === undefined) {
              step = stepAt(acc, product, layer.accumulatorBits, layer.overflow);
              acc = step.value;
              seePartial(exact);
            } else {
              step = stepAt(partial, product, layer.accumulatorBits, layer.overflow);
              partial = step.value;
              partialExact += product;
              seePartial(partialExact);
            }
            if (step.event) noteTransient(k);
          } else {
            zeroOperandMacs++;
          }
          if (layer.kFold !== undefined) {
            inFold++;
            if (inFold === layer.kFold || k === depth - 1) {
              step = stepAt(acc, partial, layer.accumulatorBits, layer.overflow);
              acc = step.value;
              seePartial(exact);
              if (step.event) noteTransient(depth + fold);
              partial = 0n;
              partialExact = 0n;
              inFold = 0;
              fold++;
            }
          }
        }
        accumulators.push(acc);
        finalBits = Math.max(finalBits, signedBits(exact));
        if (acc !== exact) {
          final++;
          if (firstFinal === undefined) firstFinal = { output: outputIndex, k: depth - 1 };
        }
        const params = layer.requant[oc] ?? layer.requant[0];
        if (params === undefined) throw new Error('no requantization parameters');
        const raw = requantOne(acc, params, layer.output);
        const value = Number(raw.value);
        const activated = Math.min(Math.max(value, layer.activation.low), layer.activation.high);
        if (raw.clipped) {
          vectorSaturated++;
          if (firstVectorSaturated === undefined) firstVectorSaturated = { output: outputIndex, k: depth - 1 };
        }
        if (activated < typeMin || activated > typeMax) {
          clipped++;
          if (firstClipped === undefined) firstClipped = { output: outputIndex, k: depth - 1 };
        }
        output.push(Math.min(Math.max(activated, typeMin), typeMax));
      }
    }
  }
  return {
    output,
    accumulators,
    transient,
    final,
    clipped,
    vectorSaturated,
    firstVectorSaturated,
    firstTransient,
    firstFinal,
    firstClipped,
    zeroOperandMacs,
    finalBits,
    partialBits,
  };
}
