/**
 * One convolution layer laid out in the SIMD kernels' memory (kernels.wat): the input less its zero
 * point and the weights of each group block-major (8 output channels a block, channels past the
 * group's holding 0), int16 in narrow lanes and int32 in wide ones; the biases; the requantization
 * parameters; a layer description and scratch regions per thread; and the layer's outputs,
 * accumulators and per-output status. Which layers the lanes can hold, and which requantization
 * the kernels do, is decided here; conv.ts does the rest.
 */
import type { ConvGeometry } from '../../graph/geometry.js';
import {
  INT32,
  inRange,
  intRange,
  type RequantOutput,
  type RequantParams,
  type RoundingMode,
  reduceMultiplier,
  type StochasticSite,
  saturateToInt32,
} from '../../numeric/index.js';
import { aligned, Layout, sameWeightGeometry, writeGeometry } from './layout.js';
import { KernelMemoryFull, type SimdKernels } from './module.js';
import type { RowJob, RowResult } from './threads.js';

const LANES = 8;
const INT32_MAX = intRange(INT32).max;

export interface SimdConvInput {
  readonly geometry: ConvGeometry;
  /** The layer's input, before its zero point is taken off. */
  readonly input: Int32Array;
  readonly inputZeroPoint: number;
  readonly weights: Int32Array;
  readonly bias: Int32Array | undefined;
  /** Products per fold, or undefined without folds. */
  readonly kFold: number | undefined;
  readonly outputCount: number;
  /** Requantization in the kernels' memory too, where the layer's mode is one they implement. */
  readonly requant: SimdRequant | undefined;
}

/** Writes x - zp of every input element into `target` (from index 0) and returns max |x - zp|. */
export function shiftZeroPoint(input: Int32Array, zeroPoint: number, target: Int32Array): number {
  let maxAbs = 0;
  for (let index = 0; index < input.length; index += 1) {
    const value = (input[index] as number) - zeroPoint;
    target[index] = value;
    const magnitude = value < 0 ? -value : value;
    if (magnitude > maxAbs) maxAbs = magnitude;
  }
  return maxAbs;
}

/** How many times a layer run with a progress callback reports. */
const PROGRESS_SLICES = 100;

/** An output's status after the kernels requantized it: a bit set, 0 when nothing needs the caller. */
export const STATUS_REDO = 1;
export const STATUS_CLIPPED = 2;
export const STATUS_VECTOR_SATURATED = 4;
export const STATUS_REQUANT_INPUT_SATURATED = 8;

/** The requantization modes the kernels implement, by the code kernels.wat takes. */
const REQUANT_KINDS = { 'tflite-double': 0, gemmlowp: 0, 'tflite-single': 1, hvx: 2, 'shift-only': 3, 'ort-float': 4 } as const;
/** The rounding modes of hvx and shift-only, by code. */
const ROUNDING_CODES: Readonly<Record<RoundingMode, number>> = {
  floor: 0,
  trunc: 1,
  'half-up': 2,
  'half-away': 3,
  'half-even': 4,
  stochastic: 5,
};
const STOCHASTIC = 5;

/**
 * A layer's requantization as the kernels take it, every bound inside int32: the register's range
 * and the activation's own bounds saturated to it (the kernels saturate what they compare too).
 */
export interface SimdRequant {
  /** 0 TFLite default build (and gemmlowp), 1 single rounding, 2 hvx, 3 shift-only, 4 ort-float, 5 TFLite's int64 (16x8). */
  readonly kind: number;
  /** The mode takes an int32 accumulator (saturated to it first, which only wide lanes can need). */
  readonly int32Input: boolean;
  /** The register's exact range (wide lanes compare in float64). */
  readonly register: { readonly min: number; readonly max: number };
  /** Per channel: the multiplier (ort-float: the float32 scale's bits). */
  readonly multipliers: Int32Array;
  readonly shifts: Int32Array;
  readonly rounding: number;
  /** Stochastic rounding's site (its premixed base); each output's counter is its flat index. */
  readonly site: StochasticSite | undefined;
  readonly registerMin: number;
  readonly registerMax: number;
  readonly zeroPoint: number;
  readonly activationMin: number;
  readonly activationMax: number;
  readonly boundLow: number;
  readonly boundHigh: number;
  readonly typeMin: number;
  readonly typeMax: number;
}

