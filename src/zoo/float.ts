/** A plain float32 forward pass (NHWC) of a topology, used to calibrate quantization. */
import type { ConvGeometry } from '../graph/geometry.js';
import { windowedOutput } from '../graph/shapes.js';
import { floatConvSums } from '../kernels/simd/floatConv.js';
import { defaultKernels, simdKernels } from '../kernels/simd/module.js';
import type { Activation, Padding } from './topology.js';

export interface FloatWeights {
  /** OHWI for conv, [1, KH, KW, C] for depthwise, [O, K] for fully connected. */
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

function activate(value: number, activation: Activation): number {
  if (activation === 'none') return value;
  if (value < 0) return 0;
  return activation === 'relu6' && value > 6 ? 6 : value;
}

export function applyActivation(values: Float32Array, activation: Activation): Float32Array {
  if (activation === 'none') return values;
  return values.map((value) => activate(value, activation));
}

/** Convolution before its activation (dense or depthwise). */
export function convFloat(
  input: Float32Array,
  inputShape: readonly number[],
  layer: FloatWeights,
  outChannels: number,
  kernel: [number, number],
  stride: [number, number],
  padding: Padding,
  depthwise: boolean,
): { values: Float32Array; shape: number[] } {
  const [, height = 1, width = 1, channels = 1] = inputShape;
  const window = windowedOutput(height, width, kernel, stride, [1, 1], padding);
  const [kh, kw] = kernel;
  const shape = [1, window.height, window.width, outChannels];
  // The SIMD kernels add in this loop's order and round to float32 where its Float32Array stores do.
  const kernels = defaultKernels() === 'simd' ? simdKernels() : undefined;
  if (kernels !== undefined) {
    const geometry: ConvGeometry = {
      batch: 1,
      inHeight: height,
      inWidth: width,
      inChannels: channels,
      outHeight: window.height,
      outWidth: window.width,
      outChannels,
      kernelHeight: kh,
      kernelWidth: kw,
      strideHeight: stride[0],
      strideWidth: stride[1],
      dilationHeight: 1,
      dilationWidth: 1,
      padTop: window.padding.top,
      padLeft: window.padding.left,
      groupChannels: depthwise ? 1 : channels,
      groupOutputs: depthwise ? 1 : outChannels,
      depthwise,
    };
    const sums = floatConvSums(kernels, geometry, input, layer.weights, layer.bias, 'float32-per-tap');
    if (sums !== undefined) return { values: Float32Array.from(sums), shape };
  }
  const output = new Float32Array(window.height * window.width * outChannels);
  const depth = kh * kw * channels;
  for (let oh = 0; oh < window.height; oh += 1) {
    for (let ow = 0; ow < window.width; ow += 1) {
      const base = (oh * window.width + ow) * outChannels;
      for (let oc = 0; oc < outChannels; oc += 1) output[base + oc] = layer.bias[oc] ?? 0;
      for (let y = 0; y < kh; y += 1) {
        const ih = oh * stride[0] - window.padding.top + y;
        if (ih < 0 || ih >= height) continue;
        for (let x = 0; x < kw; x += 1) {
          const iw = ow * stride[1] - window.padding.left + x;
          if (iw < 0 || iw >= width) continue;
          const inputBase = (ih * width + iw) * channels;
          const tap = y * kw + x;
          if (depthwise) {
            for (let c = 0; c < channels; c += 1)
              output[base + c] = (output[base + c] ?? 0) + (input[inputBase + c] ?? 0) * (layer.weights[tap * channels + c] ?? 0);
          } else {
            for (let oc = 0; oc < outChannels; oc += 1) {
              let sum = 0;
              const weightBase = oc * depth + tap * channels;
              for (let c = 0; c < channels; c += 1) sum += (input[inputBase + c] ?? 0) * (layer.weights[weightBase + c] ?? 0);
              output[base + oc] = (output[base + oc] ?? 0) + sum;
            }
          }
        }
      }
    }
  }
  return { values: output, shape };
}

export function fullyConnectedFloat(input: Float32Array, layer: FloatWeights, outputs: number): Float32Array {
  const depth = input.length;
  const output = new Float32Array(outputs);
  for (let o = 0; o < outputs; o += 1) {
    let sum = layer.bias[o] ?? 0;
    for (let k = 0; k < depth; k += 1) sum += (input[k] ?? 0) * (layer.weights[o * depth + k] ?? 0);
    output[o] = sum;
  }
  return output;
}

export function poolFloat(
  input: Float32Array,
  inputShape: readonly number[],
  kind: 'maxPool' | 'avgPool',
  filter: [number, number],
  stride: [number, number],
  padding: Padding,
): { values: Float32Array; shape: number[] } {
  const [, height = 1, width = 1, channels = 1] = inputShape;
  const window = windowedOutput(height, width, filter, stride, [1, 1], padding);
  const output = new Float32Array(window.height * window.width * channels);
  for (let oh = 0; oh < window.height; oh += 1) {
    for (let ow = 0; ow < window.width; ow += 1) {
      for (let c = 0; c < channels; c += 1) {
        let best = Number.NEGATIVE_INFINITY;
        let sum = 0;
        let count = 0;
        for (let y = 0; y < filter[0]; y += 1) {
          const ih = oh * stride[0] - window.padding.top + y;
          if (ih < 0 || ih >= height) continue;
          for (let x = 0; x < filter[1]; x += 1) {
            const iw = ow * stride[1] - window.padding.left + x;
            if (iw < 0 || iw >= width) continue;
            const value = input[(ih * width + iw) * channels + c] ?? 0;
            best = Math.max(best, value);
            sum += value;
            count += 1;
          }
        }
        output[(oh * window.width + ow) * channels + c] = kind === 'maxPool' ? best : sum / count;
      }
    }
  }
  return { values: output, shape: [1, window.height, window.width, channels] };
}
