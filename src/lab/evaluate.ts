/**
 * Evaluating a quantized graph on a data set: every image runs exactly on the simulated NPU (the
 * engine, as `npusim run` runs it) and through the float model; the tally gives top-1 (top-5 for
 * 1000 classes), agreement with the float model, and per layer the SQNR of the integer tensor
 * against its float twin (cumulative, and with only that layer quantized: its float inputs
 * quantized and the one op run exactly), value ranges against the format and the engine's overflow.
 * Tallies are sums over images, so a data set split over workers merges to the same numbers.
 */
import { activationRange, zeroPointOf } from '../engine/layerNumerics.js';
import type { SimulationResult } from '../engine/result.js';
import { runFloat } from '../float/index.js';
import type { FloatGraph } from '../graph/float.js';
import { type Graph, type Tensor, typeRange } from '../graph/model.js';
import { type GraphOp, opInputs } from '../graph/ops.js';
import { realScaleOf } from '../graph/quantization.js';
import type { Hardware } from '../hardware/model.js';
import { ortQuantizeLinear } from '../numeric/index.js';
import { executeRun, type PreparedRun, prepareRun } from '../pipeline/index.js';
import { totals } from '../report/summary.js';
import type { LabData } from './data.js';
import { equalizeGraph } from './equalize.js';

/** A float tensor in a quantized tensor's integers, as onnxruntime's QuantizeLinear rounds (half to even, saturating). */
export function quantizeReal(tensor: Tensor, values: Float32Array): Int32Array {
  const scale = realScaleOf(tensor);
  const zeroPoint = zeroPointOf(tensor);
  const { min, max } = typeRange(tensor.type);
  // A plain loop: Int32Array.from with a mapping function is 5x slower, and this runs on every image.
  const integers = new Int32Array(values.length);
  for (let index = 0; index < values.length; index += 1)
    integers[index] = ortQuantizeLinear(values[index] as number, scale, zeroPoint, min, max);
  return integers;
}

/**
 * The integers an op's output can hold: its type's range, or the narrower one its output clamp
 * (a clamp {min, max} activation, as `npusim quantize` writes for a width narrower than the type) allows.
 */
export function outputGrid(op: GraphOp, tensor: Tensor): { min: number; max: number; bits: number } {
  const range = 'activation' in op && typeof op.activation === 'object' ? activationRange(tensor, op.activation) : typeRange(tensor.type);
  return { ...range, bits: Math.max(1, Math.ceil(Math.log2(range.max - range.min + 1))) };
}

/** The graph's inputs for one image of float inputs. */
export function integerInputs(graph: Graph, floats: ReadonlyMap<string, Float32Array>): Map<string, Int32Array> {
  return new Map(
    graph.inputs.map((name) => [name, quantizeReal(graph.tensors.get(name) as Tensor, floats.get(name) ?? new Float32Array(0))]),
  );
}

interface LayerTally {
  signal: number;
  noise: number;
  aloneSignal: number;
  aloneNoise: number;
  floatLow: number;
  floatHigh: number;
  /** Float values beyond the format's range by more than half a step. */
  outside: number;
  values: number;
  /** The largest |q - zp| the integer tensor took. */
  largestCode: number;
  accumulatorTransient: number;
  accumulatorFinal: number;
  outputClipped: number;
  partialBits: number;
  finalBits: number;
}

export interface EvaluationTally {
  images: number;
  correct: number;
  floatCorrect: number;
  correctTop5: number;
  floatCorrectTop5: number;
  agree: number;
  aloneImages: number;
  readonly layers: Record<string, LayerTally>;
  /** Cycles and energy of the first image's run (they do not depend on the data). */
  hardware: { cycles: number; energyPj: number; latencyMs: number; smallestSafeAccumulatorBits: number } | undefined;
}

function emptyLayer(): LayerTally {
  return {
    signal: 0,
    noise: 0,
    aloneSignal: 0,
    aloneNoise: 0,
    floatLow: Infinity,
    floatHigh: -Infinity,
    outside: 0,
    values: 0,
    largestCode: 0,
    accumulatorTransient: 0,
    accumulatorFinal: 0,
    outputClipped: 0,
    partialBits: 0,
    finalBits: 0,
  };
}

export function emptyTally(): EvaluationTally {
  return {
    images: 0,
    correct: 0,
    floatCorrect: 0,
    correctTop5: 0,
    floatCorrectTop5: 0,
    agree: 0,
    aloneImages: 0,
    layers: {},
    hardware: undefined,
  };
}