/** Channel parameters the kernels take as they are; undefined sends the layer to the TypeScript path (which also raises any error). */
function channelWords(
  channel: RequantParams,
  scaleBits: Float32Array,
  scaleWords: Int32Array,
): { multiplier: number; shift: number; rounding: number } | undefined {
  switch (channel.mode) {
    case 'gemmlowp':
    case 'tflite-double':
    case 'tflite-single': {
      const { multiplier, shift } = channel;
      if (!Number.isInteger(multiplier) || !inRange(multiplier, INT32)) return undefined;
      // TFLite's 16x8 (int64) path takes the multiplier reduced to 16 bits, and shifts up to 7.
      if (channel.wide === true)
        return Number.isInteger(shift) && shift >= -31 && shift <= 7
          ? { multiplier: reduceMultiplier(multiplier), shift, rounding: 0 }
          : undefined;
      return Number.isInteger(shift) && shift >= -31 && shift <= 30 ? { multiplier, shift, rounding: 0 } : undefined;
    }
    case 'hvx': {
      const { multiplier, shift } = channel;
      const rounding = ROUNDING_CODES[channel.rounding];
      if (rounding === undefined || !Number.isInteger(multiplier) || !inRange(multiplier, INT32)) return undefined;
      return Number.isInteger(shift) && shift >= -31 && shift <= 31 ? { multiplier, shift, rounding } : undefined;
    }
    case 'shift-only': {
      const rounding = ROUNDING_CODES[channel.rounding];
      // Right shifts past 31 of an int32 sum stay with TypeScript; left shifts up to 32 are exact in int64.
      const ok = rounding !== undefined && Number.isInteger(channel.shift) && channel.shift >= -32 && channel.shift <= 31;
      return ok ? { multiplier: 0, shift: channel.shift, rounding } : undefined;
    }
    case 'ort-float': {
      // The kernels multiply in float32, as MLAS does: the scale must be a float32 already.
      if (Math.fround(channel.scale) !== channel.scale) return undefined;
      scaleBits[0] = channel.scale;
      return { multiplier: scaleWords[0] as number, shift: 0, rounding: 0 };
    }
  }
}

/**
 * The kernels' requantization for these channels (one mode a layer, one rounding), or undefined
 * where the mode or a parameter is one they leave to the TypeScript path.
 */
export function simdRequantOf(
  params: readonly RequantParams[],
  register: { readonly min: number; readonly max: number },
  output: RequantOutput,
  activation: { readonly min: number; readonly max: number },
  bounds: { readonly low: number; readonly high: number },
  int32Input: boolean,
  site: StochasticSite | undefined,
): SimdRequant | undefined {
  const first = params[0];
  if (first === undefined || !(first.mode in REQUANT_KINDS)) return undefined;
  const kindOf = (channel: RequantParams): number | undefined =>
    'wide' in channel && channel.wide === true ? 5 : REQUANT_KINDS[channel.mode as keyof typeof REQUANT_KINDS];
  const kind = kindOf(first);
  const multipliers = new Int32Array(params.length);
  const shifts = new Int32Array(params.length);
  const scaleBits = new Float32Array(1);
  const scaleWords = new Int32Array(scaleBits.buffer);
  let rounding: number | undefined;
  for (let index = 0; index < params.length; index += 1) {
    const channel = params[index] as RequantParams;
    if (kindOf(channel) !== kind) return undefined;
    const words = channelWords(channel, scaleBits, scaleWords);
    if (words === undefined || (rounding !== undefined && words.rounding !== rounding)) return undefined;
    rounding = words.rounding;
    multipliers[index] = words.multiplier;
    shifts[index] = words.shift;
  }
  if (kind === undefined || (rounding === STOCHASTIC && site === undefined)) return undefined;
  return {
    site,
    kind,
    int32Input,
    register,
    multipliers,
    shifts,
    rounding: rounding ?? 0,
    registerMin: saturateToInt32(register.min),
    registerMax: saturateToInt32(register.max),
    zeroPoint: output.zeroPoint,
    activationMin: activation.min,
    activationMax: activation.max,
    boundLow: saturateToInt32(bounds.low),
    boundHigh: saturateToInt32(bounds.high),
    typeMin: output.min,
    typeMax: output.max,
  };
}

