/**
 * The engine's convolution kernel against the whole-layer anchors recorded from TensorFlow Lite
 * Micro's reference kernels and onnxruntime: outputs and accumulators exactly, under the matching
 * requantization mode, with the accumulation split as each dataflow splits it.
 */
import { describe, expect, it } from 'vitest';
import { convolve, type ConvGeometry } from '../../src/engine/kernels/conv.js';
import { activationRange, channelRequantParams } from '../../src/engine/layerNumerics.js';
import type { HardwareConfig } from '../../src/formats/hardwareSchema.js';
import type { Tensor } from '../../src/graph/model.js';
import type { RequantMode } from '../../src/numeric/index.js';
import { readAnchors } from '../support/anchors.js';

interface AnchorTensor {
  shape: number[];
  zeroPoint: number;
  scale: number | number[];
  data: number[];
  dtype?: 'int8' | 'uint8';
  activationMin?: number;
  activationMax?: number;
}

interface Anchor {
  name: string;
  op: string;
  input: AnchorTensor;
  weights: AnchorTensor & { perChannel: boolean };
  bias: { data: number[] } | null;
  attrs: { stride: [number, number]; dilation: [number, number]; padding: { top: number; left: number }; depthMultiplier?: number; perChannel?: boolean };
  requant: { build?: 'double' | 'single'; multiplier?: number[]; shift?: number[]; buildsAgree?: boolean; mode?: string; effectiveScale?: number[] };
  accumulators: { data: number[] } | number[];
  output: AnchorTensor;
}

function anchors(file: string): Anchor[] {
  return readAnchors<Anchor>(file, ['conv2d', 'depthwise_conv2d', 'fully_connected']);
}

function tensor(name: string, spec: AnchorTensor, perChannel = false): Tensor {
  const signed = spec.dtype !== 'uint8';
  const scales = Array.isArray(spec.scale) ? spec.scale : [spec.scale];
  return {
    name,
    shape: spec.shape,
    type: { name: signed ? 's8' : 'u8', bits: 8, signed },
    quant: { kind: 'affine', scales, zeroPoints: [spec.zeroPoint], axis: perChannel ? 0 : undefined },
    data: Int32Array.from(spec.data),
  };
}

function geometry(anchor: Anchor): ConvGeometry {
  if (anchor.op === 'fully_connected') {
    const [batch = 1, depth = 1] = anchor.input.shape;
    const [outputs = 1] = anchor.weights.shape;
    return { batch, inHeight: 1, inWidth: 1, inChannels: depth, outHeight: 1, outWidth: 1, outChannels: outputs, kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padTop: 0, padLeft: 0, groupChannels: depth, groupOutputs: outputs, depthwise: false };
  }
  const [batch = 1, inHeight = 1, inWidth = 1, inChannels = 1] = anchor.input.shape;
  const [, outHeight = 1, outWidth = 1, outChannels = 1] = anchor.output.shape;
  const [, kernelHeight = 1, kernelWidth = 1, weightChannels = 1] = anchor.weights.shape;
  const depthwise = anchor.op === 'depthwise_conv2d';
  return {
    batch, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, kernelHeight, kernelWidth,
    strideHeight: anchor.attrs.stride[0], strideWidth: anchor.attrs.stride[1],
    dilationHeight: anchor.attrs.dilation[0], dilationWidth: anchor.attrs.dilation[1],
    padTop: anchor.attrs.padding.top, padLeft: anchor.attrs.padding.left,
    groupChannels: depthwise ? 1 : weightChannels,
    groupOutputs: depthwise ? (anchor.attrs.depthMultiplier ?? 1) : outChannels,
    depthwise,
  };
}

function hardware(mode: RequantMode): HardwareConfig {
  return { requant: { mode, unit: 'dedicated' } } as unknown as HardwareConfig;
}

// The accumulation split of each dataflow: os accumulates in one PE; ws and is fold K over the rows.
const SPLITS: Array<[string, number | undefined]> = [['os', undefined], ['ws 32 rows', 32], ['is 8 rows', 8], ['ws 3 rows', 3]];

function check(anchor: Anchor, mode: RequantMode): void {
  const input = tensor('input', anchor.input);
  const perChannel = anchor.weights.perChannel;
  const weights = tensor('weights', anchor.weights, perChannel);
  const output = tensor('output', anchor.output);
  const g = geometry(anchor);
  const requant = channelRequantParams(hardware(mode), input, weights, output, g.outChannels, anchor.op === 'fully_connected' && !perChannel);
  if (anchor.requant.multiplier !== undefined) {
    expect(requant.map((p) => ('multiplier' in p ? [p.multiplier, p.shift] : []))).toEqual(
      anchor.requant.multiplier.map((m, i) => [m, anchor.requant.shift?.[i]]),
    );
  }
  if (anchor.requant.effectiveScale !== undefined) {
    const scales = requant.map((p) => ('scale' in p ? p.scale : undefined));
    expect(anchor.requant.effectiveScale.length === 1 ? [...new Set(scales)] : scales).toEqual(anchor.requant.effectiveScale);
  }
  const range = { min: anchor.output.activationMin ?? (anchor.output.dtype === 'uint8' ? 0 : -128), max: anchor.output.activationMax ?? (anchor.output.dtype === 'uint8' ? 255 : 127) };
  for (const [, kFold] of SPLITS) {
    const result = convolve({
      geometry: g,
      input: Int32Array.from(anchor.input.data),
      inputZeroPoint: anchor.input.zeroPoint,
      weights: Int32Array.from(anchor.weights.data),
      bias: anchor.bias === null ? undefined : Int32Array.from(anchor.bias.data),
      accumulator: { bits: 32, overflow: 'wrap', kFold },
      requant,
      output: { zeroPoint: anchor.output.zeroPoint, min: anchor.output.dtype === 'uint8' ? 0 : -128, max: anchor.output.dtype === 'uint8' ? 255 : 127 },
      activation: range,
      int32RequantInput: mode !== 'ort-float',
    });
    expect(Array.from(result.accumulators)).toEqual(Array.isArray(anchor.accumulators) ? anchor.accumulators : anchor.accumulators.data);
    expect(Array.from(result.output)).toEqual(anchor.output.data);
    expect(result.overflow.accumulatorFinal).toBe(0);
  }
  expect(activationRange).toBeDefined();
}

describe('convolution kernel vs TFLite Micro reference kernels', () => {
  const cases = anchors('tflite-micro.jsonl');
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, anchor) => {
    const build = anchor.requant.build ?? 'double';
    const modes: RequantMode[] = build === 'single' ? ['tflite-single', 'cmsis-nn-single'] : ['tflite-double', 'cmsis-nn', 'gemmlowp'];
    if (anchor.requant.buildsAgree === true) modes.push('tflite-single');
    for (const mode of modes) check(anchor, mode);
  });
});

describe('convolution kernel vs onnxruntime', () => {
  const cases = [...anchors('onnxruntime.jsonl'), ...anchors('onnxruntime-bigacc.jsonl')];
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, anchor) => {
    check(anchor, 'ort-float');
  });
});