/** Sums two tallies (a's first image's hardware figures win: image order is kept by the caller). */
export function mergeTallies(a: EvaluationTally, b: EvaluationTally): EvaluationTally {
  const layers: Record<string, LayerTally> = {};
  for (const name of new Set([...Object.keys(a.layers), ...Object.keys(b.layers)])) {
    const x = a.layers[name] ?? emptyLayer();
    const y = b.layers[name] ?? emptyLayer();
    layers[name] = {
      signal: x.signal + y.signal,
      noise: x.noise + y.noise,
      aloneSignal: x.aloneSignal + y.aloneSignal,
      aloneNoise: x.aloneNoise + y.aloneNoise,
      floatLow: Math.min(x.floatLow, y.floatLow),
      floatHigh: Math.max(x.floatHigh, y.floatHigh),
      outside: x.outside + y.outside,
      values: x.values + y.values,
      largestCode: Math.max(x.largestCode, y.largestCode),
      accumulatorTransient: x.accumulatorTransient + y.accumulatorTransient,
      accumulatorFinal: x.accumulatorFinal + y.accumulatorFinal,
      outputClipped: x.outputClipped + y.outputClipped,
      partialBits: Math.max(x.partialBits, y.partialBits),
      finalBits: Math.max(x.finalBits, y.finalBits),
    };
  }
  return {
    images: a.images + b.images,
    correct: a.correct + b.correct,
    floatCorrect: a.floatCorrect + b.floatCorrect,
    correctTop5: a.correctTop5 + b.correctTop5,
    floatCorrectTop5: a.floatCorrectTop5 + b.floatCorrectTop5,
    agree: a.agree + b.agree,
    aloneImages: a.aloneImages + b.aloneImages,
    layers,
    hardware: a.hardware ?? b.hardware,
  };
}

/** The k best classes, ties to the lower index (deterministic). */
function topK(values: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: values.length }, (_, index) => index)
    .sort((i, j) => (values[j] as number) - (values[i] as number) || i - j)
    .slice(0, k);
}

/** One op run alone: its activation inputs are the graph inputs of a one-op graph, prepared once. */
interface AloneLayer {
  readonly op: GraphOp;
  readonly inputs: readonly string[];
  readonly prepared: PreparedRun;
}

function aloneLayers(graph: Graph, hardware: Hardware, ops: readonly GraphOp[]): AloneLayer[] {
  return ops.flatMap((op) => {
    const inputs = opInputs(op).filter((name) => graph.tensors.get(name)?.data === undefined);
    const names = new Set([...opInputs(op), op.output]);
    const tensors = new Map([...names].map((name) => [name, graph.tensors.get(name) as Tensor]));
    const single: Graph = {
      name: `${graph.name}/${op.name}`,
      file: graph.file,
      sourceFiles: [],
      inputs: [...new Set(inputs)],
      outputs: [op.output],
      tensors,
      ops: [op],
      quantizedFor: graph.quantizedFor,
    };
    return [{ op, inputs: [...new Set(inputs)], prepared: prepareRun(single, hardware) }];
  });
}

export interface EvaluateRequest {
  readonly graph: Graph;
  readonly hardware: Hardware;
  readonly float: FloatGraph;
  readonly data: LabData;
  /** Images first .. end (exclusive) of the data set. */
  readonly first: number;
  readonly end: number;
  /** Images (from the first of the data set) on which each layer is also run alone. */
  readonly aloneImages: number;
  readonly onImage?: (done: number) => void;
  /** Each image's integer output (the graph's first output), as the engine computed it. */
  readonly onOutput?: (index: number, output: Int32Array) => void;
}

/** The layers whose output has a float twin (reshapes are their input's values, and are left out). */
export function evaluatedOps(graph: Graph, float: FloatGraph): GraphOp[] {
  return graph.ops.filter((op) => op.op !== 'reshape' && float.tensors.has(op.output) && graph.tensors.has(op.output));
}

