/**
 * Post-training quantization of a float model into an npusim graph under a scheme
 * (docs/quantization.md): optional cross-layer equalization, calibration of every activation's
 * range, activations per tensor (asymmetric or symmetric, signed or unsigned, or dynamic fixed
 * point with an S-DFP exponent bias), weights symmetric per channel or per tensor with the chosen
 * rounding, biases in s32 at s_in x s_w with optional bias correction. Tensor names are the float
 * model's, so every integer tensor has its float twin. The graph is checked as any graph file is
 * and against the rules of the requantization mode it is made for.
 */
import { InputError } from '../errors.js';
import type { GraphFile, TensorSpec } from '../formats/graphSchema.js';
import { graphSchema } from '../formats/graphSchema.js';
import { resolveGraph } from '../formats/loadGraph.js';
import { SidecarWriter } from '../formats/sidecar.js';
import type { FloatGraph } from '../graph/float.js';
import { type Graph, nativeSourceTensor, type SourceModel, tensorType } from '../graph/model.js';
import { type ArrayOp, type FusedActivation, type GraphOp, isArrayOp } from '../graph/ops.js';
import { checkGraphForRequant } from '../hardware/compatibility.js';
import { MAX_ACCUMULATOR_BITS, roundFloat, stochasticSite } from '../numeric/index.js';
import { calibrate, calibratedRange, countOutside, type Range, type RangeQuantizer, type TensorStatistics } from './calibrate.js';
import { type EqualizedPair, equalizeGraph } from './equalize.js';
import { containerBits, type LabBits, type QuantizationScheme, schemeRecord } from './scheme.js';

type Quant = NonNullable<TensorSpec['quant']>;
type ActivationTypeName = 's4' | 'u4' | 's8' | 'u8' | 's16' | 'u16';
type IntegerRange = { readonly min: number; readonly max: number };
type Grid = IntegerRange & { readonly bits: LabBits };

export interface QuantizedLayerSummary {
  readonly name: string;
  readonly op: string;
  readonly weightBits: number | undefined;
  readonly activationBits: number;
  /** The calibrated range of its output, in reals. */
  readonly range: Range;
  /** The fraction of its output's calibration sample outside the quantized range. */
  readonly clippedFraction: number;
}

export interface QuantizedModel {
  readonly file: GraphFile;
  readonly sidecar: Uint8Array;
  readonly sidecarFile: string;
  /** The resolved graph (data from the sidecar in memory). */
  readonly graph: Graph;
  readonly layers: readonly QuantizedLayerSummary[];
  readonly equalized: readonly EqualizedPair[];
  /** Bytes of every weight and bias at its width. */
  readonly weightBytes: number;
  /** The same constants in float32. */
  readonly floatBytes: number;
}

/** The checks assume the widest accumulator, so that the graph runs at any width a config has. */
const CHECKED_ACCUMULATOR_BITS = MAX_ACCUMULATOR_BITS;

const KEEPS_QUANTIZATION = new Set(['reshape', 'pad', 'max_pool', 'transpose', 'avg_pool', 'global_avg_pool']);

/** The ops whose output stage clamps to a range (their fused activation): the ones that can write a width narrower than their type. */
const CLAMPS_OUTPUT = new Set(['conv2d', 'depthwise_conv2d', 'fully_connected', 'add']);

/** The integers of a width, signed or unsigned. */
function gridRange(bits: number, signed: boolean): IntegerRange {
  return signed ? { min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 } : { min: 0, max: 2 ** bits - 1 };
}

/** The reals a fused activation lets through. */
function activationReals(activation: FusedActivation): { low: number; high: number } {
  if (activation === 'none') return { low: -Infinity, high: Infinity };
  if (activation === 'relu') return { low: 0, high: Infinity };
  if (activation === 'relu6') return { low: 0, high: 6 };
  return { low: activation.min, high: activation.max };
}

/** The real value of one step and the zero point of a tensor's quantization. */
function stepOf(quant: Quant): { scale: number; zeroPoint: number } {
  if ('fractionalBits' in quant) return { scale: 2 ** -(quant.fractionalBits + (quant.shiftBias ?? 0)), zeroPoint: 0 };
  const scale = Array.isArray(quant.scale) ? (quant.scale[0] ?? 1) : (quant.scale as number);
  const zeroPoint = Array.isArray(quant.zeroPoint) ? (quant.zeroPoint[0] ?? 0) : (quant.zeroPoint as number);
  return { scale, zeroPoint };
}