/**
 * A weight tensor as the lanes take it, prepared once per tensor and geometry (a sweep or a lab
 * evaluation runs the same graph many times): block-major int16 weights and int32 biases, and per
 * channel sum |w| and |bias|, which bound the partial sums.
 */
interface PreparedWeights {
  readonly geometry: ConvGeometry;
  readonly bias: Int32Array | undefined;
  /** Block-major weights (int16 where every one fits) and the biases by lane. */
  readonly lanes: { readonly weights: Int16Array | Int32Array; readonly bias: Int32Array };
  /** Whether every weight fits int16 (the narrow lanes). */
  readonly narrowWeights: boolean;
  /** max |w| over the layer's weights. */
  readonly maxAbsWeight: number;
  readonly absoluteWeightSums: Float64Array;
  readonly absoluteBias: Float64Array;
  /** Dense: per group and k, how many of the group's output channels have a non-zero weight there. */
  readonly nonZeroWeights: Int32Array;
}

const preparedByTensor = new WeakMap<Int32Array, PreparedWeights>();

function prepareWeights(kernels: SimdKernels, geometry: ConvGeometry, weights: Int32Array, bias: Int32Array | undefined): PreparedWeights {
  const cached = preparedByTensor.get(weights);
  if (cached !== undefined && cached.bias === bias && sameWeightGeometry(cached.geometry, geometry)) return cached;
  const g = geometry;
  const tapCount = g.kernelHeight * g.kernelWidth;
  const depth = tapCount * g.groupChannels;
  const groupCount = g.depthwise ? 1 : g.outChannels / g.groupOutputs;
  const blocks = Math.ceil((g.depthwise ? g.outChannels : g.groupOutputs) / LANES);
  const lanes = blocks * LANES;
  const absoluteBias = new Float64Array(g.outChannels);
  const laneBias = new Int32Array(groupCount * lanes);
  for (let oc = 0; oc < g.outChannels; oc += 1) {
    const value = bias?.[oc] ?? 0;
    absoluteBias[oc] = value < 0 ? -value : value;
    laneBias[g.depthwise ? oc : Math.floor(oc / g.groupOutputs) * lanes + (oc % g.groupOutputs)] = value;
  }
  // Laid out by the kernels in their memory (free between layers), then kept here.
  const laneCount = g.depthwise ? tapCount * lanes : groupCount * blocks * depth * LANES;
  const nonZeroCount = g.depthwise ? 0 : groupCount * depth;
  const at = new Layout();
  const source = at.take(weights.length * 4);
  const target = at.take(laneCount * 4);
  const sums = at.take(g.outChannels * 8);
  const nonZero = at.take(nonZeroCount * 4);
  const buffer = kernels.reserve(at.bytes);
  new Int32Array(buffer).set(weights, source / 4);
  new Int32Array(buffer, target, laneCount).fill(0);
  new Int32Array(buffer, nonZero, nonZeroCount).fill(0);
  const range = kernels.layOutWeights(
    source,
    target,
    sums,
    nonZero,
    g.depthwise ? tapCount : depth,
    g.outChannels,
    g.groupOutputs,
    groupCount,
    blocks,
    g.depthwise,
  );
  const lowest = range.low;
  const highest = range.high;
  const narrowWeights = lowest >= -32_768 && highest <= 32_767;
  // Kept as int16 where every weight fits: the narrow lanes then copy them in as they are, each run.
  const laidOut = new Int32Array(buffer, target, laneCount);
  const laneWeights = narrowWeights ? new Int16Array(laidOut) : laidOut.slice();
  const absoluteWeightSums = new Float64Array(buffer, sums, g.outChannels).slice();
  const nonZeroWeights = new Int32Array(buffer, nonZero, nonZeroCount).slice();
  const prepared = {
    geometry,
    bias,
    lanes: { weights: laneWeights, bias: laneBias },
    narrowWeights,
    maxAbsWeight: Math.max(-lowest, highest),
    absoluteWeightSums,
    absoluteBias,
    nonZeroWeights,
  };
  preparedByTensor.set(weights, prepared);
  return prepared;
}

