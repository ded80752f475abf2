/** The vector unit's add and pooling kernels against the TFLite Micro and onnxruntime layer anchors. */
import { describe, expect, it } from 'vitest';
import { addOrt, addTflite, avgPoolTflite, type ClipCounter, clipCounter, globalAvgPoolOrt, maxPool, type PoolGeometry } from '../../src/engine/kernels/vector.js';
import { readAnchors } from '../support/anchors.js';

interface AnchorTensor {
  shape: number[];
  zeroPoint: number;
  scale: number;
  data: number[];
  dtype?: 'int8' | 'uint8';
  activationMin?: number;
  activationMax?: number;
}

interface Anchor {
  name: string;
  op: string;
  input: AnchorTensor;
  input2?: AnchorTensor;
  output: AnchorTensor;
  attrs: { filter?: [number, number]; stride?: [number, number]; dilation?: [number, number]; padding?: { top: number; left: number } };
  requant: { build?: 'double' | 'single'; buildsAgree?: boolean } | null;
}

const OPS = ['add', 'max_pool', 'avg_pool', 'global_avg_pool'];

function anchors(file: string): Anchor[] {
  return readAnchors<Anchor>(file, OPS);
}

function range(tensor: AnchorTensor): { min: number; max: number } {
  const unsigned = tensor.dtype === 'uint8';
  return { min: tensor.activationMin ?? (unsigned ? 0 : -128), max: tensor.activationMax ?? (unsigned ? 255 : 127) };
}

function poolGeometry(anchor: Anchor): PoolGeometry {
  const [batch = 1, inHeight = 1, inWidth = 1, channels = 1] = anchor.input.shape;
  const [, outHeight = 1, outWidth = 1] = anchor.output.shape;
  const global = anchor.op === 'global_avg_pool';
  return {
    batch, inHeight, inWidth, channels, outHeight, outWidth,
    filterHeight: global ? inHeight : (anchor.attrs.filter?.[0] ?? 1),
    filterWidth: global ? inWidth : (anchor.attrs.filter?.[1] ?? 1),
    strideHeight: anchor.attrs.stride?.[0] ?? 1,
    strideWidth: anchor.attrs.stride?.[1] ?? 1,
    padTop: anchor.attrs.padding?.top ?? 0,
    padLeft: anchor.attrs.padding?.left ?? 0,
    dilationHeight: anchor.attrs.dilation?.[0] ?? 1,
    dilationWidth: anchor.attrs.dilation?.[1] ?? 1,
  };
}

function run(anchor: Anchor, library: 'tflite' | 'ort'): Int32Array[] {
  const counter: ClipCounter = clipCounter(anchor.output.dtype === 'uint8' ? { min: 0, max: 255 } : { min: -128, max: 127 });
  const input = Int32Array.from(anchor.input.data);
  const out = anchor.output;
  if (anchor.op === 'add') {
    const second = anchor.input2;
    if (second === undefined) throw new Error('add without input2');
    const a = { data: input, scale: anchor.input.scale, zeroPoint: anchor.input.zeroPoint };
    const b = { data: Int32Array.from(second.data), scale: second.scale, zeroPoint: second.zeroPoint };
    if (library === 'ort') return [addOrt(a, b, out.scale, out.zeroPoint, range(out), counter)];
    const builds: Array<'double' | 'single'> = anchor.requant?.build === 'single' ? ['single'] : anchor.requant?.buildsAgree === true ? ['double', 'single'] : ['double'];
    return builds.map((build) => addTflite(a, b, out.scale, out.zeroPoint, range(out), build, counter));
  }
  const g = poolGeometry(anchor);
  const typeMin = anchor.input.dtype === 'uint8' ? 0 : -128;
  if (anchor.op === 'max_pool') return [maxPool(g, input, range(out), typeMin, counter)];
  if (anchor.op === 'avg_pool') return [avgPoolTflite(g, input, range(out), counter)];
  return [globalAvgPoolOrt(g, input, anchor.input.scale, anchor.input.zeroPoint, out.scale, out.zeroPoint, range(out), counter)];
}

describe('vector kernels vs TFLite Micro', () => {
  const cases = anchors('tflite-micro.jsonl');
  it('covers add, max pool and average pool', () => {
    expect(new Set(cases.map((c) => c.op))).toEqual(new Set(['add', 'max_pool', 'avg_pool']));
  });
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, anchor) => {
    for (const output of run(anchor, 'tflite')) expect(Array.from(output)).toEqual(anchor.output.data);
  });
});

describe('vector kernels vs onnxruntime', () => {
  const cases = anchors('onnxruntime.jsonl');
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, anchor) => {
    for (const output of run(anchor, 'ort')) expect(Array.from(output)).toEqual(anchor.output.data);
  });
});
