/**
 * Whole-layer conformance cases (the format of ../shared/anchors/layers/FORMAT.md: TFLite Micro's
 * reference kernels and onnxruntime, one layer or a chain of layers a line). Each case runs through
 * the engine's kernels under every requantization mode that claims the recording library's
 * arithmetic, and for array layers under the accumulation split of every dataflow; it passes when
 * every run gives the recorded outputs (and accumulators, where recorded) exactly.
 */
import { convolve } from '../kernels/conv.js';
import { addOrt, addTflite, avgPoolTflite, clipCounter, globalAvgPoolOrt, maxPool } from '../kernels/vector.js';
import { channelRequantParams } from '../engine/layerNumerics.js';
import { InputError } from '../errors.js';
import type { Tensor } from '../graph/model.js';
import { type ConvGeometry, fullyConnectedGeometry, type PoolGeometry } from '../graph/geometry.js';
import type { RequantMode } from '../numeric/index.js';

export const LAYER_CASE_OPS = [
  'conv2d',
  'depthwise_conv2d',
  'fully_connected',
  'add',
  'max_pool',
  'avg_pool',
  'global_avg_pool',
  'chain',
] as const;

interface CaseTensor {
  shape: number[];
  zeroPoint: number;
  scale: number | number[];
  data: number[];
  dtype?: 'int8' | 'uint8';
  activationMin?: number;
  activationMax?: number;
}

interface CaseLayer {
  op: string;
  weights?: (CaseTensor & { perChannel?: boolean }) | null;
  bias?: { data: number[] } | null;
  attrs?: {
    stride?: [number, number];
    dilation?: [number, number];
    padding?: { top: number; left: number };
    depthMultiplier?: number;
    filter?: [number, number];
  };
  requant?: {
    build?: 'double' | 'single';
    multiplier?: number[];
    shift?: number[];
    buildsAgree?: boolean;
    mode?: string;
    effectiveScale?: number[];
  } | null;
  accumulators?: { data: number[] } | number[] | null;
  output: CaseTensor;
}

interface LayerCaseRecord extends CaseLayer {
  name: string;
  source?: string;
  input: CaseTensor;
  input2?: CaseTensor;
  layers?: CaseLayer[];
}

export interface LayerCase {
  readonly file: string;
  readonly line: number;
  readonly record: LayerCaseRecord;
}

/** Whether a parsed JSON line is a layer case (it names a layer op and has no `args`). */
export function isLayerCaseRecord(record: Record<string, unknown>): boolean {
  return typeof record.op === 'string' && (LAYER_CASE_OPS as readonly string[]).includes(record.op) && !('args' in record);
}

function isTensor(value: unknown): value is CaseTensor {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Record<string, unknown>;
  return (
    Array.isArray(t.shape) &&
    Array.isArray(t.data) &&
    typeof t.zeroPoint === 'number' &&
    (typeof t.scale === 'number' || Array.isArray(t.scale))
  );
}

/** Checks the fields the runner reads; anything else malformed is the file's fault (exit 2). */
export function parseLayerCase(record: Record<string, unknown>, file: string, line: number): LayerCase {
  const fail = (what: string): never => {
    throw new InputError(`layer case: ${what}`, file, `${line}`);
  };
  if (typeof record.name !== 'string') fail('"name": expected a string');
  if (!isTensor(record.input)) fail('"input": expected a tensor {shape, zeroPoint, scale, data}');
  if (!isTensor(record.output)) fail('"output": expected a tensor {shape, zeroPoint, scale, data}');
  if (record.op === 'add' && !isTensor(record.input2)) fail('"input2": an add needs a second input tensor');
  if (['conv2d', 'depthwise_conv2d', 'fully_connected'].includes(record.op as string) && !isTensor(record.weights))
    fail('"weights": expected a tensor');
  if (record.op === 'chain') {
    if (!Array.isArray(record.layers) || record.layers.length === 0) fail('"layers": a chain needs a list of layers');
    (record.layers as unknown[]).forEach((layer, index) => {
      const fields = layer as Record<string, unknown>;
      if (typeof fields.op !== 'string' || !isTensor(fields.output)) fail(`"layers[${index}]": expected {op, output, ...}`);
    });
  }
  return { file, line, record: record as unknown as LayerCaseRecord };
}

