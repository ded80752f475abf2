/**
 * Exact convolution (conv2d, grouped, depthwise; fully connected is a 1x1 convolution on a 1x1
 * map) in the documented accumulation order: the bias is loaded first; products w * (x - zp) are
 * taken in increasing k = (kh * KW + kw) * Cg + c; with folds (ws, is: the array rows split K),
 * each fold's partial sum starts at 0 and is then added to the accumulator, folds in order;
 * without folds (os) products go straight into the accumulator. Every add happens at the
 * accumulator's width and wraps or saturates there. Padded taps are skipped.
 */
import {
  accumulate,
  accumulatorRegister,
  type OverflowMode,
  type RequantOutput,
  type RequantParams,
  requantize,
  saturateToInt32,
  scaleAccumulator,
  type StochasticSite,
} from '../numeric/index.js';
import type { ConvGeometry } from '../graph/geometry.js';
import { bitsForRange, emptyOverflow, type EventClock, type EventLocation, type LayerOverflow } from './overflow.js';
import {
  STATUS_CLIPPED,
  STATUS_REDO,
  STATUS_REQUANT_INPUT_SATURATED,
  STATUS_VECTOR_SATURATED,
  SimdConvLayer,
  shiftZeroPoint,
  simdRequantOf,
} from './simd/convLayer.js';
import { defaultKernels, type KernelKind, simdKernels } from './simd/module.js';
import { threadBudget } from './simd/threads.js';

export type { ConvGeometry };

export interface AccumulatorConfig {
  readonly bits: number;
  readonly overflow: OverflowMode;
  /** Products per fold (array rows) for ws/is; undefined for os. */
  readonly kFold: number | undefined;
}

export interface ConvLayerInput {
  readonly geometry: ConvGeometry;
  readonly input: Int32Array;
  readonly inputZeroPoint: number;
  readonly weights: Int32Array;
  readonly bias: Int32Array | undefined;
  readonly accumulator: AccumulatorConfig;
  /** One per output channel. */
  readonly requant: readonly RequantParams[];
  /** The output's zero point and its type's range: leaving the range is output clipping. */
  readonly output: RequantOutput;
  /** The fused activation's range (inside the type range), applied after requantization. */
  readonly activation: { readonly min: number; readonly max: number };
  /** The activation's own bounds before the type range (infinite where it has none), for clipping. */
  readonly activationBounds?: { readonly low: number; readonly high: number };
  /** Library modes take an int32 accumulator: saturate to int32 before requantizing. */
  readonly int32RequantInput: boolean;
  /** Stochastic rounding's site; each output's counter is its flat index. */
  readonly stochasticSite?: StochasticSite;
}

export interface ConvLayerResult {
  readonly output: Int32Array;
  /** The stored accumulator of each output (after wrap or saturate); undefined when not asked for. */
  readonly accumulators: Float64Array | undefined;
  readonly overflow: LayerOverflow;
  /** MACs with a zero weight, a zero (x - zp) or a padded tap, for gated-MAC energy. */
  readonly zeroOperandMacs: number;
  /** Nominal MACs: every (output, k) pair, padded taps included. */
  readonly macs: number;
  /** Which kernels computed the sums (the SIMD ones only take layers whose sums fit their lanes). */
  readonly kernel: KernelKind;
}

/** Wider than any requantized value, so that requantize() itself never clamps. */
const UNBOUNDED = 2 ** 53;

export interface ConvolveOptions {
  /** Take the checked path for every channel (tests use it to prove both paths agree). */
  readonly forceChecked?: boolean;
  /** Orders events by the schedule's time, so that each "first" is the earliest in hardware. */
  readonly eventClock?: EventClock;
  /** Which kernels compute the sums (the default: SIMD where available); both give the same result. */
  readonly kernels?: KernelKind;
  /** Whether the result holds each output's stored accumulator (the default); the engine needs only the outputs. */
  readonly accumulators?: boolean;
  /** Threads the SIMD kernels may split a large layer's rows over (the default: threadBudget()); the result is the same. */
  readonly threads?: number;
  /** Called as the SIMD kernels get through the layer, with the fraction done (0..1), 100 times: for a progress bar. */
  readonly onProgress?: (fraction: number) => void;
}