/**
 * The words of the layer description layerRows() reads (kernels.wat), by index. Geometry first,
 * then the byte addresses of every region, then the requantization.
 */
const WORD = {
  batch: 0,
  inHeight: 1,
  inWidth: 2,
  inChannels: 3,
  outHeight: 4,
  outWidth: 5,
  outChannels: 6,
  kernelHeight: 7,
  kernelWidth: 8,
  strideHeight: 9,
  strideWidth: 10,
  dilationHeight: 11,
  dilationWidth: 12,
  padTop: 13,
  padLeft: 14,
  groupChannels: 15,
  groupOutputs: 16,
  groups: 17,
  depth: 18,
  blocks: 19,
  fold: 20,
  depthwise: 21,
  input: 22,
  weights: 23,
  bias: 24,
  row: 25,
  taps: 26,
  sum: 27,
  low: 28,
  high: 29,
  zeroLanes: 30,
  nonZeroWeights: 31,
  requantizes: 32,
  kind: 33,
  registerMin: 34,
  registerMax: 35,
  zeroPoint: 36,
  activationMin: 37,
  activationMax: 38,
  boundLow: 39,
  boundHigh: 40,
  typeMin: 41,
  typeMax: 42,
  multipliers: 43,
  shifts: 44,
  leftFactors: 45,
  rightMasks: 46,
  rightFactors: 47,
  outputs: 48,
  accumulators: 49,
  status: 50,
  sums: 51,
  lows: 52,
  highs: 53,
  rounding: 54,
  wide: 55,
  siteLow: 56,
  siteHigh: 57,
  mid: 58,
} as const;
const WORDS = 59;

type LayerExtremes = RowResult['extremes'];

/** The extremes over two threads' outputs. */
function widest(a: LayerExtremes, b: LayerExtremes): LayerExtremes {
  return {
    finalLow: Math.min(a.finalLow, b.finalLow),
    finalHigh: Math.max(a.finalHigh, b.finalHigh),
    partialLow: Math.min(a.partialLow, b.partialLow),
    partialHigh: Math.max(a.partialHigh, b.partialHigh),
  };
}

/**
 * Where the static bound fails but the operands fit int16, int32 lanes still give exact values while
 * every value a lane has held stays within +-(2^30 - 1): each add is then of two values under 2^30
 * in magnitude (a product w * (x - zp) of int16 operands is at most 2^30, a fold's partial sum is
 * one of the values held), so it cannot wrap, and by induction neither can any before it. The
 * first add that could wrap follows a value past the limit, which the running extremes keep, so
 * the output is redone one add at a time (conv.ts). Values are exact whether or not the lane later
 * wrapped: the redo recomputes them all.
 */
const OPTIMISTIC_LIMIT = 2 ** 30 - 1;

function biasesWithin(absoluteBias: Float64Array, limit: number): boolean {
  for (const value of absoluteBias) if (value > limit) return false;
  return true;
}