export interface LayerCaseFailure {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  readonly reason: string;
}

/** The accumulation splits of the dataflows: os in one accumulator; ws and is fold K over the rows. */
const SPLITS: ReadonlyArray<readonly [string, number | undefined]> = [
  ['os', undefined],
  ['ws, 32 rows', 32],
  ['is, 8 rows', 8],
  ['ws, 3 rows', 3],
];

class Mismatch extends Error {}

function expectEqual(what: string, actual: ArrayLike<number>, expected: readonly number[]): void {
  if (actual.length !== expected.length) throw new Mismatch(`${what}: ${actual.length} values, the case has ${expected.length}`);
  for (let index = 0; index < expected.length; index += 1) {
    if (actual[index] !== expected[index]) throw new Mismatch(`${what}[${index}]: got ${actual[index]}, expected ${expected[index]}`);
  }
}

function tensorOf(name: string, spec: CaseTensor, perChannel = false): Tensor {
  const signed = spec.dtype !== 'uint8';
  return {
    name,
    shape: spec.shape,
    type: { name: signed ? 's8' : 'u8', bits: 8, signed },
    quant: {
      kind: 'affine',
      scales: Array.isArray(spec.scale) ? spec.scale : [spec.scale],
      zeroPoints: [spec.zeroPoint],
      axis: perChannel ? 0 : undefined,
    },
    data: Int32Array.from(spec.data),
  };
}

function typeRangeOf(spec: CaseTensor): { min: number; max: number } {
  return spec.dtype === 'uint8' ? { min: 0, max: 255 } : { min: -128, max: 127 };
}

function activationRangeOf(spec: CaseTensor): { min: number; max: number } {
  const type = typeRangeOf(spec);
  return { min: spec.activationMin ?? type.min, max: spec.activationMax ?? type.max };
}

function scalarScale(spec: CaseTensor): number {
  return Array.isArray(spec.scale) ? (spec.scale[0] ?? 1) : spec.scale;
}

function convGeometryOf(layer: CaseLayer, input: CaseTensor): ConvGeometry {
  const weights = layer.weights as CaseTensor;
  if (layer.op === 'fully_connected') {
    const [batch = 1, depth = 1] = input.shape;
    const [outputs = 1] = weights.shape;
    return fullyConnectedGeometry(batch, depth, outputs);
  }
  const [batch = 1, inHeight = 1, inWidth = 1, inChannels = 1] = input.shape;
  const [, outHeight = 1, outWidth = 1, outChannels = 1] = layer.output.shape;
  const [, kernelHeight = 1, kernelWidth = 1, weightChannels = 1] = weights.shape;
  const depthwise = layer.op === 'depthwise_conv2d';
  const attrs = layer.attrs ?? {};
  return {
    batch,
    inHeight,
    inWidth,
    inChannels,
    outHeight,
    outWidth,
    outChannels,
    kernelHeight,
    kernelWidth,
    strideHeight: attrs.stride?.[0] ?? 1,
    strideWidth: attrs.stride?.[1] ?? 1,
    dilationHeight: attrs.dilation?.[0] ?? 1,
    dilationWidth: attrs.dilation?.[1] ?? 1,
    padTop: attrs.padding?.top ?? 0,
    padLeft: attrs.padding?.left ?? 0,
    groupChannels: depthwise ? 1 : weightChannels,
    groupOutputs: depthwise ? (attrs.depthMultiplier ?? 1) : outChannels,
    depthwise,
  };
}

