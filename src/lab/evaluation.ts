/** An evaluation tally as the figures `npusim evaluate` reports (JSON keys scripts rely on: docs/quantization.md). */
import type { FloatGraph } from '../graph/float.js';
import type { Graph, Tensor } from '../graph/model.js';
import { zeroPointOf } from '../engine/layerNumerics.js';
import { realScaleOf } from '../graph/quantization.js';
import { type EvaluationTally, evaluatedOps, outputGrid } from './evaluate.js';

export interface LayerEvaluation {
  readonly name: string;
  readonly op: string;
  readonly tensor: string;
  readonly type: string;
  /** SQNR of the integer tensor against the float model's, in dB (null: no error at all). */
  readonly sqnrDb: number | null;
  /** The same with only this layer quantized (null when not measured or error-free). */
  readonly sqnrDbAlone: number | null;
  /** The reals the format holds, [low, high]. */
  readonly formatRange: readonly [number, number];
  /** The float model's values of this tensor over the images, [low, high]. */
  readonly floatRange: readonly [number, number];
  /** Float values beyond the format's range (they clip). */
  readonly clippedFraction: number;
  /** Magnitude bits the integer tensor used (sign aside), and the format's bits it never used. */
  readonly usedBits: number;
  readonly unusedBits: number;
  readonly accumulatorTransient: number;
  readonly accumulatorFinal: number;
  readonly outputClipped: number;
  /** Signed bits the largest exact partial sum needed (0 for vector ops). */
  readonly partialBits: number;
}

export interface Evaluation {
  readonly graph: string;
  readonly floatModel: string;
  readonly hardware: string;
  readonly data: string;
  readonly images: number;
  readonly classes: number;
  readonly floatAccuracy: number;
  readonly accuracy: number;
  /** Float minus quantized accuracy, in percentage points. */
  readonly accuracyDropPoints: number;
  readonly agreement: number;
  readonly top5: { readonly floatAccuracy: number; readonly accuracy: number } | undefined;
  readonly weightBytes: number;
  readonly floatWeightBytes: number;
  readonly compression: number;
  readonly cycles: number;
  readonly energyPj: number;
  readonly latencyMs: number;
  readonly smallestSafeAccumulatorBits: number;
  readonly overflow: { readonly accumulatorTransient: number; readonly accumulatorFinal: number; readonly outputClipped: number };
  readonly sqnrThresholdDb: number;
  readonly firstLayerBelowThreshold: string | null;
  readonly meanSqnrDb: number | null;
  readonly worstSqnrDb: number | null;
  readonly aloneImages: number;
  readonly layers: readonly LayerEvaluation[];
}

function decibels(signal: number, noise: number): number | null {
  if (noise === 0) return null;
  if (signal === 0) return Number.NEGATIVE_INFINITY;
  return Number((10 * Math.log10(signal / noise)).toFixed(3));
}

/** Bytes of every constant at its width, and in float32. */
export function constantBytes(graph: Graph): { bytes: number; floatBytes: number } {
  let bytes = 0;
  let floatBytes = 0;
  for (const tensor of graph.tensors.values()) {
    if (tensor.data === undefined) continue;
    bytes += Math.ceil((tensor.data.length * tensor.type.bits) / 8);
    floatBytes += tensor.data.length * 4;
  }
  return { bytes, floatBytes };
}

function bitsFor(code: number): number {
  return code === 0 ? 0 : Math.ceil(Math.log2(code + 1));
}

export interface EvaluationNames {
  readonly graph: string;
  readonly floatModel: string;
  readonly hardware: string;
  readonly data: string;
  readonly classes: number;
  readonly sqnrThresholdDb: number;
}

export function summarizeEvaluation(tally: EvaluationTally, graph: Graph, float: FloatGraph, names: EvaluationNames): Evaluation {
  const layers: LayerEvaluation[] = evaluatedOps(graph, float).map((op) => {
    const entry = tally.layers[op.name];
    const tensor = graph.tensors.get(op.output) as Tensor;
    const { min, max, bits } = outputGrid(op, tensor);
    const scale = realScaleOf(tensor);
    const zeroPoint = zeroPointOf(tensor);
    const magnitudeBits = tensor.type.signed ? bits - 1 : bits;
    const usedBits = Math.min(magnitudeBits, bitsFor(entry?.largestCode ?? 0));
    return {
      name: op.name,
      op: op.op,
      tensor: op.output,
      type: tensor.type.name,
      sqnrDb: decibels(entry?.signal ?? 0, entry?.noise ?? 0),
      sqnrDbAlone: tally.aloneImages === 0 ? null : decibels(entry?.aloneSignal ?? 0, entry?.aloneNoise ?? 0),
      formatRange: [(min - zeroPoint) * scale, (max - zeroPoint) * scale],
      floatRange: [entry?.floatLow ?? 0, entry?.floatHigh ?? 0],
      clippedFraction: (entry?.values ?? 0) === 0 ? 0 : (entry?.outside ?? 0) / (entry?.values ?? 1),
      usedBits,
      unusedBits: magnitudeBits - usedBits,
      accumulatorTransient: entry?.accumulatorTransient ?? 0,
      accumulatorFinal: entry?.accumulatorFinal ?? 0,
      outputClipped: entry?.outputClipped ?? 0,
      partialBits: entry?.partialBits ?? 0,
    };
  });
  const sqnrs = layers.map((layer) => layer.sqnrDb).filter((value): value is number => value !== null);
  const images = Math.max(tally.images, 1);
  const { bytes, floatBytes } = constantBytes(graph);
  const sum = (pick: (layer: LayerEvaluation) => number) => layers.reduce((total, layer) => total + pick(layer), 0);
  return {
    graph: names.graph,
    floatModel: names.floatModel,
    hardware: names.hardware,
    data: names.data,
    images: tally.images,
    classes: names.classes,
    floatAccuracy: tally.floatCorrect / images,
    accuracy: tally.correct / images,
    accuracyDropPoints: Number((((tally.floatCorrect - tally.correct) / images) * 100).toFixed(4)),
    agreement: tally.agree / images,
    top5: names.classes >= 1000 ? { floatAccuracy: tally.floatCorrectTop5 / images, accuracy: tally.correctTop5 / images } : undefined,
    weightBytes: bytes,
    floatWeightBytes: floatBytes,
    compression: bytes === 0 ? 1 : Number((floatBytes / bytes).toFixed(3)),
    cycles: tally.hardware?.cycles ?? 0,
    energyPj: tally.hardware?.energyPj ?? 0,
    latencyMs: tally.hardware?.latencyMs ?? 0,
    smallestSafeAccumulatorBits: tally.hardware?.smallestSafeAccumulatorBits ?? 0,
    overflow: {
      accumulatorTransient: sum((layer) => layer.accumulatorTransient),
      accumulatorFinal: sum((layer) => layer.accumulatorFinal),
      outputClipped: sum((layer) => layer.outputClipped),
    },
    sqnrThresholdDb: names.sqnrThresholdDb,
    firstLayerBelowThreshold: layers.find((layer) => layer.sqnrDb !== null && layer.sqnrDb < names.sqnrThresholdDb)?.name ?? null,
    meanSqnrDb: sqnrs.length === 0 ? null : Number((sqnrs.reduce((a, b) => a + b, 0) / sqnrs.length).toFixed(3)),
    worstSqnrDb: sqnrs.length === 0 ? null : Math.min(...sqnrs),
    aloneImages: tally.aloneImages,
    layers,
  };
}