/** The requantization with its register range narrowed to +-limit: outputs whose extremes leave it are redone. */
function withinLimit(requant: SimdRequant, limit: number): SimdRequant {
  return { ...requant, registerMin: Math.max(requant.registerMin, -limit), registerMax: Math.min(requant.registerMax, limit) };
}

/**
 * One convolution layer in the kernels' memory: the input less its zero point (int16 at byte 0; int32 in mid and wide lanes),
 * the prepared weights, the layer's description, and the layer's outputs, accumulators and
 * per-output status (or, where the kernels do not requantize the layer's mode, each output's sum
 * and extremes) until the layer ends.
 */
export class SimdConvLayer {
  /** Per output after run(): 0, STATUS_REDO (nothing written), or a set of the events (clipped, vector-saturated, requant input saturated). */
  readonly outputStatus: Int32Array;
  readonly outputs: Int32Array;
  readonly accumulators: Float64Array;
  /** Each thread's layer description. */
  private readonly paramsBytes: readonly number[];
  private readonly wideJob: RowJob['wide'];
  private merged: { zeroMacs: number; extremes: LayerExtremes } | undefined;
  private readonly lanesByte: { readonly sums: number; readonly lows: number; readonly highs: number };

  private constructor(
    private readonly kernels: SimdKernels,
    private readonly layer: SimdConvInput,
    prepared: PreparedWeights,
    /** Undefined where the caller requantizes (every wide layer). */
    private readonly requant: SimdRequant | undefined,
    /** Float64 lanes over int32 operands, for sums past int32 or operands past int16. */
    private readonly wide: boolean,
    /** Int32 lanes over int32 operands (activations less their zero point past int16), taken optimistically. */
    mid: boolean,
    threads: number,
    /** Every lane value inside [-exactLimit, exactLimit] is exact; an output with one outside is to be redone. */
    readonly exactLimit: number,
  ) {
    const g = layer.geometry;
    const lanes = prepared.lanes;
    const elementBytes = wide || mid ? 4 : 2;
    const laneBytes = wide ? 8 : 4;
    const tapCount = g.kernelHeight * g.kernelWidth;
    const depth = tapCount * g.groupChannels;
    const blocks = Math.ceil((g.depthwise ? g.outChannels : g.groupOutputs) / LANES);
    const blockBytes = blocks * LANES * laneBytes;
    const count = layer.outputCount;
    const at = new Layout();
    // The depthwise kernel reads a whole block past the last channel: a block's bytes of slack.
    const input = at.take((layer.input.length + LANES) * elementBytes);
    const weights = at.take(lanes.weights.length * elementBytes);
    const bias = at.take(lanes.bias.length * 4);
    const nonZeroWeights = at.take(prepared.nonZeroWeights.length * 4);
    // A layer description and scratch regions per thread; everything else is shared.
    const scratch = Array.from({ length: threads }, () => ({
      params: at.take(WORDS * 4),
      row: at.take(depth * elementBytes),
      taps: at.take(tapCount * 4),
      sum: at.take(blockBytes),
      low: at.take(blockBytes),
      high: at.take(blockBytes),
      zeroLanes: at.take(blocks * LANES * 4),
    }));
    this.paramsBytes = scratch.map((own) => own.params);
    const multipliers = at.take(g.outChannels * 4);
    const shifts = at.take(g.outChannels * 4);
    const leftFactors = at.take(g.outChannels * 4);
    const rightMasks = at.take(g.outChannels * 4);
    const rightFactors = at.take(g.outChannels * 8);
    const outputs = at.take(count * 4);
    const accumulators = at.take(count * 8);
    const status = at.take(count * 4);
    this.lanesByte =
      requant === undefined
        ? { sums: at.take(count * laneBytes), lows: at.take(count * laneBytes), highs: at.take(count * laneBytes) }
        : { sums: 0, lows: 0, highs: 0 };
    const buffer = kernels.reserve(at.bytes);
    const memory32 = new Int32Array(buffer);
    if (wide || mid) memory32.set(lanes.weights, weights / 4);
    else new Int16Array(buffer).set(lanes.weights, weights / 2);
    memory32.set(lanes.bias, bias / 4);
    memory32.set(prepared.nonZeroWeights, nonZeroWeights / 4);
    this.outputStatus = new Int32Array(buffer, status, count);
    this.outputs = new Int32Array(buffer, outputs, count);
    this.accumulators = new Float64Array(buffer, accumulators, count);
    const first = scratch[0] as (typeof scratch)[number];
    const words = new Int32Array(buffer, first.params, WORDS);
    const set = (word: keyof typeof WORD, value: number): void => {
      words[WORD[word]] = value;
    };
    set('batch', g.batch);
    writeGeometry(words, WORD, g);
    set('groups', g.depthwise ? 1 : g.outChannels / g.groupOutputs);
    set('depth', depth);
    set('blocks', blocks);
    set('fold', layer.kFold ?? 0);
    set('depthwise', g.depthwise ? 1 : 0);
    set('input', input);
    set('weights', weights);
    set('bias', bias);
    set('row', first.row);
    set('taps', first.taps);
    set('sum', first.sum);
    set('low', first.low);
    set('high', first.high);
    set('zeroLanes', first.zeroLanes);
    set('nonZeroWeights', nonZeroWeights);
    set('outputs', outputs);
    set('accumulators', accumulators);
    set('status', status);
    set('sums', this.lanesByte.sums);
    set('lows', this.lanesByte.lows);
    set('highs', this.lanesByte.highs);
    set('requantizes', requant === undefined ? 0 : 1);
    set('wide', wide ? 1 : 0);
    set('mid', mid ? 1 : 0);
    if (requant !== undefined) {
      set('kind', requant.kind);
      set('rounding', requant.rounding);
      // The base's two unsigned 32-bit words, stored as int32.
      set('siteLow', (requant.site?.base.lo ?? 0) | 0);
      set('siteHigh', (requant.site?.base.hi ?? 0) | 0);
      set('registerMin', requant.registerMin);
      set('registerMax', requant.registerMax);
      set('zeroPoint', requant.zeroPoint);
      set('activationMin', requant.activationMin);
      set('activationMax', requant.activationMax);
      set('boundLow', requant.boundLow);
      set('boundHigh', requant.boundHigh);
      set('typeMin', requant.typeMin);
      set('typeMax', requant.typeMax);
      set('multipliers', multipliers);
      set('shifts', shifts);
      set('leftFactors', leftFactors);
      set('rightMasks', rightMasks);
      set('rightFactors', rightFactors);
      memory32.set(requant.multipliers, multipliers / 4);
      memory32.set(requant.shifts, shifts / 4);
      // The default build's per-channel shift factors for four lanes at a time (kernels.wat).
      const unsigned = new Uint32Array(buffer);
      for (let oc = 0; oc < (requant.kind === 0 ? g.outChannels : 0); oc += 1) {
        const shift = requant.shifts[oc] as number;
        const right = Math.max(-shift, 0);
        memory32[leftFactors / 4 + oc] = 2 ** Math.max(shift, 0);
        memory32[rightMasks / 4 + oc] = 2 ** right - 1;
        // 2^(32 - right) as int64 words, low then high.
        unsigned[rightFactors / 4 + 2 * oc] = right === 0 ? 0 : 2 ** (32 - right);
        unsigned[rightFactors / 4 + 2 * oc + 1] = right === 0 ? 1 : 0;
      }
    }
    // The other threads' descriptions: the same words with their own scratch regions.
    for (const own of scratch.slice(1)) {
      const copy = new Int32Array(buffer, own.params, WORDS);
      copy.set(words);
      copy[WORD.row] = own.row;
      copy[WORD.taps] = own.taps;
      copy[WORD.sum] = own.sum;
      copy[WORD.low] = own.low;
      copy[WORD.high] = own.high;
      copy[WORD.zeroLanes] = own.zeroLanes;
    }
    this.wideJob =
      wide && requant !== undefined
        ? { registerMin: requant.register.min, registerMax: requant.register.max, int32Input: requant.int32Input }
        : undefined;
  }

