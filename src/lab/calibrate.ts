/**
 * Calibration: the float model run over the calibration inputs, and for every activation tensor
 * its observed extremes, mean per channel (bias correction's E[x]) and a deterministic strided
 * sample of its values (percentile and MSE calibration read quantiles from it). Then the range each
 * method picks: minmax the extremes, percentile:P the P-th and (100-P)-th percentiles, mse the
 * shrink of the extremes that minimizes the quantization error of the sample under the scheme.
 */
import { runFloat } from '../float/index.js';
import type { FloatGraph } from '../graph/float.js';
import { sortedFloat32 } from './sortFloats.js';

/** Values kept per tensor over all calibration inputs (the sample percentile and MSE read). */
const SAMPLE_BUDGET = 1 << 21;

export interface TensorStatistics {
  min: number;
  max: number;
  /** Mean of each channel (the last axis) over every input and position. */
  readonly channelMeans: Float64Array;
  /** A strided sample of the values, sorted once calibration ends. */
  sample: Float32Array;
}

export type CalibrationMethod =
  | { readonly kind: 'minmax' }
  | { readonly kind: 'percentile'; readonly percentile: number }
  | { readonly kind: 'mse' };

export interface Range {
  readonly low: number;
  readonly high: number;
}

/** Runs the float model on every calibration input; returns each activation tensor's statistics. */
export function calibrate(graph: FloatGraph, inputs: readonly ReadonlyMap<string, Float32Array>[]): Map<string, TensorStatistics> {
  const statistics = new Map<string, TensorStatistics>();
  // Each tensor's sample, filled in place: every stride-th value of each input's tensor.
  const samples = new Map<string, { values: Float32Array; filled: number }>();
  const counts = new Map<string, number>();
  for (const input of inputs) {
    const values = runFloat(graph, input);
    for (const [name, tensor] of values) {
      const shape = graph.tensors.get(name)?.shape ?? [tensor.length];
      const channels = shape[shape.length - 1] ?? 1;
      const stride = Math.max(1, Math.ceil((tensor.length * inputs.length) / SAMPLE_BUDGET));
      let entry = statistics.get(name);
      let sample = samples.get(name);
      if (entry === undefined || sample === undefined) {
        entry = { min: Infinity, max: -Infinity, channelMeans: new Float64Array(channels), sample: new Float32Array(0) };
        statistics.set(name, entry);
        sample = { values: new Float32Array(Math.ceil(tensor.length / stride) * inputs.length), filled: 0 };
        samples.set(name, sample);
      }
      const sums = entry.channelMeans;
      let { min, max } = entry;
      // Positions then channels: each channel's sum still adds its values in index order.
      for (let base = 0; base < tensor.length; base += channels) {
        for (let channel = 0; channel < channels && base + channel < tensor.length; channel += 1) {
          const value = tensor[base + channel] as number;
          if (value < min) min = value;
          if (value > max) max = value;
          sums[channel] = (sums[channel] as number) + value;
        }
      }
      const kept = sample.values;
      let filled = sample.filled;
      for (let index = 0; index < tensor.length && filled < kept.length; index += stride) {
        kept[filled] = tensor[index] as number;
        filled += 1;
      }
      sample.filled = filled;
      entry.min = min;
      entry.max = max;
      counts.set(name, (counts.get(name) ?? 0) + tensor.length / channels);
    }
  }
  for (const [name, entry] of statistics) {
    const count = counts.get(name) ?? 1;
    for (let channel = 0; channel < entry.channelMeans.length; channel += 1)
      entry.channelMeans[channel] = (entry.channelMeans[channel] ?? 0) / count;
    const sample = samples.get(name);
    entry.sample = sample === undefined ? new Float32Array(0) : sortedFloat32(sample.values.subarray(0, sample.filled));
  }
  return statistics;
}

/** How many values of a sorted sample (NaNs last, as Float32Array's sort puts them) lie below `low` or above `high` (numbers, low <= high). */
export function countOutside(sorted: Float32Array, low: number, high: number): number {
  // The first index at which `past(value)` holds, for a predicate that holds from some index on.
  const firstWhere = (past: (value: number) => boolean): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (past(sorted[mid] as number)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const numbers = firstWhere((value) => Number.isNaN(value));
  const below = firstWhere((value) => Number.isNaN(value) || value >= low);
  const upTo = firstWhere((value) => Number.isNaN(value) || value > high);
  return below + (numbers - upTo);
}

function quantile(sorted: Float32Array, q: number): number {
  if (sorted.length === 0) return 0;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  const fraction = position - below;
  return (sorted[below] ?? 0) * (1 - fraction) + (sorted[above] ?? 0) * fraction;
}

/** A quantizer of reals onto a range, as the scheme will store the tensor (for MSE's error). */
export type RangeQuantizer = (range: Range) => (value: number) => number;

/** Candidate shrinks of the extremes MSE calibration tries: 1.00, 0.99, ..., 0.20. */
const MSE_SHRINKS = Array.from({ length: 81 }, (_, index) => 1 - index / 100);

/** The range a calibration method picks for a tensor; it always contains 0. */
export function calibratedRange(statistics: TensorStatistics, method: CalibrationMethod, quantizer: RangeQuantizer): Range {
  const extremes = { low: Math.min(0, statistics.min), high: Math.max(0, statistics.max) };
  if (method.kind === 'minmax') return extremes;
  if (method.kind === 'percentile') {
    const q = method.percentile / 100;
    return {
      low: Math.min(0, statistics.min < 0 ? quantile(statistics.sample, 1 - q) : 0),
      high: Math.max(0, quantile(statistics.sample, q)),
    };
  }
  let best = extremes;
  let bestError = Infinity;
  for (const shrink of MSE_SHRINKS) {
    const range = { low: extremes.low * shrink, high: extremes.high * shrink };
    const roundTrip = quantizer(range);
    let error = 0;
    for (const value of statistics.sample) {
      const difference = roundTrip(value) - value;
      error += difference * difference;
    }
    if (error < bestError) {
      bestError = error;
      best = range;
    }
  }
  return best;
}