function poolGeometryOf(layer: CaseLayer, input: CaseTensor): PoolGeometry {
  const [batch = 1, inHeight = 1, inWidth = 1, channels = 1] = input.shape;
  const [, outHeight = 1, outWidth = 1] = layer.output.shape;
  const global = layer.op === 'global_avg_pool';
  const attrs = layer.attrs ?? {};
  return {
    batch,
    inHeight,
    inWidth,
    channels,
    outHeight,
    outWidth,
    filterHeight: global ? inHeight : (attrs.filter?.[0] ?? 1),
    filterWidth: global ? inWidth : (attrs.filter?.[1] ?? 1),
    strideHeight: attrs.stride?.[0] ?? 1,
    strideWidth: attrs.stride?.[1] ?? 1,
    padTop: attrs.padding?.top ?? 0,
    padLeft: attrs.padding?.left ?? 0,
    dilationHeight: attrs.dilation?.[0] ?? 1,
    dilationWidth: attrs.dilation?.[1] ?? 1,
  };
}

/** The modes that claim the recording library's arithmetic for this layer. */
function modesFor(record: LayerCaseRecord, layer: CaseLayer): RequantMode[] {
  const mode = layer.requant?.mode ?? record.requant?.mode;
  if (mode === 'ort-float' || mode === 'none' || record.name.startsWith('ort-')) return ['ort-float'];
  if (layer.requant?.build === 'single') return ['tflite-single', 'cmsis-nn-single'];
  const modes: RequantMode[] = ['tflite-double', 'cmsis-nn', 'gemmlowp'];
  if (layer.requant?.buildsAgree === true) modes.push('tflite-single', 'cmsis-nn-single');
  return modes;
}

/** Runs one array layer under one mode on every split; returns its output. */
function runArrayLayer(layer: CaseLayer, input: CaseTensor, mode: RequantMode, where: string): Int32Array {
  const weightsSpec = layer.weights as CaseTensor & { perChannel?: boolean };
  const perChannel = weightsSpec.perChannel ?? (Array.isArray(weightsSpec.scale) && weightsSpec.scale.length > 1);
  const inputTensor = tensorOf('input', input);
  const weights = tensorOf('weights', weightsSpec, perChannel);
  const output = tensorOf('output', layer.output);
  const geometry = convGeometryOf(layer, input);
  // Library modes only: no rounding, no S-DFP bias; the accumulator width does not enter their steps.
  const requant = channelRequantParams(
    { mode, rounding: undefined, shiftBias: 0, accumulatorBits: 32 },
    inputTensor,
    weights,
    output,
    geometry.outChannels,
    layer.op === 'fully_connected' && !perChannel,
  );
  if (layer.requant?.multiplier !== undefined) {
    requant.forEach((params, channel) => {
      const recorded = [layer.requant?.multiplier?.[channel], layer.requant?.shift?.[channel]];
      const derived = 'multiplier' in params ? [params.multiplier, params.shift] : [];
      if (recorded[0] !== derived[0] || recorded[1] !== derived[1])
        throw new Mismatch(
          `${where} ${mode}: channel ${channel} multiplier/shift ${derived.join('/')}, the case has ${recorded.join('/')}`,
        );
    });
  }
  const recordedAccumulators =
    layer.accumulators === null || layer.accumulators === undefined
      ? undefined
      : Array.isArray(layer.accumulators)
        ? layer.accumulators
        : layer.accumulators.data;
  let result: Int32Array | undefined;
  for (const [split, kFold] of SPLITS) {
    const run = convolve({
      geometry,
      input: Int32Array.from(input.data),
      inputZeroPoint: input.zeroPoint,
      weights: Int32Array.from(weightsSpec.data),
      bias: layer.bias === null || layer.bias === undefined ? undefined : Int32Array.from(layer.bias.data),
      accumulator: { bits: 32, overflow: 'wrap', kFold },
      requant,
      output: { zeroPoint: layer.output.zeroPoint, ...typeRangeOf(layer.output) },
      activation: activationRangeOf(layer.output),
      int32RequantInput: mode !== 'ort-float',
    });
    if (recordedAccumulators !== undefined)
      expectEqual(`${where} ${mode} (${split}) accumulators`, run.accumulators ?? [], recordedAccumulators);
    expectEqual(`${where} ${mode} (${split}) output`, run.output, layer.output.data);
    result = run.output;
  }
  return result as Int32Array;
}