  /**
   * The layer laid out for the kernels, in the narrowest lanes that hold it: narrow (int16
   * operands, int32 sums), mid (int32 operands, int32 sums) or wide (int32 operands, float64 sums);
   * undefined where none can (a sum past 2^53, or a depthwise channel multiplier other than 1).
   */
  static of(kernels: SimdKernels, layer: SimdConvInput, threads = 1): SimdConvLayer | undefined {
    try {
      return SimdConvLayer.laidOut(kernels, layer, threads);
    } catch (error) {
      if (error instanceof KernelMemoryFull) return undefined;
      throw error;
    }
  }

  private static laidOut(kernels: SimdKernels, layer: SimdConvInput, threads: number): SimdConvLayer | undefined {
    const g = layer.geometry;
    if (g.depthwise && g.groupOutputs !== 1) return undefined;
    const prepared = prepareWeights(kernels, g, layer.weights, layer.bias);
    const count = layer.input.length;
    const boundOver = (maxAbsActivation: number, limit: number): boolean => {
      for (let oc = 0; oc < g.outChannels; oc += 1) {
        if ((prepared.absoluteBias[oc] as number) + (prepared.absoluteWeightSums[oc] as number) * maxAbsActivation > limit) return true;
      }
      return false;
    };
    if (prepared.narrowWeights) {
      // The input is shifted into place (int16 from byte 0) from a copy past where it goes.
      const staging = aligned((count + LANES) * 2);
      const buffer = kernels.reserve(staging + count * 4);
      new Int32Array(buffer).set(layer.input, staging / 4);
      const maxAbsActivation = kernels.shiftInput(staging, count, layer.inputZeroPoint, 0);
      const proven = maxAbsActivation >= 0 && !boundOver(maxAbsActivation, INT32_MAX);
      if (proven || (maxAbsActivation >= 0 && biasesWithin(prepared.absoluteBias, OPTIMISTIC_LIMIT))) {
        // Zeroing the block after the input keeps the depthwise kernel's over-read to known values.
        new Int16Array(buffer).fill(0, count, count + LANES);
        if (proven) return new SimdConvLayer(kernels, layer, prepared, layer.requant, false, false, threads, INT32_MAX);
        // Sums that could pass int32 (16-bit activations): int32 lanes all the same, every output
        // whose values left the optimistic limit redone (its lane may have wrapped), as below it none can.
        const requant = layer.requant === undefined ? undefined : withinLimit(layer.requant, OPTIMISTIC_LIMIT);
        return new SimdConvLayer(kernels, layer, prepared, requant, false, false, threads, OPTIMISTIC_LIMIT);
      }
    }
    const shifted = new Int32Array(kernels.reserve((count + LANES) * 4), 0, count + LANES);
    const maxAbsActivation = shiftZeroPoint(layer.input, layer.inputZeroPoint, shifted);
    shifted.fill(0, count);
    // Mid lanes: int32 operands and int32 sums, optimistically (OPTIMISTIC_LIMIT's argument needs every product within 2^30).
    if (prepared.maxAbsWeight * maxAbsActivation <= 2 ** 30 && biasesWithin(prepared.absoluteBias, OPTIMISTIC_LIMIT)) {
      const requant = layer.requant === undefined ? undefined : withinLimit(layer.requant, OPTIMISTIC_LIMIT);
      return new SimdConvLayer(kernels, layer, prepared, requant, false, true, threads, OPTIMISTIC_LIMIT);
    }
    // Wide lanes: int32 operands, float64 sums, exact below 2^53.
    if (boundOver(maxAbsActivation, Number.MAX_SAFE_INTEGER)) return undefined;
    // Wide lanes requantize TFLite's integer modes (an int32 accumulator, or the 16x8 int64 one).
    const requant = layer.requant;
    const wideRequant = requant !== undefined && (requant.kind === 5 || (requant.int32Input && requant.kind <= 1)) ? requant : undefined;
    return new SimdConvLayer(kernels, layer, prepared, wideRequant, true, false, threads, Number.MAX_SAFE_INTEGER);
  }