/** Layers from this many MACs on may run on several threads. */
const THREADED_MACS = 4_000_000;

/**
 * Boots the kernel threads a large layer would use, without waiting for them, so that their start
 * (~70 ms each) overlaps reading the graph: for a command about to compute values.
 */
export function warmKernelThreads(): void {
  const kernels = simdKernels();
  if (kernels !== undefined && defaultKernels() === 'simd') kernels.threads.warm(threadBudget() - 1);
}

/** Running extremes of the exact partial sums (headroom), shared by the loops of one layer. */
interface Extremes {
  low: number;
  high: number;
}

/**
 * Depthwise fast path: one input channel, k = tap. Counts its zero-operand MACs (padded taps included)
 * into `zeros` as it goes, since with nine terms a separate pass would cost as much as the sum.
 */
function dotDepthwise(
  layout: DotLayout,
  oc: number,
  channel: number,
  start: number,
  foldSize: number | undefined,
  extremes: Extremes,
  zeros: { count: number },
): number {
  const { weights, shifted, tapOffsets, outChannels } = layout;
  let exact = start;
  let low = extremes.low;
  let high = extremes.high;
  let zeroCount = 0;
  if (foldSize === undefined) {
    for (let tap = 0; tap < tapOffsets.length; tap += 1) {
      const offset = tapOffsets[tap] as number;
      if (offset < 0) {
        zeroCount += 1;
        continue;
      }
      const product = (weights[tap * outChannels + oc] as number) * (shifted[offset + channel] as number);
      zeroCount += +(product === 0);
      exact += product;
      if (exact < low) low = exact;
      else if (exact > high) high = exact;
    }
  } else {
    let partial = 0;
    let inFold = 0;
    for (let tap = 0; tap < tapOffsets.length; tap += 1) {
      const offset = tapOffsets[tap] as number;
      if (offset < 0) {
        zeroCount += 1;
      } else {
        const product = (weights[tap * outChannels + oc] as number) * (shifted[offset + channel] as number);
        zeroCount += +(product === 0);
        partial += product;
        if (partial < low) low = partial;
        else if (partial > high) high = partial;
      }
      inFold += 1;
      if (inFold === foldSize || tap === tapOffsets.length - 1) {
        exact += partial;
        if (exact < low) low = exact;
        else if (exact > high) high = exact;
        partial = 0;
        inFold = 0;
      }
    }
  }
  extremes.low = low;
  extremes.high = high;
  zeros.count += zeroCount;
  return exact;
}

/** The earliest event of one kind: its location and its time on the event clock. */
class FirstEvent {
  location: EventLocation | undefined;
  private time = Infinity;
  constructor(private readonly clock: EventClock | undefined) {}
  note(output: number, k: number): void {
    if (this.clock === undefined) {
      if (this.location === undefined) this.location = { output, k };
      return;
    }
    const time = this.clock(output, k);
    if (time < this.time) {
      this.time = time;
      this.location = { output, k };
    }
  }
}

/** Everything one output's dot product reads, fixed per layer. */
interface DotLayout {
  readonly weights: Int32Array;
  readonly shifted: Int32Array;
  readonly tapOffsets: Int32Array;
  readonly groupChannels: number;
  readonly depth: number;
  readonly outChannels: number;
}

/**
 * Dense and grouped fast path. Folded (ws, is): products go into the fold's partial sum from 0,
 * which merges into the register at each fold boundary. Unfolded (os): the running sum is the
 * register itself, from the bias on. Runs of channels are taken a boundary at a time, so the inner
 * loop has no boundary test; it takes eight terms at a time with one branch on all sixteen
 * comparisons, since the extremes rarely move, which keeps it close to a plain dot product. (One
 * function on purpose: splitting the run into a helper measured 20% slower.)
 */
