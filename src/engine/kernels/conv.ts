/**
 * Exact convolution (conv2d, grouped, depthwise; fully connected is a 1x1 convolution on a 1x1
 * map) in the documented accumulation order: the bias is loaded first; products w * (x - zp) are
 * taken in increasing k = (kh * KW + kw) * Cg + c; with folds (ws, is: the array rows split K),
 * each fold's partial sum starts at 0 and is then added to the accumulator, folds in order;
 * without folds (os) products go straight into the accumulator. Every add happens at the
 * accumulator's width and wraps or saturates there. Padded taps are skipped.
 */
import { type RequantOutput, type RequantParams, requantize, type StochasticSite } from '../../numeric/index.js';
import { bitsForRange, emptyOverflow, type LayerOverflow } from '../overflow.js';

export interface ConvGeometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
  /** Input channels each output channel reads (C / groups; 1 for depthwise). */
  readonly groupChannels: number;
  /** Output channels per group (O / groups; the depth multiplier for depthwise). */
  readonly groupOutputs: number;
  /** Depthwise weights are [1, KH, KW, C*M]; others are OHWI. */
  readonly depthwise: boolean;
}

export interface AccumulatorConfig {
  readonly bits: number;
  readonly overflow: 'wrap' | 'saturate';
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
  /** The stored accumulator of each output (after wrap or saturate). */
  readonly accumulators: Float64Array;
  readonly overflow: LayerOverflow;
  /** MACs with a zero weight, a zero (x - zp) or a padded tap, for gated-MAC energy. */
  readonly zeroOperandMacs: number;
  /** Nominal MACs: every (output, k) pair, padded taps included. */
  readonly macs: number;
}

/** Wider than any requantized value, so that requantize() itself never clamps. */
const UNBOUNDED = 2 ** 53;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

export interface ConvolveOptions {
  /** Take the checked path for every channel (tests use it to prove both paths agree). */
  readonly forceChecked?: boolean;
}

/**
 * Channels whose every partial sum provably fits the accumulator (|bias| + sum |w| * max |x - zp|
 * within range) take a fast path with no range checks; the others add one term at a time with
 * wrap or saturate and its events. Both paths follow the same order and give the same values.
 */