class Quantizer {
  private readonly tensors: Record<string, TensorSpec> = {};
  /** Every activation's width and integer range (narrower than its type where the scheme asks). */
  private readonly grids = new Map<string, Grid>();
  /** The fused activations of ops whose output is narrower than its type. */
  private readonly clamps = new Map<string, FusedActivation>();
  private weightBytes = 0;
  private floatBytes = 0;
  readonly layers: QuantizedLayerSummary[] = [];
  private readonly sidecar: SidecarWriter;

  constructor(
    private readonly float: FloatGraph,
    private readonly scheme: QuantizationScheme,
    private readonly statistics: ReadonlyMap<string, TensorStatistics>,
    sidecarFile: string,
  ) {
    this.sidecar = new SidecarWriter(sidecarFile);
  }

  private get dfp(): boolean {
    return this.scheme.requant === 'shift-only';
  }

  private activationType(bits: LabBits): ActivationTypeName {
    return `${this.scheme.signed ? 's' : 'u'}${containerBits(bits)}` as ActivationTypeName;
  }

  /** The quantization a range gets at a width under the scheme. */
  private activationQuant(range: Range, bits: LabBits): Quant {
    const signed = this.scheme.signed;
    const { min, max } = gridRange(bits, signed);
    if (this.dfp) {
      const magnitude = Math.max(Math.abs(range.low), Math.abs(range.high), 2 ** -40);
      const fractionalBits = (signed ? bits - 1 : bits) - Math.ceil(Math.log2(magnitude));
      return this.scheme.shiftBias === 0 ? { fractionalBits } : { fractionalBits, shiftBias: this.scheme.shiftBias };
    }
    if (this.scheme.symmetric) {
      // Zero point 0: signed types split the range around 0, unsigned ones hold [0, high] only.
      const magnitude = signed ? Math.max(Math.abs(range.low), Math.abs(range.high)) : range.high;
      return { scale: Math.fround(Math.max(magnitude, 1e-8) / max), zeroPoint: 0 };
    }
    const scale = Math.fround(Math.max(range.high - range.low, 1e-8) / (max - min));
    const zeroPoint = Math.min(max, Math.max(min, Math.round(min - range.low / scale)));
    return { scale, zeroPoint };
  }

  private quantizerFor(bits: LabBits): RangeQuantizer {
    const { min, max } = gridRange(bits, this.scheme.signed);
    return (range) => {
      const { scale, zeroPoint } = stepOf(this.activationQuant(range, bits));
      return (value) => (Math.min(max, Math.max(min, Math.round(value / scale) + zeroPoint)) - zeroPoint) * scale;
    };
  }

  private round(value: number, site: string, index: number): number {
    const draw =
      this.scheme.weightRounding === 'stochastic' ? { site: stochasticSite(BigInt(this.scheme.seed), site), counter: index } : undefined;
    return roundFloat(value, this.scheme.weightRounding, draw);
  }

  private activation(name: string, requestedBits: LabBits, op: GraphOp | undefined): void {
    const shape = this.float.tensors.get(name)?.shape ?? [];
    const statistics = this.statistics.get(name);
    if (op?.op === 'softmax') {
      // TFLite's int8 softmax writes s8 at 1/256 from -128: the only output quantization it has.
      this.tensors[name] = { shape: [...shape], type: 's8', quant: { scale: 1 / 256, zeroPoint: -128 } };
      this.grids.set(name, { bits: 8, ...gridRange(8, true) });
      this.summarize(op, undefined, 8, { low: 0, high: 1 }, 0);
      return;
    }
    if (op !== undefined && KEEPS_QUANTIZATION.has(op.op) && 'input' in op) {
      // Pooling, padding and moving data write values of their input's grid: they keep its width too.
      const input = this.tensors[op.input] as TensorSpec;
      const grid = this.grids.get(op.input) as Grid;
      this.tensors[name] = { shape: [...shape], type: input.type, ...(input.quant === undefined ? {} : { quant: input.quant }) };
      this.grids.set(name, grid);
      // Pooling has an output clamp too: it states the width, so the evaluation sees it.
      if (grid.bits < tensorType(input.type).bits && 'activation' in op) this.clamps.set(op.name, this.narrowedActivation(op, name));
      this.summarize(op, undefined, grid.bits, this.rangeOf(name), this.clipped(statistics, name));
      return;
    }
    const bits = this.narrowableBits(requestedBits, op);
    const type = this.activationType(bits);
    const range =
      statistics === undefined ? { low: -1, high: 1 } : calibratedRange(statistics, this.scheme.calibration, this.quantizerFor(bits));
    const quant = this.activationQuant(range, bits);
    this.tensors[name] = { shape: [...shape], type, quant };
    this.grids.set(name, { bits, ...gridRange(bits, this.scheme.signed) });
    if (op === undefined) return;
    if (bits < tensorType(type).bits) this.clamps.set(op.name, this.narrowedActivation(op, name));
    this.summarize(op, this.weightBitsOf(op), bits, range, this.clipped(statistics, name));
  }