function dotDense(
  layout: DotLayout,
  oc: number,
  firstChannel: number,
  start: number,
  foldSize: number | undefined,
  extremes: Extremes,
): number {
  const { weights, shifted, tapOffsets, groupChannels, depth } = layout;
  const folded = foldSize !== undefined;
  let exact = start;
  let low = extremes.low;
  let high = extremes.high;
  let partial = folded ? 0 : start;
  let k = 0;
  let boundary = folded && foldSize < depth ? foldSize : depth;
  for (let tap = 0; tap < tapOffsets.length; tap += 1) {
    const offset = tapOffsets[tap] as number;
    const inputBase = offset + firstChannel;
    const weightBase = oc * depth + tap * groupChannels;
    let c = 0;
    while (c < groupChannels) {
      const runEnd = Math.min(groupChannels, c + (boundary - k));
      if (offset >= 0) {
        let channel = c;
        for (; channel + 8 <= runEnd; channel += 8) {
          const w = weightBase + channel;
          const x = inputBase + channel;
          const s1 = partial + (weights[w] as number) * (shifted[x] as number);
          const s2 = s1 + (weights[w + 1] as number) * (shifted[x + 1] as number);
          const s3 = s2 + (weights[w + 2] as number) * (shifted[x + 2] as number);
          const s4 = s3 + (weights[w + 3] as number) * (shifted[x + 3] as number);
          const s5 = s4 + (weights[w + 4] as number) * (shifted[x + 4] as number);
          const s6 = s5 + (weights[w + 5] as number) * (shifted[x + 5] as number);
          const s7 = s6 + (weights[w + 6] as number) * (shifted[x + 6] as number);
          partial = s7 + (weights[w + 7] as number) * (shifted[x + 7] as number);
          const moved =
            +(s1 < low) |
            +(s1 > high) |
            +(s2 < low) |
            +(s2 > high) |
            +(s3 < low) |
            +(s3 > high) |
            +(s4 < low) |
            +(s4 > high) |
            +(s5 < low) |
            +(s5 > high) |
            +(s6 < low) |
            +(s6 > high) |
            +(s7 < low) |
            +(s7 > high) |
            +(partial < low) |
            +(partial > high);
          if (moved !== 0) {
            // Math.min and Math.max stay fast up to about five arguments.
            low = Math.min(low, s1, s2, s3, s4);
            low = Math.min(low, s5, s6, s7, partial);
            high = Math.max(high, s1, s2, s3, s4);
            high = Math.max(high, s5, s6, s7, partial);
          }
        }
        for (; channel < runEnd; channel += 1) {
          partial += (weights[weightBase + channel] as number) * (shifted[inputBase + channel] as number);
          if (partial < low) low = partial;
          else if (partial > high) high = partial;
        }
      }
      k += runEnd - c;
      c = runEnd;
      if (k === boundary) {
        if (!folded) {
          exact = partial;
          continue;
        }
        exact += partial;
        if (exact < low) low = exact;
        else if (exact > high) high = exact;
        partial = 0;
        boundary = boundary + foldSize < depth ? boundary + foldSize : depth;
      }
    }
  }
  extremes.low = low;
  extremes.high = high;
  return exact;
}

/**
 * Channels whose every partial sum provably fits the accumulator (|bias| + sum |w| * max |x - zp|
 * within range) take a fast path with no range checks; the others add one term at a time with
 * wrap or saturate and its events. Both paths follow the same order and give the same values.
 * Zero-operand MACs are counted beside the dot products, not inside them: a padded tap, a zero
 * activation (counted once per pixel and group) or a zero weight facing a non-zero activation.
 */