export function evaluateImages(request: EvaluateRequest): EvaluationTally {
  const { graph, hardware, float, data } = request;
  const prepared = prepareRun(graph, hardware);
  const ops = evaluatedOps(graph, float);
  // An equalized graph's inner tensors are the equalized model's (channels rescaled): compare layers with that twin.
  const twin = graph.quantizedFrom?.scheme.equalize === true ? equalizeGraph(float).graph : float;
  const alone = request.aloneImages > request.first ? aloneLayers(graph, hardware, ops) : [];
  const tally = emptyTally();
  for (const op of ops) tally.layers[op.name] = emptyLayer();
  const output = graph.outputs[0] as string;
  for (let index = request.first; index < request.end; index += 1) {
    const floats = data.input(index);
    const modelValues = runFloat(float, floats);
    const floatValues = twin === float ? modelValues : runFloat(twin, floats);
    const result = executeRun(prepared, { inputs: integerInputs(graph, floats) });
    if (tally.hardware === undefined) {
      const figures = totals(result);
      tally.hardware = {
        cycles: figures.cycles,
        energyPj: figures.energyPj,
        latencyMs: figures.latencyMs,
        smallestSafeAccumulatorBits: figures.overflow.smallestSafeAccumulatorBits,
      };
    }
    const integers = result.tensors.get(output) ?? new Int32Array(0);
    request.onOutput?.(index, integers);
    scoreImage(tally, data.labels[index] ?? -1, integers, modelValues.get(output) ?? new Float32Array(0));
    for (const op of ops) addLayer(tally.layers[op.name] as LayerTally, graph.tensors.get(op.output) as Tensor, result, op, floatValues);
    if (index < request.aloneImages) {
      tally.aloneImages += 1;
      for (const layer of alone) {
        const inputs = new Map(
          layer.inputs.map((name) => [name, quantizeReal(graph.tensors.get(name) as Tensor, floatValues.get(name) as Float32Array)]),
        );
        const single = executeRun(layer.prepared, { inputs });
        const [signal, noise] = errorPower(
          graph.tensors.get(layer.op.output) as Tensor,
          single.tensors.get(layer.op.output),
          floatValues.get(layer.op.output),
        );
        const entry = tally.layers[layer.op.name] as LayerTally;
        entry.aloneSignal += signal;
        entry.aloneNoise += noise;
      }
    }
    request.onImage?.(index - request.first + 1);
  }
  return tally;
}

function scoreImage(tally: EvaluationTally, label: number, integers: Int32Array, floats: Float32Array): void {
  const ours = topK(integers, 5);
  const theirs = topK(floats, 5);
  tally.images += 1;
  if (ours[0] === label) tally.correct += 1;
  if (theirs[0] === label) tally.floatCorrect += 1;
  if (ours.includes(label)) tally.correctTop5 += 1;
  if (theirs.includes(label)) tally.floatCorrectTop5 += 1;
  if (ours[0] === theirs[0]) tally.agree += 1;
}

/** Signal and noise power of an integer tensor against its float twin. */
function errorPower(tensor: Tensor, integers: Int32Array | undefined, floats: Float32Array | undefined): [number, number] {
  if (integers === undefined || floats === undefined) return [0, 0];
  const scale = realScaleOf(tensor);
  const zeroPoint = zeroPointOf(tensor);
  let signal = 0;
  let noise = 0;
  for (let index = 0; index < floats.length; index += 1) {
    const reference = floats[index] as number;
    const difference = ((integers[index] as number) - zeroPoint) * scale - reference;
    signal += reference * reference;
    noise += difference * difference;
  }
  return [signal, noise];
}

function addLayer(entry: LayerTally, tensor: Tensor, result: SimulationResult, op: GraphOp, floatValues: Map<string, Float32Array>): void {
  const integers = result.tensors.get(op.output);
  const floats = floatValues.get(op.output);
  if (integers === undefined || floats === undefined) return;
  const [signal, noise] = errorPower(tensor, integers, floats);
  entry.signal += signal;
  entry.noise += noise;
  const scale = realScaleOf(tensor);
  const zeroPoint = zeroPointOf(tensor);
  const { min, max } = outputGrid(op, tensor);
  const low = (min - zeroPoint) * scale - scale / 2;
  const high = (max - zeroPoint) * scale + scale / 2;
  for (let index = 0; index < floats.length; index += 1) {
    const value = floats[index] as number;
    if (value < entry.floatLow) entry.floatLow = value;
    if (value > entry.floatHigh) entry.floatHigh = value;
    if (value < low || value > high) entry.outside += 1;
    const code = Math.abs((integers[index] as number) - zeroPoint);
    if (code > entry.largestCode) entry.largestCode = code;
  }
  entry.values += floats.length;
  const layer = result.layers.find((candidate) => candidate.name === op.name);
  if (layer !== undefined) {
    entry.accumulatorTransient += layer.overflow.accumulatorTransient;
    entry.accumulatorFinal += layer.overflow.accumulatorFinal;
    entry.outputClipped += layer.overflow.outputClipped;
    entry.partialBits = Math.max(entry.partialBits, layer.overflow.partialBits);
    entry.finalBits = Math.max(entry.finalBits, layer.overflow.finalBits);
  }
}