  /**
   * The width an op's output gets. A width narrower than its element type needs an output stage
   * that clamps (the fused activation); an op without one writes its type's full width, unless
   * --bits-per-layer asked for the narrow width for that very op, which is an error.
   */
  private narrowableBits(bits: LabBits, op: GraphOp | undefined): LabBits {
    if (op === undefined || CLAMPS_OUTPUT.has(op.op) || bits === containerBits(bits)) return bits;
    if (this.scheme.bitsPerLayer.get(op.name)?.activations !== undefined)
      throw new InputError(
        `op "${op.name}" (${op.op}) has no output clamp, so its output cannot hold ${bits} bits inside its ${containerBits(bits)}-bit type; give it ${containerBits(bits)} bits`,
        'npusim quantize --bits-per-layer',
      );
    return containerBits(bits);
  }

  /** The op's fused activation intersected with its output's grid, as the real clamp the output stage applies. */
  private narrowedActivation(op: GraphOp, output: string): FusedActivation {
    const own = activationReals('activation' in op ? op.activation : 'none');
    const grid = this.rangeOf(output);
    return { min: Math.max(own.low, grid.low), max: Math.min(own.high, grid.high) };
  }

  /** The reals a tensor's grid spans. */
  private rangeOf(tensor: string): Range {
    const { min, max } = this.grids.get(tensor) as Grid;
    const { scale, zeroPoint } = stepOf(this.tensors[tensor]?.quant as Quant);
    return { low: (min - zeroPoint) * scale, high: (max - zeroPoint) * scale };
  }

  private clipped(statistics: TensorStatistics | undefined, tensor: string): number {
    if (statistics === undefined || statistics.sample.length === 0) return 0;
    const { low, high } = this.rangeOf(tensor);
    const { scale } = stepOf(this.tensors[tensor]?.quant as Quant);
    // The sample is sorted (calibrate.ts): two binary searches count what the scan would.
    return countOutside(statistics.sample, low - scale / 2, high + scale / 2) / statistics.sample.length;
  }

  private summarize(op: GraphOp, weightBits: number | undefined, activationBits: number, range: Range, clippedFraction: number): void {
    this.layers.push({ name: op.name, op: op.op, weightBits, activationBits, range, clippedFraction });
  }

  private weightBitsOf(op: GraphOp): LabBits | undefined {
    if (!isArrayOp(op)) return undefined;
    return this.scheme.bitsPerLayer.get(op.name)?.weights ?? this.scheme.weightBits;
  }

  private outputBitsOf(op: GraphOp): LabBits {
    return this.scheme.bitsPerLayer.get(op.name)?.activations ?? this.scheme.activationBits;
  }