export function convolve(layer: ConvLayerInput, options: ConvolveOptions = {}): ConvLayerResult {
  const g = layer.geometry;
  const { kFold } = layer.accumulator;
  const register = accumulatorRegister(layer.accumulator);
  const outputCount = g.batch * g.outHeight * g.outWidth * g.outChannels;
  const overflow = emptyOverflow();
  const firstTransient = new FirstEvent(options.eventClock);
  const firstFinal = new FirstEvent(options.eventClock);
  const firstClipped = new FirstEvent(options.eventClock);
  const firstVectorSaturated = new FirstEvent(options.eventClock);
  const depth = g.kernelHeight * g.kernelWidth * g.groupChannels;
  const foldSize = kFold ?? depth;
  const folded = kFold !== undefined;
  const extremes: Extremes = { low: 0, high: 0 };
  let exactLow = 0;
  let exactHigh = 0;
  const zeroCounter = { count: 0 };

  const weights = layer.weights;
  const weightIndex = (oc: number, k: number): number =>
    g.depthwise ? Math.floor(k / g.groupChannels) * g.outChannels + oc : oc * depth + k;
  // requantize() without its final clamp: the activation and the type are applied after it.
  const unboundedOutput = { zeroPoint: layer.output.zeroPoint, min: -UNBOUNDED, max: UNBOUNDED };
  const bounds = layer.activationBounds ?? { low: layer.activation.min, high: layer.activation.max };
  const typeMin = layer.output.min;
  const typeMax = layer.output.max;
  const activationMin = layer.activation.min;
  const activationMax = layer.activation.max;
  const zeroPoint = layer.output.zeroPoint;
  const params = Array.from({ length: g.outChannels }, (_, oc) => {
    const channel = layer.requant[oc] ?? layer.requant[0];
    if (channel === undefined) throw new Error('no requantization parameters');
    return channel;
  });

  const kernels = simdKernels();
  const simd =
    (options.kernels ?? defaultKernels()) === 'simd' && options.forceChecked !== true && kernels !== undefined
      ? SimdConvLayer.of(
          kernels,
          {
            geometry: g,
            input: layer.input,
            inputZeroPoint: layer.inputZeroPoint,
            weights,
            bias: layer.bias,
            kFold,
            outputCount,
            requant: simdRequantOf(params, register, layer.output, layer.activation, bounds, layer.int32RequantInput, layer.stochasticSite),
          },
          // Threads pay for large layers only: a thread's start and its wake-up cost about what a
          // million MACs do.
          outputCount * depth >= THREADED_MACS ? (options.threads ?? threadBudget()) : 1,
        )
      : undefined;

  // The zero point shifted out once: the multiplier sees (x - zp), one bit wider than x. The SIMD
  // kernels shift their own copy; this one they need only when an output is redone.
  let shifted = new Int32Array(0);
  let maxAbsActivation = 0;
  let shiftedReady = false;
  const shiftInput = (): void => {
    shifted = new Int32Array(layer.input.length);
    maxAbsActivation = shiftZeroPoint(layer.input, layer.inputZeroPoint, shifted);
    shiftedReady = true;
  };
  if (simd === undefined) shiftInput();
  // With SIMD, the layer's outputs stay in the kernels' memory until its end.
  const result = simd?.outputs ?? new Int32Array(outputCount);
  const accumulators = simd?.accumulators ?? new Float64Array(outputCount);
  const safe = new Uint8Array(g.outChannels);
  // Per channel, the tap and channel of each zero weight (dense layers), for the zero-operand count.
  const zeroWeightTaps: Int32Array[] = [];
  const zeroWeightChannels: Int32Array[] = [];
  // The plain kernels' per-channel facts; the SIMD lanes find their own.
  for (let oc = 0; oc < (simd === undefined ? g.outChannels : 0); oc += 1) {
    let weightSum = 0;
    const zeros: number[] = [];
    for (let k = 0; k < depth; k += 1) {
      const weight = weights[weightIndex(oc, k)] as number;
      weightSum += weight < 0 ? -weight : weight;
      if (weight === 0) zeros.push(k);
    }
    zeroWeightTaps.push(Int32Array.from(zeros, (k) => Math.floor(k / g.groupChannels)));
    zeroWeightChannels.push(Int32Array.from(zeros, (k) => k % g.groupChannels));
    const bound = Math.abs(layer.bias?.[oc] ?? 0) + weightSum * maxAbsActivation;
    safe[oc] = options.forceChecked === true || bound > register.max ? 0 : 1;
  }
  const tapCount = g.kernelHeight * g.kernelWidth;
  const tapOffsets = new Int32Array(tapCount);
  const layout: DotLayout = { weights, shifted, tapOffsets, groupChannels: g.groupChannels, depth, outChannels: g.outChannels };
  const groupCount = g.outChannels / g.groupOutputs;
  const groupZeroActivations = new Int32Array(groupCount);

  // One add at the accumulator's width; returns the stored value and counts the event.
  let outputIndex = 0;
  const addAt = (value: number, term: number, k: number): number => {
    const stored = accumulate(register, value, term);
    if (stored !== value + term) {
      overflow.accumulatorTransient += 1;
      firstTransient.note(outputIndex, k);
    }
    return stored;
  };

  /** The documented order one term at a time, with wrap or saturate at every add. */
  const checkedDot = (oc: number, firstChannel: number, bias: number): { acc: number; exact: number } => {
    if (!shiftedReady) shiftInput();
    let acc = addAt(0, bias, -1);
    let exact = bias;
    let partial = 0;
    let partialExact = 0;
    let inFold = 0;
    let foldIndex = 0;
    for (let tap = 0; tap < tapCount; tap += 1) {
      const offset = tapOffsets[tap] as number;
      for (let c = 0; c < g.groupChannels; c += 1) {
        const k = tap * g.groupChannels + c;
        if (offset >= 0) {
          const product = (weights[weightIndex(oc, k)] as number) * (shifted[offset + firstChannel + c] as number);
          exact += product;
          if (folded) {
            partial = addAt(partial, product, k);
            partialExact += product;
            if (partialExact < extremes.low) extremes.low = partialExact;
            if (partialExact > extremes.high) extremes.high = partialExact;
          } else {
            acc = addAt(acc, product, k);
            if (exact < extremes.low) extremes.low = exact;
            if (exact > extremes.high) extremes.high = exact;
          }
        }
        inFold += 1;
        if (folded && (inFold === foldSize || k === depth - 1)) {
          // Merge this fold's partial sum into the accumulator (k = depth + fold index).
          acc = addAt(acc, partial, depth + foldIndex);
          if (exact < extremes.low) extremes.low = exact;
          if (exact > extremes.high) extremes.high = exact;
          partial = 0;
          partialExact = 0;
          inFold = 0;
          foldIndex += 1;
        }
      }
    }
    return { acc, exact };
  };

  // Each pixel and each output's requantization are functions of their own: the optimizing
  // compiler then treats them as hot functions instead of compiling one huge loop on the stack
  // (which deoptimizes each time a rare branch, such as an overflow, first runs).
  const finishOutput = (oc: number, acc: number, exact: number): void => {
    accumulators[outputIndex] = acc;
    if (exact < exactLow) exactLow = exact;
    if (exact > exactHigh) exactHigh = exact;
    if (acc !== exact) {
      overflow.accumulatorFinal += 1;
      firstFinal.note(outputIndex, depth - 1);
    }
    const requantInput = layer.int32RequantInput ? saturateToInt32(acc) : acc;
    if (requantInput !== acc) overflow.requantInputSaturated += 1;
    const channel = params[oc] as RequantParams;
    const draw = layer.stochasticSite === undefined ? undefined : { site: layer.stochasticSite, counter: outputIndex };
    // Requantize without the final clamp, apply the activation, then see whether the type holds it.
    let raw: number;
    if (channel.mode === 'hvx') {
      const hvx = requantize(requantInput, channel, unboundedOutput, draw);
      raw = hvx.value;
      // With the clamp left open, the flag is the pipeline's own int16 saturation.
      if (hvx.clipped) {
        overflow.vectorSaturated += 1;
        firstVectorSaturated.note(outputIndex, depth - 1);
      }
    } else {
      raw = scaleAccumulator(requantInput, channel, draw) + zeroPoint;
    }
    const activated = raw < bounds.low ? bounds.low : raw > bounds.high ? bounds.high : raw;
    result[outputIndex] = raw < activationMin ? activationMin : raw > activationMax ? activationMax : raw;
    if (activated < typeMin || activated > typeMax) {
      overflow.outputClipped += 1;
      firstClipped.note(outputIndex, depth - 1);
    }
  };

  const redoOutput = (oc: number, firstChannel: number): void => {
    const bias = layer.bias?.[oc] ?? 0;
    if (bias < extremes.low) extremes.low = bias;
    if (bias > extremes.high) extremes.high = bias;
    const { acc, exact } = checkedDot(oc, firstChannel, bias);
    finishOutput(oc, acc, exact);
  };

  /** The input channel an output channel's dot product starts at. */
  const firstChannelOf = (oc: number): number => (g.depthwise ? oc : Math.floor(oc / g.groupOutputs) * g.groupChannels);

  /** Sets the tap offsets of pixel (n, oh, ow): the element offset of each tap's input pixel, -1 when padded. Returns the padded taps. */
  const setTaps = (n: number, oh: number, ow: number): number => {
    let paddedTaps = 0;
    for (let kh = 0; kh < g.kernelHeight; kh += 1) {
      const ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight;
      for (let kw = 0; kw < g.kernelWidth; kw += 1) {
        const iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth;
        const inside = ih >= 0 && ih < g.inHeight && iw >= 0 && iw < g.inWidth;
        tapOffsets[kh * g.kernelWidth + kw] = inside ? ((n * g.inHeight + ih) * g.inWidth + iw) * g.inChannels : -1;
        if (!inside) paddedTaps += 1;
      }
    }
    return paddedTaps;
  };

  /** The taps of the pixel of output `index`, for redoing it. */
  const setTapsOfOutput = (index: number): void => {
    const pixel = Math.floor(index / g.outChannels);
    const ow = pixel % g.outWidth;
    const row = (pixel - ow) / g.outWidth;
    setTaps(Math.floor(row / g.outHeight), row % g.outHeight, ow);
  };

  /**
   * The whole layer in the SIMD kernels. Outputs they requantized need only their status read
   * (redo one add at a time, or the events: clipped, saturated in the HVX pipeline); otherwise each output is finished here from its
   * lane's sum where its extremes stayed inside the register (then no add wrapped or saturated),
   * else redone. Outputs are taken in index order, as the pixel loop would.
   */
  const simdLayer = (lanes: SimdConvLayer): void => {
    const attention = lanes.run(options.onProgress);
    zeroCounter.count += lanes.zeroOperandMacs();
    if (lanes.requantizes) {
      if (attention === 0) return;
      const status = lanes.outputStatus;
      for (let index = 0; index < outputCount; index += 1) {
        const code = status[index] as number;
        if (code === 0) continue;
        outputIndex = index;
        const oc = index % g.outChannels;
        if (code === STATUS_REDO) {
          setTapsOfOutput(index);
          redoOutput(oc, firstChannelOf(oc));
          continue;
        }
        if ((code & STATUS_REQUANT_INPUT_SATURATED) !== 0) overflow.requantInputSaturated += 1;
        if ((code & STATUS_VECTOR_SATURATED) !== 0) {
          overflow.vectorSaturated += 1;
          firstVectorSaturated.note(index, depth - 1);
        }
        if ((code & STATUS_CLIPPED) !== 0) {
          overflow.outputClipped += 1;
          firstClipped.note(index, depth - 1);
        }
      }
      return;
    }
    const { sums, lows, highs } = lanes.outputLanes();
    // Inside the register and inside what the lanes hold exactly: the lane's sum is the accumulator.
    const trustedLow = Math.max(register.min, -lanes.exactLimit);
    const trustedHigh = Math.min(register.max, lanes.exactLimit);
    for (let index = 0; index < outputCount; index += 1) {
      outputIndex = index;
      const oc = index % g.outChannels;
      const low = lows[index] as number;
      const high = highs[index] as number;
      if (low < trustedLow || high > trustedHigh) {
        setTapsOfOutput(index);
        redoOutput(oc, firstChannelOf(oc));
        continue;
      }
      const exact = sums[index] as number;
      if (low < extremes.low) extremes.low = low;
      if (high > extremes.high) extremes.high = high;
      finishOutput(oc, exact, exact);
    }
  };

  const convolvePixel = (n: number, oh: number, ow: number): void => {
    const pixelBase = ((n * g.outHeight + oh) * g.outWidth + ow) * g.outChannels;
    const paddedTaps = setTaps(n, oh, ow);
    if (!g.depthwise) {
      for (let group = 0; group < groupCount; group += 1) {
        let zeros = 0;
        for (let tap = 0; tap < tapCount; tap += 1) {
          const offset = tapOffsets[tap] as number;
          if (offset < 0) continue;
          const base = offset + group * g.groupChannels;
          for (let c = 0; c < g.groupChannels; c += 1) zeros += +(shifted[base + c] === 0); // branch-free: ReLU makes zeros unpredictable
        }
        groupZeroActivations[group] = zeros;
      }
    }
    for (let oc = 0; oc < g.outChannels; oc += 1) {
      outputIndex = pixelBase + oc;
      const group = Math.floor(oc / g.groupOutputs);
      const firstChannel = g.depthwise ? group : group * g.groupChannels;
      const bias = layer.bias?.[oc] ?? 0;

      // Nominal MACs with a zero operand: padded taps, zero activations, zero weights (the
      // depthwise path counts its own).
      if (!g.depthwise) {
        let zeros = paddedTaps * g.groupChannels + (groupZeroActivations[group] as number);
        const zeroTaps = zeroWeightTaps[oc] as Int32Array;
        const zeroChannels = zeroWeightChannels[oc] as Int32Array;
        for (let index = 0; index < zeroTaps.length; index += 1) {
          const offset = tapOffsets[zeroTaps[index] as number] as number;
          // A padded tap is already counted; branch-free, since zeros follow the data.
          zeros += +(offset >= 0 && shifted[offset + firstChannel + (zeroChannels[index] as number)] !== 0);
        }
        zeroCounter.count += zeros;
      } else if (safe[oc] !== 1) {
        for (let tap = 0; tap < tapCount; tap += 1) {
          const offset = tapOffsets[tap] as number;
          if (offset < 0 || shifted[offset + firstChannel] === 0 || weights[tap * g.outChannels + oc] === 0) zeroCounter.count += 1;
        }
      }

      let acc: number;
      let exact: number;
      if (safe[oc] === 1) {
        // Nothing can leave the range, so the register is the exact sum; only the headroom
        // extremes need the documented order.
        if (bias < extremes.low) extremes.low = bias;
        if (bias > extremes.high) extremes.high = bias;
        if (g.depthwise) exact = dotDepthwise(layout, oc, firstChannel, bias, kFold, extremes, zeroCounter);
        else exact = dotDense(layout, oc, firstChannel, bias, kFold, extremes);
        acc = exact;
      } else {
        if (bias < extremes.low) extremes.low = bias;
        if (bias > extremes.high) extremes.high = bias;
        ({ acc, exact } = checkedDot(oc, firstChannel, bias));
      }
      finishOutput(oc, acc, exact);
    }
  };

  if (simd !== undefined) {
    simdLayer(simd);
  } else {
    for (let n = 0; n < g.batch; n += 1) {
      for (let oh = 0; oh < g.outHeight; oh += 1) {
        for (let ow = 0; ow < g.outWidth; ow += 1) convolvePixel(n, oh, ow);
      }
    }
  }
  if (simd?.requantizes === true) {
    const lanes = simd.kernelExtremes();
    exactLow = Math.min(exactLow, lanes.finalLow);
    exactHigh = Math.max(exactHigh, lanes.finalHigh);
    extremes.low = Math.min(extremes.low, lanes.partialLow);
    extremes.high = Math.max(extremes.high, lanes.partialHigh);
  }
  overflow.firstTransient = firstTransient.location;
  overflow.firstFinal = firstFinal.location;
  overflow.firstClipped = firstClipped.location;
  overflow.firstVectorSaturated = firstVectorSaturated.location;
  overflow.finalBits = bitsForRange(exactLow, exactHigh);
  overflow.partialBits = bitsForRange(extremes.low, extremes.high);
  return {
    // Copied out of the kernels' memory, which the next layer reuses.
    output: simd === undefined ? result : result.slice(),
    accumulators: options.accumulators === false ? undefined : simd === undefined ? accumulators : accumulators.slice(),
    overflow,
    zeroOperandMacs: zeroCounter.count,
    macs: outputCount * depth,
    kernel: simd === undefined ? 'plain' : 'simd',
  };
}