function runVectorLayer(layer: CaseLayer, input: CaseTensor, input2: CaseTensor | undefined, mode: RequantMode, where: string): Int32Array {
  const out = layer.output;
  const counter = clipCounter(typeRangeOf(out));
  const data = Int32Array.from(input.data);
  let result: Int32Array;
  if (layer.op === 'add') {
    if (input2 === undefined) throw new Mismatch(`${where}: add without input2`);
    const a = { data, scale: scalarScale(input), zeroPoint: input.zeroPoint };
    const b = { data: Int32Array.from(input2.data), scale: scalarScale(input2), zeroPoint: input2.zeroPoint };
    result =
      mode === 'ort-float'
        ? addOrt(a, b, scalarScale(out), out.zeroPoint, activationRangeOf(out), counter)
        : addTflite(
            a,
            b,
            scalarScale(out),
            out.zeroPoint,
            activationRangeOf(out),
            mode === 'tflite-single' || mode === 'cmsis-nn-single' ? 'single' : 'double',
            counter,
          );
  } else {
    const geometry = poolGeometryOf(layer, input);
    if (layer.op === 'max_pool') result = maxPool(geometry, data, activationRangeOf(out), typeRangeOf(input).min, counter);
    else if (mode === 'ort-float')
      result = globalAvgPoolOrt(
        geometry,
        data,
        scalarScale(input),
        input.zeroPoint,
        scalarScale(out),
        out.zeroPoint,
        activationRangeOf(out),
        counter,
      );
    else result = avgPoolTflite(geometry, data, activationRangeOf(out), counter);
  }
  expectEqual(`${where} ${mode} output`, result, out.data);
  return result;
}

function runLayer(record: LayerCaseRecord, layer: CaseLayer, input: CaseTensor, where: string): void {
  for (const mode of modesFor(record, layer)) {
    if (['conv2d', 'depthwise_conv2d', 'fully_connected'].includes(layer.op)) runArrayLayer(layer, input, mode, where);
    else if (['add', 'max_pool', 'avg_pool', 'global_avg_pool'].includes(layer.op))
      runVectorLayer(layer, input, record.input2, mode, where);
    else throw new Mismatch(`${where}: op "${layer.op}" is not a layer op of the format`);
  }
}

/** Runs one case; undefined when it passes, else the first difference. */
export function runLayerCase(layerCase: LayerCase): string | undefined {
  const { record } = layerCase;
  try {
    if (record.op === 'chain') {
      // Each layer reads the previous layer's recorded output, and must reproduce its own.
      let input = record.input;
      (record.layers ?? []).forEach((layer, index) => {
        runLayer(record, layer, input, `layers[${index}] ${layer.op}`);
        input = layer.output;
      });
      expectEqual('chain output', (record.layers ?? []).at(-1)?.output.data ?? [], record.output.data);
    } else {
      runLayer(record, record, record.input, record.op);
    }
    return undefined;
  } catch (error) {
    if (error instanceof Mismatch) return error.message;
    return `error: ${(error as Error).message}`;
  }
}

export interface LayerCaseRun {
  readonly passed: number;
  readonly failures: readonly LayerCaseFailure[];
}

export function runLayerCases(cases: Iterable<LayerCase>): LayerCaseRun {
  let passed = 0;
  const failures: LayerCaseFailure[] = [];
  for (const layerCase of cases) {
    const reason = runLayerCase(layerCase);
    if (reason === undefined) passed += 1;
    else failures.push({ file: layerCase.file, line: layerCase.line, name: layerCase.record.name, reason });
  }
  return { passed, failures };
}