  /** Weights and bias of an array op. */
  private constants(op: ArrayOp): void {
    const weights = this.float.tensors.get(op.weights);
    if (weights?.data === undefined) throw new InputError(`op "${op.name}": its weights "${op.weights}" have no values`, this.float.file);
    const bits = this.weightBitsOf(op) as LabBits;
    const qmax = 2 ** (bits - 1) - 1;
    const container = containerBits(bits);
    const depthwise = op.op === 'depthwise_conv2d';
    const outputs = depthwise ? (weights.shape[3] ?? 1) : (weights.shape[0] ?? 1);
    const perOutput = weights.data.length / outputs;
    const channelOf = depthwise ? (k: number) => k % outputs : (k: number) => Math.floor(k / perOutput);
    const maxima = new Float64Array(outputs);
    weights.data.forEach((w, k) => {
      const channel = channelOf(k);
      maxima[channel] = Math.max(maxima[channel] ?? 0, Math.abs(w));
    });
    const perChannel = this.scheme.perChannel && !this.dfp;
    if (!perChannel) maxima.fill(Math.max(...maxima));
    let scales: number[];
    let quant: Quant;
    if (this.dfp) {
      const fractionalBits = bits - 1 - Math.ceil(Math.log2(Math.max(maxima[0] ?? 0, 2 ** -40)));
      scales = new Array<number>(outputs).fill(2 ** -fractionalBits);
      quant = { fractionalBits };
    } else {
      scales = Array.from(maxima, (m) => Math.fround(Math.max(m, 1e-12) / qmax));
      quant = perChannel ? { scale: scales, zeroPoint: 0, axis: depthwise ? 3 : 0 } : { scale: scales[0] ?? 1, zeroPoint: 0 };
    }
    const integers = Int32Array.from(weights.data, (w, k) =>
      Math.max(-qmax, Math.min(qmax, this.round(w / (scales[channelOf(k)] ?? 1), `${op.name}/weights`, k))),
    );
    const weightType = `s${container}` as 's8';
    this.tensors[op.weights] = {
      shape: [...weights.shape],
      type: weightType,
      quant,
      data: this.sidecar.add(integers, tensorType(weightType)),
    };
    // What the NPU stores: a width narrower than its element type takes the whole element.
    this.weightBytes += Math.ceil((integers.length * container) / 8);
    this.floatBytes += integers.length * 4;
    if (op.bias === undefined) return;
    const bias = this.float.tensors.get(op.bias)?.data ?? new Float32Array(outputs);
    const corrected = this.scheme.biasCorrection ? this.correctedBias(op, bias, weights.data, integers, scales, channelOf) : bias;
    const input = this.tensors[op.input];
    const inputScale = input?.quant === undefined ? 1 : stepOf(input.quant).scale;
    const biases = Array.from(corrected, (b, channel) =>
      Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, this.round(b / (inputScale * (scales[channel] ?? 1)), `${op.name}/bias`, channel))),
    );
    const biasQuant =
      this.dfp && 'fractionalBits' in quant ? { fractionalBits: quant.fractionalBits + Math.round(-Math.log2(inputScale)) } : undefined;
    this.tensors[op.bias] = {
      shape: [outputs],
      type: 's32',
      ...(biasQuant === undefined ? {} : { quant: biasQuant }),
      data: this.sidecar.add(biases, tensorType('s32')),
    };
    this.weightBytes += outputs * 4;
    this.floatBytes += outputs * 4;
  }

  /**
   * Bias correction (Nagel et al. 2019, empirical form): the weights' rounding error shifts each
   * output's mean by sum_k (w_q - w)_k x E[x_k]; the bias takes it back, with E[x] each input
   * channel's mean over the calibration set (taps over the padding counted as the mean too).
   */
  private correctedBias(
    op: ArrayOp,
    bias: Float32Array,
    weights: Float32Array,
    integers: Int32Array,
    scales: readonly number[],
    channelOf: (k: number) => number,
  ): Float32Array {
    const means = this.statistics.get(op.input)?.channelMeans;
    if (means === undefined) return bias;
    const channels = means.length;
    const shift = new Float64Array(bias.length);
    const depthwise = op.op === 'depthwise_conv2d';
    const multiplier = depthwise ? op.depthMultiplier : 1;
    // A grouped convolution's weights hold its group's input channels: output channel c reads group floor(c / (O / groups)).
    const groups = op.op === 'conv2d' ? op.groups : 1;
    const groupChannels = channels / groups;
    const groupOutputs = bias.length / groups;
    weights.forEach((w, k) => {
      const channel = channelOf(k);
      const error = (integers[k] ?? 0) * (scales[channel] ?? 1) - w;
      const inputChannel = depthwise
        ? Math.floor(channel / multiplier)
        : Math.floor(channel / groupOutputs) * groupChannels + (k % groupChannels);
      shift[channel] = (shift[channel] ?? 0) + error * (means[inputChannel] ?? 0);
    });
    return Float32Array.from(bias, (b, channel) => b - (shift[channel] ?? 0));
  }

  run(modelReference: string): { file: GraphFile; sidecar: Uint8Array; weightBytes: number; floatBytes: number } {
    for (const input of this.float.inputs) this.activation(input, this.scheme.activationBits, undefined);
    for (const op of this.float.ops) {
      if (isArrayOp(op)) this.constants(op);
      this.activation(op.output, this.outputBitsOf(op), op);
    }
    const sidecar = this.sidecar.contents();
    const record = schemeRecord(this.scheme);
    const file: GraphFile = {
      name: this.float.name,
      description: `${this.float.name} quantized by npusim quantize from ${modelReference}: ${Object.entries(record)
        .filter(([, value]) => value !== '')
        .map(([key, value]) => `${key} ${value}`)
        .join(', ')}`,
      inputs: [...this.float.inputs],
      outputs: [...this.float.outputs],
      tensors: this.tensors,
      ops: this.float.ops.map((op) => {
        const clamp = this.clamps.get(op.name);
        return clamp === undefined ? { ...op } : { ...op, activation: clamp };
      }) as GraphFile['ops'],
      quantizedFor: this.scheme.requant,
      source: this.source(),
      quantizedFrom: { model: modelReference, scheme: record },
    };
    return { file, sidecar, weightBytes: this.weightBytes, floatBytes: this.floatBytes };
  }

  /** The float model's terms, with each float input quantized as onnxruntime's QuantizeLinear does. */
  private source(): NonNullable<GraphFile['source']> {
    const model: SourceModel = this.float.source ?? {
      format: 'onnx',
      model: this.float.name,
      inputs: [],
      tensors: new Map(
        [...this.float.tensors.values()]
          .filter((tensor) => tensor.data === undefined)
          .map((tensor) => [tensor.name, nativeSourceTensor(tensor.name, tensor.shape)]),
      ),
    };
    const tensors: NonNullable<GraphFile['source']>['tensors'] = {};
    for (const [name, tensor] of model.tensors)
      if (name in this.tensors)
        tensors[name] = { ...tensor, shape: [...tensor.shape], view: [...tensor.view], permutation: [...tensor.permutation] };
    return {
      format: model.format,
      model: model.model,
      inputs: this.float.inputs.map((tensor) => {
        const { scale, zeroPoint } = stepOf(this.tensors[tensor]?.quant as Quant);
        return { tensor, dtype: 'float32' as const, quantizeLinear: { scale, zeroPoint } };
      }),
      tensors,
    };
  }
}