export function convolve(layer: ConvLayerInput, options: ConvolveOptions = {}): ConvLayerResult {
  const g = layer.geometry;
  const { bits, overflow: mode, kFold } = layer.accumulator;
  const accMin = -(2 ** (bits - 1));
  const accMax = 2 ** (bits - 1) - 1;
  const modulus = 2 ** bits;
  const saturating = mode === 'saturate';
  const outputCount = g.batch * g.outHeight * g.outWidth * g.outChannels;
  const result = new Int32Array(outputCount);
  const accumulators = new Float64Array(outputCount);
  const overflow = emptyOverflow();
  const depth = g.kernelHeight * g.kernelWidth * g.groupChannels;
  const foldSize = kFold ?? depth;
  const folded = kFold !== undefined;
  let exactLow = 0;
  let exactHigh = 0;
  let partialLow = 0;
  let partialHigh = 0;
  let zeroOperandMacs = 0;
  let macs = 0;

  // Shift the zero point out once: the multiplier sees (x - zp), one bit wider than x.
  const shifted = new Int32Array(layer.input.length);
  for (let index = 0; index < shifted.length; index += 1) shifted[index] = (layer.input[index] ?? 0) - layer.inputZeroPoint;

  let maxAbsActivation = 0;
  for (let index = 0; index < shifted.length; index += 1) {
    const magnitude = Math.abs(shifted[index] as number);
    if (magnitude > maxAbsActivation) maxAbsActivation = magnitude;
  }
  const safe = new Uint8Array(g.outChannels);
  for (let oc = 0; oc < g.outChannels; oc += 1) {
    let weightSum = 0;
    for (let k = 0; k < depth; k += 1) {
      const tap = Math.floor(k / g.groupChannels);
      const weight = g.depthwise ? (layer.weights[tap * g.outChannels + oc] as number) : (layer.weights[oc * depth + k] as number);
      weightSum += Math.abs(weight);
    }
    const bound = Math.abs(layer.bias?.[oc] ?? 0) + weightSum * maxAbsActivation;
    safe[oc] = options.forceChecked === true || bound > accMax ? 0 : 1;
  }
  const tapOffsets = new Int32Array(g.kernelHeight * g.kernelWidth);
  const tapCount = tapOffsets.length;

  // One add at the accumulator's width; returns the stored value and counts the event.
  // requantize() without its final clamp: the activation and the type are applied after it.
  const unboundedOutput = { zeroPoint: layer.output.zeroPoint, min: -UNBOUNDED, max: UNBOUNDED };
  const bounds = layer.activationBounds ?? { low: layer.activation.min, high: layer.activation.max };
  let outputIndex = 0;
  const addAt = (register: number, term: number, k: number): number => {
    const sum = register + term;
    if (sum >= accMin && sum <= accMax) return sum;
    overflow.accumulatorTransient += 1;
    if (overflow.firstTransient === undefined) overflow.firstTransient = { output: outputIndex, k };
    if (saturating) return sum < accMin ? accMin : accMax;
    return sum - Math.floor((sum - accMin) / modulus) * modulus;
  };

  for (let n = 0; n < g.batch; n += 1) {
    for (let oh = 0; oh < g.outHeight; oh += 1) {
      for (let ow = 0; ow < g.outWidth; ow += 1) {
        const pixelBase = ((n * g.outHeight + oh) * g.outWidth + ow) * g.outChannels;
        for (let kh = 0; kh < g.kernelHeight; kh += 1) {
          const ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight;
          for (let kw = 0; kw < g.kernelWidth; kw += 1) {
            const iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth;
            const inside = ih >= 0 && ih < g.inHeight && iw >= 0 && iw < g.inWidth;
            tapOffsets[kh * g.kernelWidth + kw] = inside ? ((n * g.inHeight + ih) * g.inWidth + iw) * g.inChannels : -1;
          }
        }
        for (let oc = 0; oc < g.outChannels; oc += 1) {
          outputIndex = pixelBase + oc;
          const group = Math.floor(oc / g.groupOutputs);
          const firstChannel = g.depthwise ? group : group * g.groupChannels;
          const bias = layer.bias?.[oc] ?? 0;
          let acc: number;
          let exact: number;
          if (safe[oc] === 1) {
            // Fast path: nothing can leave the range, so the register is the exact sum; only the
            // headroom extremes need the documented order (fold partials from 0, merges in order).
            exact = bias;
            if (exact < partialLow) partialLow = exact;
            if (exact > partialHigh) partialHigh = exact;
            const weights = layer.weights;
            const groupChannels = g.groupChannels;
            let low = partialLow;
            let high = partialHigh;
            let zeros = 0;
            if (!folded) {
              for (let tap = 0; tap < tapCount; tap += 1) {
                const offset = tapOffsets[tap] as number;
                if (offset < 0) {
                  zeros += groupChannels;
                  continue;
                }
                const inputBase = offset + firstChannel;
                if (g.depthwise) {
                  const weight = weights[tap * g.outChannels + oc] as number;
                  const activation = shifted[inputBase] as number;
                  if (weight === 0 || activation === 0) zeros += 1;
                  exact += weight * activation;
                  if (exact < low) low = exact;
                  else if (exact > high) high = exact;
                  continue;
                }
                const weightBase = oc * depth + tap * groupChannels;
                for (let c = 0; c < groupChannels; c += 1) {
                  const weight = weights[weightBase + c] as number;
                  const activation = shifted[inputBase + c] as number;
                  if (weight === 0 || activation === 0) zeros += 1;
                  exact += weight * activation;
                  if (exact < low) low = exact;
                  else if (exact > high) high = exact;
                }
              }
            } else {
              // Folded: products go into the fold's partial sum, which merges into the register at
              // each fold boundary. Runs of channels are taken a boundary at a time, so the inner
              // loop has no boundary test.
              let partial = 0;
              let k = 0;
              let boundary = foldSize < depth ? foldSize : depth;
              for (let tap = 0; tap < tapCount; tap += 1) {
                const offset = tapOffsets[tap] as number;
                const inputBase = offset + firstChannel;
                const weightBase = g.depthwise ? tap * g.outChannels + oc : oc * depth + tap * groupChannels;
                let c = 0;
                while (c < groupChannels) {
                  const runEnd = Math.min(groupChannels, c + (boundary - k));
                  if (offset < 0) {
                    zeros += runEnd - c;
                  } else {
                    for (let channel = c; channel < runEnd; channel += 1) {
                      const weight = weights[weightBase + channel] as number;
                      const activation = shifted[inputBase + channel] as number;
                      if (weight === 0 || activation === 0) zeros += 1;
                      partial += weight * activation;
                      if (partial < low) low = partial;
                      else if (partial > high) high = partial;
                    }
                  }
                  k += runEnd - c;
                  c = runEnd;
                  if (k === boundary) {
                    exact += partial;
                    if (exact < low) low = exact;
                    else if (exact > high) high = exact;
                    partial = 0;
                    boundary = boundary + foldSize < depth ? boundary + foldSize : depth;
                  }
                }
              }
            }
            partialLow = low;
            partialHigh = high;
            zeroOperandMacs += zeros;
            macs += depth;
            acc = exact;
          } else {
          acc = addAt(0, bias, -1);
          exact = bias;
          if (exact < partialLow) partialLow = exact;
          if (exact > partialHigh) partialHigh = exact;
          let partial = 0;
          let partialExact = 0;
          let inFold = 0;
          let foldIndex = 0;
          for (let kh = 0; kh < g.kernelHeight; kh += 1) {
            const ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight;
            for (let kw = 0; kw < g.kernelWidth; kw += 1) {
              const iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth;
              const inside = ih >= 0 && ih < g.inHeight && iw >= 0 && iw < g.inWidth;
              const inputBase = ((n * g.inHeight + ih) * g.inWidth + iw) * g.inChannels + firstChannel;
              const tap = kh * g.kernelWidth + kw;
              for (let c = 0; c < g.groupChannels; c += 1) {
                const k = tap * g.groupChannels + c;
                // MACs are nominal (the papers' count): a padded tap occupies its PE step with a zero operand.
                macs += 1;
                if (!inside) zeroOperandMacs += 1;
                if (inside) {
                  const weight = g.depthwise
                    ? (layer.weights[tap * g.outChannels + oc] ?? 0)
                    : (layer.weights[oc * depth + k] ?? 0);
                  const activation = shifted[inputBase + c] ?? 0;
                  const product = weight * activation;
                  if (weight === 0 || activation === 0) zeroOperandMacs += 1;
                  if (folded) {
                    partial = addAt(partial, product, k);
                    partialExact += product;
                    if (partialExact < partialLow) partialLow = partialExact;
                    if (partialExact > partialHigh) partialHigh = partialExact;
                  } else {
                    acc = addAt(acc, product, k);
                  }
                  exact += product;
                  if (!folded) {
                    if (exact < partialLow) partialLow = exact;
                    if (exact > partialHigh) partialHigh = exact;
                  }
                }
                inFold += 1;
                if (folded && (inFold === foldSize || k === depth - 1)) {
                  // Merge this fold's partial sum into the accumulator (k = depth + fold index).
                  acc = addAt(acc, partial, depth + foldIndex);
                  const merged = exact;
                  if (merged < partialLow) partialLow = merged;
                  if (merged > partialHigh) partialHigh = merged;
                  partial = 0;
                  partialExact = 0;
                  inFold = 0;
                  foldIndex += 1;
                }
              }
            }
          }
          }
          accumulators[outputIndex] = acc;
          if (exact < exactLow) exactLow = exact;
          if (exact > exactHigh) exactHigh = exact;
          if (acc !== exact) {
            overflow.accumulatorFinal += 1;
            if (overflow.firstFinal === undefined) overflow.firstFinal = { output: outputIndex, k: depth - 1 };
          }
          let requantInput = acc;
          if (layer.int32RequantInput && (acc < INT32_MIN || acc > INT32_MAX)) {
            requantInput = acc < INT32_MIN ? INT32_MIN : INT32_MAX;
            overflow.requantInputSaturated += 1;
          }
          const params = layer.requant[oc] ?? layer.requant[0];
          if (params === undefined) throw new Error('no requantization parameters');
          const draw = layer.stochasticSite === undefined ? undefined : { site: layer.stochasticSite, counter: outputIndex };
          // Requantize without the final clamp, apply the activation, then see whether the type holds it.
          const raw = requantize(requantInput, params, unboundedOutput, draw);
          const activated = raw.value < bounds.low ? bounds.low : raw.value > bounds.high ? bounds.high : raw.value;
          const clipped = raw.clipped || activated < layer.output.min || activated > layer.output.max;
          const value = raw.value < layer.activation.min ? layer.activation.min : raw.value > layer.activation.max ? layer.activation.max : raw.value;
          result[outputIndex] = value;
          if (clipped) {
            overflow.outputClipped += 1;
            if (overflow.firstClipped === undefined) overflow.firstClipped = { output: outputIndex, k: depth - 1 };
          }
        }
      }
    }
  }
  overflow.finalBits = bitsForRange(exactLow, exactHigh);
  overflow.partialBits = bitsForRange(partialLow, partialHigh);
  return { output: result, accumulators, overflow, zeroOperandMacs, macs };
}