  /** Whether the kernels requantize this layer's outputs. */
  get requantizes(): boolean {
    return this.requant !== undefined;
  }

  /**
   * Runs every output row (row = n * outHeight + oh), split into contiguous ranges over the
   * threads, this one taking the first; returns how many outputs have a status other than 0.
   */
  run(onProgress?: (fraction: number) => void): number {
    const g = this.layer.geometry;
    const rows = g.batch * g.outHeight;
    const threads = Math.min(this.paramsBytes.length, rows);
    const range = (index: number): [number, number] => [Math.floor((rows * index) / threads), Math.floor((rows * (index + 1)) / threads)];
    const jobs: RowJob[] = [];
    for (let index = 1; index < threads; index += 1) {
      const [rowStart, rowEnd] = range(index);
      jobs.push({ params: this.paramsBytes[index] as number, rowStart, rowEnd, wide: this.wideJob });
    }
    const started = jobs.length > 0 ? this.kernels.threads.start(jobs) : [];
    const kernels = this.kernels;
    kernels.resetExtremes();
    kernels.resetZeroMacs();
    if (this.wideJob !== undefined) kernels.setWide(this.wideJob.registerMin, this.wideJob.registerMax, this.wideJob.int32Input);
    const [rowStart, rowEnd] = range(0);
    // With a progress callback this thread's rows go in slices (the other threads keep pace with
    // it); the kernels add up over calls, so the result is the same.
    const slice = onProgress === undefined ? rowEnd - rowStart : Math.max(1, Math.ceil((rowEnd - rowStart) / PROGRESS_SLICES));
    let attention = 0;
    for (let start = rowStart; start < rowEnd; start += slice) {
      const end = Math.min(rowEnd, start + slice);
      attention += kernels.layerRows(this.paramsBytes[0] as number, start, end);
      onProgress?.((end - rowStart) / (rowEnd - rowStart));
    }
    // A job whose thread did not start runs here, after this thread's own rows.
    jobs.forEach((job, index) => {
      if (started[index] !== true) attention += kernels.layerRows(job.params, job.rowStart, job.rowEnd);
    });
    let zeroMacs = kernels.zeroMacs();
    let extremes = this.wide ? kernels.wideExtremes() : kernels.extremes();
    for (const result of this.kernels.threads.finish(started)) {
      attention += result.attention;
      zeroMacs += result.zeroMacs;
      extremes = widest(extremes, this.wide ? result.wideExtremes : result.extremes);
    }
    this.merged = { zeroMacs, extremes };
    return attention;
  }

  /** MACs with a zero operand (padded taps included), over the rows run() ran. */
  zeroOperandMacs(): number {
    return this.merged?.zeroMacs ?? 0;
  }

  /** Where the kernels do not requantize: each output's sum and the extremes of its partial values (float64 in wide lanes). */
  outputLanes(): {
    readonly sums: Int32Array | Float64Array;
    readonly lows: Int32Array | Float64Array;
    readonly highs: Int32Array | Float64Array;
  } {
    const buffer = this.outputs.buffer;
    const count = this.layer.outputCount;
    const view = (byte: number): Int32Array | Float64Array =>
      this.wide ? new Float64Array(buffer, byte, count) : new Int32Array(buffer, byte, count);
    return { sums: view(this.lanesByte.sums), lows: view(this.lanesByte.lows), highs: view(this.lanesByte.highs) };
  }

  /** The extremes of the final sums and of every partial value of the outputs the kernels requantized. */
  kernelExtremes(): LayerExtremes {
    return this.merged?.extremes ?? { finalLow: 0, finalHigh: 0, partialLow: 0, partialHigh: 0 };
  }
}
