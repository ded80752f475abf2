/**
 * One convolution layer laid out in the SIMD kernels' memory: the shifted input and the weights as
 * int16, the weights of each group block-major (8 output channels a block, channels past the
 * group's holding 0), the biases as int32, and per call the sums and extremes of one pixel.
 */
import type { ConvGeometry } from '../../graph/geometry.js';
import type { RequantOutput, RequantParams } from '../../numeric/index.js';
import type { SimdKernels } from './module.js';

const LANES = 8;
const INT32_MAX = 2_147_483_647;

/** Bytes rounded up to the kernels' 16-byte vectors. */
function aligned(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

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

/**
 * TFLite's integer requantization (default or single-rounding build) with the layer's clamps,
 * every bound inside int32: the register's range and the activation's own bounds saturated to it.
 */
export interface SimdRequant {
  readonly multipliers: Int32Array;
  readonly shifts: Int32Array;
  readonly single: boolean;
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

const INT32_MIN = -2_147_483_648;

function saturateToInt32(value: number): number {
  return Math.min(INT32_MAX, Math.max(INT32_MIN, value));
}

/**
 * The kernels' requantization for these channels, or undefined where a channel's mode is not one
 * of TFLite's 32-bit integer ones (all of one build) or its parameters are outside their domain
 * (the plain path then raises the error).
 */
export function simdRequantOf(
  params: readonly RequantParams[],
  register: { readonly min: number; readonly max: number },
  output: RequantOutput,
  activation: { readonly min: number; readonly max: number },
  bounds: { readonly low: number; readonly high: number },
): SimdRequant | undefined {
  const single = params[0]?.mode === 'tflite-single';
  const multipliers = new Int32Array(params.length);
  const shifts = new Int32Array(params.length);
  for (let index = 0; index < params.length; index += 1) {
    const channel = params[index] as RequantParams;
    if (channel.mode !== 'gemmlowp' && channel.mode !== 'tflite-double' && channel.mode !== 'tflite-single') return undefined;
    if (channel.wide === true || (channel.mode === 'tflite-single') !== single) return undefined;
    const { multiplier, shift } = channel;
    if (!Number.isInteger(multiplier) || multiplier < INT32_MIN || multiplier > INT32_MAX) return undefined;
    if (!Number.isInteger(shift) || shift < -31 || shift > 30) return undefined;
    multipliers[index] = multiplier;
    shifts[index] = shift;
  }
  return {
    multipliers,
    shifts,
    single,
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
  /** Undefined where a weight leaves int16. */
  readonly lanes: { readonly weights: Int16Array; readonly bias: Int32Array } | undefined;
  readonly absoluteWeightSums: Float64Array;
  readonly absoluteBias: Float64Array;
  /** Dense: per group and k, how many of the group's output channels have a non-zero weight there. */
  readonly nonZeroWeights: Int32Array;
}

const preparedByTensor = new WeakMap<Int32Array, PreparedWeights>();

function sameGeometry(a: ConvGeometry, b: ConvGeometry): boolean {
  return (
    a.outChannels === b.outChannels &&
    a.kernelHeight === b.kernelHeight &&
    a.kernelWidth === b.kernelWidth &&
    a.groupChannels === b.groupChannels &&
    a.groupOutputs === b.groupOutputs &&
    a.depthwise === b.depthwise
  );
}

function prepareWeights(geometry: ConvGeometry, weights: Int32Array, bias: Int32Array | undefined): PreparedWeights {
  const cached = preparedByTensor.get(weights);
  if (cached !== undefined && cached.bias === bias && sameGeometry(cached.geometry, geometry)) return cached;
  const g = geometry;
  const tapCount = g.kernelHeight * g.kernelWidth;
  const depth = tapCount * g.groupChannels;
  const groupCount = g.depthwise ? 1 : g.outChannels / g.groupOutputs;
  const blocks = Math.ceil((g.depthwise ? g.outChannels : g.groupOutputs) / LANES);
  const lanes = blocks * LANES;
  const absoluteWeightSums = new Float64Array(g.outChannels);
  const absoluteBias = new Float64Array(g.outChannels);
  const nonZeroWeights = new Int32Array(g.depthwise ? 0 : groupCount * depth);
  const laneWeights = new Int16Array(g.depthwise ? tapCount * lanes : groupCount * blocks * depth * LANES);
  const laneBias = new Int32Array(groupCount * lanes);
  let lowest = 0;
  let highest = 0;
  for (let oc = 0; oc < g.outChannels; oc += 1) {
    const value = bias?.[oc] ?? 0;
    absoluteBias[oc] = value < 0 ? -value : value;
  }
  if (g.depthwise) {
    for (let tap = 0; tap < tapCount; tap += 1) {
      for (let oc = 0; oc < g.outChannels; oc += 1) {
        const weight = weights[tap * g.outChannels + oc] as number;
        if (weight < lowest) lowest = weight;
        else if (weight > highest) highest = weight;
        laneWeights[tap * lanes + oc] = weight;
        absoluteWeightSums[oc] = (absoluteWeightSums[oc] as number) + (weight < 0 ? -weight : weight);
      }
    }
    for (let oc = 0; oc < g.outChannels; oc += 1) laneBias[oc] = bias?.[oc] ?? 0;
  } else {
    for (let group = 0; group < groupCount; group += 1) {
      const countBase = group * depth;
      for (let lane = 0; lane < g.groupOutputs; lane += 1) {
        const oc = group * g.groupOutputs + lane;
        const blockBase = (group * blocks + Math.floor(lane / LANES)) * depth * LANES + (lane % LANES);
        const weightBase = oc * depth;
        let sum = 0;
        for (let k = 0; k < depth; k += 1) {
          const weight = weights[weightBase + k] as number;
          if (weight < lowest) lowest = weight;
          else if (weight > highest) highest = weight;
          laneWeights[blockBase + k * LANES] = weight;
          sum += weight < 0 ? -weight : weight;
          // Branch-free: zero weights follow the data.
          nonZeroWeights[countBase + k] = (nonZeroWeights[countBase + k] as number) + +(weight !== 0);
        }
        absoluteWeightSums[oc] = sum;
        laneBias[group * lanes + lane] = bias?.[oc] ?? 0;
      }
    }
  }
  const fits = lowest >= -32_768 && highest <= 32_767;
  const prepared = {
    geometry,
    bias,
    lanes: fits ? { weights: laneWeights, bias: laneBias } : undefined,
    absoluteWeightSums,
    absoluteBias,
    nonZeroWeights,
  };
  preparedByTensor.set(weights, prepared);
  return prepared;
}

/** What one pixel's call leaves: per lane of the pixel's blocks, the sum and the extremes. */
export interface SimdPixel {
  readonly sum: Int32Array;
  readonly low: Int32Array;
  readonly high: Int32Array;
}

/**
 * One convolution layer in the kernels' memory: the input less its zero point as int16, the
 * prepared weights, per call the sums and extremes of one pixel, and the layer's outputs.
 */
export class SimdConvLayer implements SimdPixel {
  readonly sum: Int32Array;
  readonly low: Int32Array;
  readonly high: Int32Array;
  /** Depthwise: per channel, products that were 0 (padded taps not included). */
  readonly zeros: Int32Array;
  /** Per lane after finish(): 0 done, 1 to redo one add at a time, 2 done but clipped. */
  readonly status: Int32Array;
  /** The layer's outputs and stored accumulators, in the kernels' memory until the layer ends. */
  readonly outputs: Int32Array;
  readonly accumulators: Float64Array;
  private readonly memory16: Int16Array;
  private readonly taps: Int32Array;
  private readonly depth: number;
  private readonly blocks: number;
  private readonly fold: number;
  private readonly inputByte = 0;
  private readonly weightByte: number;
  private readonly biasByte: number;
  private readonly rowByte: number;
  private readonly tapByte: number;
  private readonly sumByte: number;
  private readonly lowByte: number;
  private readonly highByte: number;
  private readonly zeroByte: number;
  private readonly statusByte: number;
  private readonly multiplierByte: number;
  private readonly shiftByte: number;
  private readonly leftFactorByte: number;
  private readonly rightMaskByte: number;
  private readonly rightFactorByte: number;
  private readonly outputByte: number;
  private readonly accumulatorByte: number;

  private constructor(
    private readonly kernels: SimdKernels,
    private readonly layer: SimdConvInput,
    private readonly prepared: PreparedWeights,
    lanes: NonNullable<PreparedWeights['lanes']>,
  ) {
    const g = layer.geometry;
    const tapCount = g.kernelHeight * g.kernelWidth;
    this.depth = tapCount * g.groupChannels;
    this.blocks = Math.ceil((g.depthwise ? g.outChannels : g.groupOutputs) / LANES);
    this.fold = layer.kFold ?? 0;
    const blockBytes = this.blocks * LANES * 4;
    // The depthwise kernel reads a whole block past the last channel: 16 bytes of slack.
    this.weightByte = aligned(layer.input.length * 2 + 16);
    this.biasByte = this.weightByte + aligned(lanes.weights.length * 2);
    this.rowByte = this.biasByte + aligned(lanes.bias.length * 4);
    this.tapByte = this.rowByte + aligned(this.depth * 2);
    this.sumByte = this.tapByte + aligned(tapCount * 4);
    this.lowByte = this.sumByte + blockBytes;
    this.highByte = this.lowByte + blockBytes;
    this.zeroByte = this.highByte + blockBytes;
    this.statusByte = this.zeroByte + blockBytes;
    this.multiplierByte = this.statusByte + blockBytes;
    this.shiftByte = this.multiplierByte + aligned(g.outChannels * 4);
    this.leftFactorByte = this.shiftByte + aligned(g.outChannels * 4);
    this.rightMaskByte = this.leftFactorByte + aligned(g.outChannels * 4);
    this.rightFactorByte = this.rightMaskByte + aligned(g.outChannels * 4);
    this.outputByte = this.rightFactorByte + aligned(g.outChannels * 8);
    this.accumulatorByte = this.outputByte + aligned(layer.outputCount * 4);
    const buffer = kernels.reserve(this.accumulatorByte + layer.outputCount * 8);
    this.memory16 = new Int16Array(buffer);
    const memory32 = new Int32Array(buffer);
    this.memory16.set(lanes.weights, this.weightByte / 2);
    memory32.set(lanes.bias, this.biasByte / 4);
    this.taps = new Int32Array(buffer, this.tapByte, tapCount);
    this.sum = new Int32Array(buffer, this.sumByte, this.blocks * LANES);
    this.low = new Int32Array(buffer, this.lowByte, this.blocks * LANES);
    this.high = new Int32Array(buffer, this.highByte, this.blocks * LANES);
    this.zeros = new Int32Array(buffer, this.zeroByte, this.blocks * LANES);
    this.status = new Int32Array(buffer, this.statusByte, this.blocks * LANES);
    this.outputs = new Int32Array(buffer, this.outputByte, layer.outputCount);
    this.accumulators = new Float64Array(buffer, this.accumulatorByte, layer.outputCount);
    if (layer.requant !== undefined) {
      memory32.set(layer.requant.multipliers, this.multiplierByte / 4);
      memory32.set(layer.requant.shifts, this.shiftByte / 4);
      // The default build's per-channel shift factors for four lanes at a time (kernels.wat).
      const words = new Uint32Array(buffer);
      for (let oc = 0; oc < g.outChannels; oc += 1) {
        const shift = layer.requant.shifts[oc] as number;
        const right = Math.max(-shift, 0);
        memory32[this.leftFactorByte / 4 + oc] = 2 ** Math.max(shift, 0);
        memory32[this.rightMaskByte / 4 + oc] = 2 ** right - 1;
        // 2^(32 - right) as int64 words, low then high.
        words[this.rightFactorByte / 4 + 2 * oc] = right === 0 ? 0 : 2 ** (32 - right);
        words[this.rightFactorByte / 4 + 2 * oc + 1] = right === 0 ? 1 : 0;
      }
      kernels.resetExtremes();
    }
  }

  /**
   * The layer laid out for the kernels, or undefined where their lanes cannot hold it: an operand
   * past int16, a partial sum that could pass int32 (|bias| + sum |w| * max |x - zp| over int32 for
   * some channel), or a depthwise channel multiplier other than 1 (lane = input channel).
   */
  static of(kernels: SimdKernels, layer: SimdConvInput): SimdConvLayer | undefined {
    const g = layer.geometry;
    if (g.depthwise && g.groupOutputs !== 1) return undefined;
    const prepared = prepareWeights(g, layer.weights, layer.bias);
    if (prepared.lanes === undefined) return undefined;
    // The input goes through the accumulators' region (free until the layer finishes) to be shifted into place.
    const staging = aligned(layer.input.length * 2 + 16) + aligned(prepared.lanes.weights.length * 2);
    const buffer = kernels.reserve(staging + layer.input.length * 4);
    new Int32Array(buffer).set(layer.input, staging / 4);
    const maxAbsActivation = kernels.shiftInput(staging, layer.input.length, layer.inputZeroPoint, 0);
    if (maxAbsActivation < 0) return undefined;
    for (let oc = 0; oc < g.outChannels; oc += 1) {
      const bound = (prepared.absoluteBias[oc] as number) + (prepared.absoluteWeightSums[oc] as number) * maxAbsActivation;
      if (bound > INT32_MAX) return undefined;
    }
    // Zeroing the 16 bytes after the input keeps the depthwise kernel's over-read to known values.
    new Int16Array(buffer).fill(0, layer.input.length, layer.input.length + 8);
    return new SimdConvLayer(kernels, layer, prepared, prepared.lanes);
  }

  /**
   * Runs one pixel of one group (tap offsets as the plain kernel keeps them: the element offset of
   * the tap's input pixel, or -1 when padded) and returns the MACs with a non-zero weight facing
   * a non-zero activation.
   */
  densePixel(tapOffsets: Int32Array, group: number): number {
    const g = this.layer.geometry;
    const channels = g.groupChannels;
    const firstChannel = group * channels;
    const memory = this.memory16;
    let row: number;
    const only = tapOffsets[0] as number;
    if (tapOffsets.length === 1 && only >= 0) {
      row = this.inputByte / 2 + only + firstChannel;
    } else {
      row = this.rowByte / 2;
      this.writeTaps(tapOffsets);
      this.kernels.gather(this.inputByte, this.tapByte, tapOffsets.length, channels, firstChannel * 2, this.rowByte);
    }
    const lanes = this.blocks * LANES;
    this.kernels.dense(
      row * 2,
      this.weightByte + group * this.blocks * this.depth * 16,
      this.depth,
      this.fold,
      this.blocks,
      this.biasByte + group * lanes * 4,
      this.sumByte,
      this.lowByte,
      this.highByte,
    );
    const counts = this.prepared.nonZeroWeights;
    const countBase = group * this.depth;
    let pairs = 0;
    for (let k = 0; k < this.depth; k += 1) if (memory[row + k] !== 0) pairs += counts[countBase + k] as number;
    return pairs;
  }

  /** Whether finish() requantizes this layer's lanes. */
  get requantizes(): boolean {
    return this.layer.requant !== undefined;
  }

  /** The extremes finish() saw over the layer so far. */
  kernelExtremes(): { finalLow: number; finalHigh: number; partialLow: number; partialHigh: number } {
    return this.kernels.extremes();
  }

  /**
   * Requantizes `count` lanes of the last call, output channels `firstChannel` on, into the outputs
   * from `outputIndex` on (needs `requant`). Returns how many lanes have a status other than 0.
   */
  finish(firstChannel: number, count: number, outputIndex: number): number {
    const r = this.layer.requant as SimdRequant;
    return this.kernels.finishTflite(
      count,
      this.sumByte,
      this.lowByte,
      this.highByte,
      this.multiplierByte + firstChannel * 4,
      this.shiftByte + firstChannel * 4,
      r.single ? 1 : 0,
      r.registerMin,
      r.registerMax,
      r.zeroPoint,
      r.activationMin,
      r.activationMax,
      r.boundLow,
      r.boundHigh,
      r.typeMin,
      r.typeMax,
      this.outputByte + outputIndex * 4,
      this.accumulatorByte + outputIndex * 8,
      this.statusByte,
      this.leftFactorByte + firstChannel * 4,
      this.rightMaskByte + firstChannel * 4,
      this.rightFactorByte + firstChannel * 8,
    );
  }

  /** The tap offsets as the kernels take them: bytes, -1 for a padded tap. */
  private writeTaps(tapOffsets: Int32Array): void {
    for (let tap = 0; tap < tapOffsets.length; tap += 1) {
      const offset = tapOffsets[tap] as number;
      this.taps[tap] = offset < 0 ? -1 : offset * 2;
    }
  }

  /** Runs one pixel of a depthwise layer, all channels. */
  depthwisePixel(tapOffsets: Int32Array): void {
    this.writeTaps(tapOffsets);
    this.kernels.depthwise(
      this.inputByte,
      this.tapByte,
      tapOffsets.length,
      this.weightByte,
      this.blocks,
      this.fold,
      this.biasByte,
      this.sumByte,
      this.lowByte,
      this.highByte,
      this.zeroByte,
    );
  }
}