export interface QuantizeRequest {
  readonly float: FloatGraph;
  readonly scheme: QuantizationScheme;
  /** The calibration inputs (NHWC float32 by input name). */
  readonly calibration: readonly ReadonlyMap<string, Float32Array>[];
  /** What the graph names as its float model (a zoo name, or a path relative to the graph file). */
  readonly modelReference: string;
  readonly sidecarFile: string;
  /**
   * Calibration statistics already computed for these inputs, by whether the model was equalized
   * (they depend on nothing else of the scheme); filled in when missing, so a study calibrates once.
   */
  readonly statisticsCache?: Map<'plain' | 'equalized', ReadonlyMap<string, TensorStatistics>> | undefined;
}

export function quantizeModel(request: QuantizeRequest): QuantizedModel {
  const { scheme } = request;
  if (scheme.shiftBias !== 0 && scheme.requant !== 'shift-only')
    throw new InputError('--shift-bias (S-DFP) applies to --requant shift-only only', 'npusim quantize');
  const equalized = scheme.equalize ? equalizeGraph(request.float) : { graph: request.float, pairs: [] };
  const key = scheme.equalize ? 'equalized' : 'plain';
  const statistics = request.statisticsCache?.get(key) ?? calibrate(equalized.graph, request.calibration);
  request.statisticsCache?.set(key, statistics);
  const quantizer = new Quantizer(equalized.graph, scheme, statistics, request.sidecarFile);
  const { file, sidecar, weightBytes, floatBytes } = quantizer.run(request.modelReference);
  const parsed = graphSchema.parse(file);
  const graph = {
    ...resolveGraph(parsed, `${request.float.name} (quantized)`, { sidecars: new Map([[request.sidecarFile, sidecar]]) }),
    sourceFiles: [],
  };
  try {
    checkGraphForRequant(graph, { mode: scheme.requant, rounding: undefined, shiftBias: 0, accumulatorBits: CHECKED_ACCUMULATOR_BITS });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(
      `the scheme gives a graph that --requant ${scheme.requant} cannot run: ${error.message}`,
      error.file,
      error.location,
    );
  }
  return {
    file,
    sidecar,
    sidecarFile: request.sidecarFile,
    graph,
    layers: quantizer.layers,
    equalized: equalized.pairs,
    weightBytes,
    floatBytes,
  };
}
