/**
 * Building a zoo network: seeded float weights with realistic statistics (He-normal, per-channel
 * gains, each layer rescaled on the calibration input so its pre-activations have unit spread, as
 * batch normalisation leaves a trained net), a float forward pass on a seeded input, activation
 * ranges chosen from the observed values so that a few outliers clip, then integer weights, biases,
 * scales and zero points, written as an npusim graph with a little-endian sidecar.
 */
import { InputError } from '../errors.js';
import { checkGraphForRequant } from '../hardware/compatibility.js';
import { type GraphFile, type GraphOpFile as GraphOp, graphSchema } from '../formats/graphSchema.js';
import { resolveGraph } from '../formats/loadGraph.js';
import { SidecarWriter } from '../formats/sidecar.js';
import { type Graph, tensorType } from '../graph/model.js';
import { MAX_ACCUMULATOR_BITS, type RequantMode, type RoundingMode, roundFloat, stochasticSite } from '../numeric/index.js';
import { applyActivation, convFloat, type FloatWeights, fullyConnectedFloat, poolFloat } from './float.js';
import { type ZooName, zooTopology } from './networks.js';
import { orderStatistic } from './orderStatistic.js';
import { Random } from './random.js';
import type { Layer, Topology } from './topology.js';

export interface ZooOptions {
  readonly seed: number;
  readonly weightBits: 4 | 8 | 16;
  readonly activationBits: 4 | 8 | 16;
  readonly perChannel: boolean;
  readonly signedActivations: boolean;
  /** shift-only writes dynamic fixed point (fractional bits); every other mode writes scales. */
  readonly requant: RequantMode;
  /** Rounding of float weights and biases to integers. */
  readonly rounding: RoundingMode;
  /** File name written into the graph's data references. */
  readonly sidecarFile: string;
}

export interface ZooLayerSummary {
  readonly name: string;
  readonly op: string;
  readonly macs: number;
  readonly params: number;
  /** Fraction of the layer's output values outside its quantized range on the calibration input. */
  readonly clippedFraction: number;
}

export interface ZooNetwork {
  readonly graph: GraphFile;
  readonly sidecar: Uint8Array;
  /** The graph as npusim's model (resolved from the file and its sidecar in memory), named zoo:NAME. */
  readonly model: Graph;
  readonly layers: readonly ZooLayerSummary[];
  readonly totals: { readonly macs: number; readonly params: number };
}

/** Quantiles that set each activation range: about 1 in 2,000 values clips at each end. */
const LOW_QUANTILE = 0.0005;
const HIGH_QUANTILE = 0.9995;

/**
 * The q-quantile, rounded outward so that a small tensor keeps its extremes (and never clips): the
 * value at that index of the sorted values, selected in `scratch` (which it permutes).
 */
function quantile(scratch: Float32Array, q: number): number {
  if (scratch.length === 0) return 0;
  const position = q * (scratch.length - 1);
  const index = q < 0.5 ? Math.floor(position) : Math.ceil(position);
  return orderStatistic(scratch, Math.min(scratch.length - 1, Math.max(0, index)));
}

interface Range {
  readonly low: number;
  readonly high: number;
}

function observedRange(values: Float32Array): Range {
  const scratch = Float32Array.from(values);
  return { low: Math.min(0, quantile(scratch, LOW_QUANTILE)), high: Math.max(quantile(scratch, HIGH_QUANTILE), 1e-6) };
}

function spread(values: Float32Array): number {
  let sum = 0;
  let squares = 0;
  for (const value of values) {
    sum += value;
    squares += value * value;
  }
  const mean = sum / values.length;
  return Math.sqrt(Math.max(squares / values.length - mean * mean, 1e-12));
}

class NetworkQuantizer {
  private readonly random: Random;
  private readonly floats = new Map<string, Float32Array>();
  private readonly ranges = new Map<string, Range>();
  private readonly graph: GraphFile;
  private readonly sidecar: SidecarWriter;
  readonly summaries: ZooLayerSummary[] = [];

  constructor(
    private readonly topology: Topology,
    private readonly options: ZooOptions,
  ) {
    this.random = new Random(options.seed);
    this.sidecar = new SidecarWriter(options.sidecarFile);
    this.graph = {
      name: topology.name,
      description: '',
      inputs: [topology.input],
      outputs: [topology.output],
      tensors: {},
      ops: [],
      quantizedFor: options.requant,
    };
  }

  private get activationType(): 's4' | 'u4' | 's8' | 'u8' | 's16' | 'u16' {
    return `${this.options.signedActivations ? 's' : 'u'}${this.options.activationBits}` as 's8';
  }

  private dfp(): boolean {
    return this.options.requant === 'shift-only';
  }

  private activationQuant(range: Range): { quant: GraphFile['tensors'][string]['quant']; clippedCount: (values: Float32Array) => number } {
    const { min, max } = typeRangeOf(this.activationType);
    if (this.dfp()) {
      const magnitude = Math.max(Math.abs(range.low), Math.abs(range.high));
      const integerBits = Math.ceil(Math.log2(magnitude));
      const fractionalBits = (this.options.signedActivations ? this.options.activationBits - 1 : this.options.activationBits) - integerBits;
      const factor = 2 ** fractionalBits;
      return {
        quant: { fractionalBits },
        clippedCount: (values) => {
          let clipped = 0;
          for (let index = 0; index < values.length; index += 1) {
            const code = Math.round((values[index] as number) * factor);
            if (code < min || code > max) clipped += 1;
          }
          return clipped;
        },
      };
    }
    // Asymmetric: the zero point places real 0 so that [low, high] spans the type, signed or not.
    const low = range.low;
    const scale = Math.fround((range.high - low) / (max - min));
    const zeroPoint = Math.min(max, Math.max(min, Math.round(min - low / scale)));
    // A value clips when its quantized code leaves the type: rounding keeps values within half a step.
    return {
      quant: { scale, zeroPoint },
      clippedCount: (values) => {
        let clipped = 0;
        for (let index = 0; index < values.length; index += 1) {
          const code = Math.round((values[index] as number) / scale) + zeroPoint;
          if (code < min || code > max) clipped += 1;
        }
        return clipped;
      },
    };
  }

  private round(value: number, site: string, index: number): number {
    const draw =
      this.options.rounding === 'stochastic' ? { site: stochasticSite(BigInt(this.options.seed), site), counter: index } : undefined;
    return roundFloat(value, this.options.rounding, draw);
  }

  /** Registers an activation tensor with the range observed on the calibration input; returns the clipped fraction. */
  private activation(name: string, shape: readonly number[], values: Float32Array, range: Range): number {
    this.floats.set(name, values);
    this.ranges.set(name, range);
    const { quant, clippedCount } = this.activationQuant(range);
    this.graph.tensors[name] = { shape: [...shape], type: this.activationType, quant };
    return clippedCount(values) / values.length;
  }

  private inputScale(name: string): number {
    const quant = this.graph.tensors[name]?.quant;
    if (quant !== undefined && 'scale' in quant && typeof quant.scale === 'number') return quant.scale;
    if (quant !== undefined && 'fractionalBits' in quant) return 2 ** -quant.fractionalBits;
    return 1;
  }

  /** Integer weights (per channel or per tensor) and s32 biases for a layer. */
  private constants(
    layer: Layer & { name: string },
    weights: FloatWeights,
    outChannels: number,
    weightShape: number[],
    channelAxis: number,
    inputName: string,
  ): { weights: string; bias: string } {
    const qmax = 2 ** (this.options.weightBits - 1) - 1;
    const perChannelCount = weights.weights.length / outChannels;
    // A weight's output channel: along axis 0 a run of perChannelCount weights, else the index mod outChannels.
    const channelOf = (index: number): number => (channelAxis === 0 ? Math.floor(index / perChannelCount) : index % outChannels);
    const maxima = new Float64Array(outChannels);
    const values = weights.weights;
    const perChannel = this.options.perChannel;
    for (let index = 0; index < values.length; index += 1) {
      const channel = !perChannel ? 0 : channelAxis === 0 ? Math.floor(index / perChannelCount) : index % outChannels;
      const magnitude = Math.abs(values[index] as number);
      if (magnitude > (maxima[channel] as number)) maxima[channel] = magnitude;
    }
    if (!this.options.perChannel) maxima.fill(maxima[0] ?? 0);
    const weightType = `s${this.options.weightBits}` as 's8';
    let scales: number[];
    let quant: GraphFile['tensors'][string]['quant'];
    if (this.dfp()) {
      const fractionalBits = this.options.weightBits - 1 - Math.ceil(Math.log2(Math.max(...maxima, 1e-12)));
      scales = Array.from({ length: outChannels }, () => 2 ** -fractionalBits);
      quant = { fractionalBits };
    } else {
      scales = Array.from(maxima, (m) => Math.fround(Math.max(m, 1e-12) / qmax));
      quant = this.options.perChannel ? { scale: scales, zeroPoint: 0, axis: channelAxis } : { scale: scales[0] ?? 1, zeroPoint: 0 };
    }
    const integers = new Int32Array(weights.weights.length);
    const site = `${layer.name}/weights`;
    const channelScales = Float64Array.from(scales);
    const rounding = this.options.rounding;
    for (let index = 0; index < integers.length; index += 1) {
      const value = (values[index] as number) / (channelScales[channelOf(index)] as number);
      // Only the stochastic mode needs a draw (and this.round's site and counter).
      const q = rounding === 'stochastic' ? this.round(value, site, index) : roundFloat(value, rounding);
      integers[index] = q < -qmax ? -qmax : q > qmax ? qmax : q;
    }
    const inputScale = this.inputScale(inputName);
    const biases = Array.from(weights.bias, (b, channel) => {
      const q = this.round(b / (inputScale * (scales[channel] ?? 1)), `${layer.name}/bias`, channel);
      return Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, q));
    });
    const weightName = `${layer.name}.weights`;
    const biasName = `${layer.name}.bias`;
    this.graph.tensors[weightName] = {
      shape: weightShape,
      type: weightType,
      quant,
      data: this.sidecar.add(integers, tensorType(weightType)),
    };
    const biasQuant =
      this.dfp() && quant !== undefined && 'fractionalBits' in quant
        ? { fractionalBits: quant.fractionalBits + Math.round(-Math.log2(inputScale)) }
        : undefined;
    this.graph.tensors[biasName] = {
      shape: [outChannels],
      type: 's32',
      ...(biasQuant === undefined ? {} : { quant: biasQuant }),
      data: this.sidecar.add(biases, tensorType('s32')),
    };
    return { weights: weightName, bias: biasName };
  }

  private floatWeights(count: number, fanIn: number, outChannels: number, perOutputStride: (index: number) => number): FloatWeights {
    const gains = Array.from({ length: outChannels }, () => Math.exp(0.3 * this.random.normal()));
    const std = Math.sqrt(2 / fanIn);
    const weights = new Float32Array(count);
    for (let index = 0; index < count; index += 1) weights[index] = this.random.normal() * std * (gains[perOutputStride(index)] ?? 1);
    const bias = Float32Array.from({ length: outChannels }, () => this.random.normal() * 0.05);
    return { weights, bias };
  }

  /** Rescales a layer so its pre-activations have unit spread on the calibration input. */
  private normalise(layer: FloatWeights, run: (w: FloatWeights) => Float32Array): Float32Array {
    const first = run(layer);
    const factor = 1 / spread(first);
    for (let i = 0; i < layer.weights.length; i += 1) layer.weights[i] = (layer.weights[i] ?? 0) * factor;
    for (let i = 0; i < layer.bias.length; i += 1) layer.bias[i] = (layer.bias[i] ?? 0) * factor;
    return first.map((value) => value * factor);
  }

  build(): Omit<ZooNetwork, 'model'> {
    const inputShape = this.topology.shapes.get(this.topology.input) ?? [1, 1, 1, 1];
    const count = inputShape.reduce((a, b) => a * b, 1);
    const input = Float32Array.from({ length: count }, () => this.random.uniform() * 2 - 1);
    this.activation(this.topology.input, inputShape, input, { low: -1, high: 1 });
    for (const layer of this.topology.layers) this.layer(layer);
    const sidecar = this.sidecar.contents();
    const macs = this.summaries.reduce((total, layer) => total + layer.macs, 0);
    const params = this.summaries.reduce((total, layer) => total + layer.params, 0);
    this.graph.description = `${this.topology.name}: real layer shapes; seeded weights (seed ${this.options.seed}), W${this.options.weightBits}A${this.options.activationBits} ${this.options.signedActivations ? 'signed' : 'unsigned'} activations, ${this.options.perChannel ? 'per-channel' : 'per-tensor'} weight ${this.dfp() ? 'fractional bits' : 'scales'}, calibrated on a seeded input`;
    return { graph: this.graph, sidecar, layers: this.summaries, totals: { macs, params } };
  }

  private shapeOf(name: string): readonly number[] {
    const shape = this.topology.shapes.get(name);
    if (shape === undefined) throw new Error(`no shape for ${name}`);
    return shape;
  }

  private floatOf(name: string): Float32Array {
    const values = this.floats.get(name);
    if (values === undefined) throw new Error(`no values for ${name}`);
    return values;
  }

  private poolOp(layer: Extract<Layer, { kind: 'maxPool' | 'avgPool' }>): GraphOp {
    const common = {
      name: layer.name,
      input: layer.input,
      output: layer.output,
      filter: layer.filter,
      stride: layer.stride,
      padding: layer.padding,
      activation: 'none' as const,
    };
    return layer.kind === 'maxPool' ? { ...common, op: 'max_pool', dilation: [1, 1] } : { ...common, op: 'avg_pool' };
  }

  private layer(layer: Layer): void {
    switch (layer.kind) {
      case 'conv': {
        const inputShape = this.shapeOf(layer.input);
        const channels = inputShape[3] ?? 1;
        const [kh, kw] = layer.kernel;
        const depthwise = layer.depthwise;
        const fanIn = depthwise ? kh * kw : kh * kw * channels;
        const weightShape = depthwise ? [1, kh, kw, channels] : [layer.filters, kh, kw, channels];
        const count = weightShape.reduce((a, b) => a * b, 1);
        const floatLayer = this.floatWeights(count, fanIn, layer.filters, (index) =>
          depthwise ? index % channels : Math.floor(index / (kh * kw * channels)),
        );
        const input = this.floatOf(layer.input);
        const pre = this.normalise(
          floatLayer,
          (w) => convFloat(input, inputShape, w, layer.filters, layer.kernel, layer.stride, layer.padding, depthwise).values,
        );
        const values = applyActivation(pre, layer.activation);
        const outputShape = this.shapeOf(layer.output);
        const clipped = this.activation(layer.output, outputShape, values, observedRange(values));
        const { weights, bias } = this.constants(layer, floatLayer, layer.filters, weightShape, depthwise ? 3 : 0, layer.input);
        const op: GraphOp = depthwise
          ? {
              name: layer.name,
              op: 'depthwise_conv2d',
              input: layer.input,
              weights,
              bias,
              output: layer.output,
              stride: layer.stride,
              dilation: [1, 1],
              padding: layer.padding,
              activation: layer.activation,
              depthMultiplier: 1,
            }
          : {
              name: layer.name,
              op: 'conv2d',
              input: layer.input,
              weights,
              bias,
              output: layer.output,
              stride: layer.stride,
              dilation: [1, 1],
              padding: layer.padding,
              activation: layer.activation,
              groups: 1,
            };
        this.graph.ops.push(op);
        const pixels = (outputShape[1] ?? 1) * (outputShape[2] ?? 1);
        this.summaries.push({
          name: layer.name,
          op: op.op,
          macs: pixels * layer.filters * fanIn,
          params: count + layer.filters,
          clippedFraction: clipped,
        });
        return;
      }
      case 'fc': {
        const input = this.floatOf(layer.input);
        const depth = input.length;
        const floatLayer = this.floatWeights(layer.outputs * depth, depth, layer.outputs, (index) => Math.floor(index / depth));
        const pre = this.normalise(floatLayer, (w) => fullyConnectedFloat(input, w, layer.outputs));
        const values = applyActivation(pre, layer.activation);
        const clipped = this.activation(layer.output, this.shapeOf(layer.output), values, observedRange(values));
        const { weights, bias } = this.constants(layer, floatLayer, layer.outputs, [layer.outputs, depth], 0, layer.input);
        this.graph.ops.push({
          name: layer.name,
          op: 'fully_connected',
          input: layer.input,
          weights,
          bias,
          output: layer.output,
          activation: layer.activation,
        });
        this.summaries.push({
          name: layer.name,
          op: 'fully_connected',
          macs: layer.outputs * depth,
          params: layer.outputs * depth + layer.outputs,
          clippedFraction: clipped,
        });
        return;
      }
      case 'add': {
        const [a, b] = layer.inputs.map((name) => this.floatOf(name)) as [Float32Array, Float32Array];
        const values = applyActivation(
          a.map((value, index) => value + (b[index] ?? 0)),
          layer.activation,
        );
        const clipped = this.activation(layer.output, this.shapeOf(layer.output), values, observedRange(values));
        this.graph.ops.push({ name: layer.name, op: 'add', inputs: layer.inputs, output: layer.output, activation: layer.activation });
        this.summaries.push({ name: layer.name, op: 'add', macs: 0, params: 0, clippedFraction: clipped });
        return;
      }
      case 'maxPool':
      case 'avgPool':
      case 'globalAvgPool':
      case 'flatten': {
        const input = this.floatOf(layer.input);
        const inputShape = this.shapeOf(layer.input);
        let values: Float32Array;
        if (layer.kind === 'flatten') values = input;
        else if (layer.kind === 'globalAvgPool')
          values = poolFloat(input, inputShape, 'avgPool', [inputShape[1] ?? 1, inputShape[2] ?? 1], [1, 1], 'valid').values;
        else {
          const pool = layer as Extract<Layer, { kind: 'maxPool' | 'avgPool' }>;
          values = poolFloat(input, inputShape, pool.kind, pool.filter, pool.stride, pool.padding).values;
        }
        // Pooling and reshaping keep the input's quantization (TFLite requires it for average pooling).
        const range = this.ranges.get(layer.input) ?? observedRange(values);
        const clipped = this.activation(layer.output, this.shapeOf(layer.output), values, range);
        const inputQuant = this.graph.tensors[layer.input]?.quant;
        const outputTensor = this.graph.tensors[layer.output];
        if (outputTensor !== undefined && inputQuant !== undefined) outputTensor.quant = inputQuant;
        const op: GraphOp =
          layer.kind === 'flatten'
            ? { name: layer.name, op: 'reshape', input: layer.input, output: layer.output }
            : layer.kind === 'globalAvgPool'
              ? { name: layer.name, op: 'global_avg_pool', input: layer.input, output: layer.output }
              : this.poolOp(layer as Extract<Layer, { kind: 'maxPool' | 'avgPool' }>);
        this.graph.ops.push(op);
        this.summaries.push({ name: layer.name, op: op.op, macs: 0, params: 0, clippedFraction: clipped });
        return;
      }
    }
  }
}

function typeRangeOf(name: string): { min: number; max: number } {
  const type = tensorType(name as 's8');
  return type.signed ? { min: -(2 ** (type.bits - 1)), max: 2 ** (type.bits - 1) - 1 } : { min: 0, max: 2 ** type.bits - 1 };
}

/**
 * A zoo network, checked before it is returned against every rule of the requantization mode it
 * was built for (the ops the mode defines, its multipliers' domain), so that the zoo writes only
 * graphs npusim runs under that mode; what cannot be is refused with the reason.
 */
export function buildZooNetwork(name: ZooName, options: ZooOptions): ZooNetwork {
  const network = buildNetwork(zooTopology(name), options);
  checkZooGraphForMode(network.model, options);
  return network;
}

/** The accumulator width the check assumes: the widest, so that the network runs at any width. */
const CHECKED_ACCUMULATOR_BITS = MAX_ACCUMULATOR_BITS;

/**
 * The mode rules on a resolved zoo graph (the network or its skeleton: the rules that do not
 * depend on the weights' numbers give the same answer on both), refused as the zoo refuses them.
 */
export function checkZooGraphForMode(
  graph: Graph,
  options: Pick<ZooOptions, 'requant' | 'weightBits' | 'activationBits' | 'signedActivations'>,
): void {
  const label = `zoo:${graph.name}`;
  try {
    checkGraphForRequant(graph, { mode: options.requant, rounding: undefined, shiftBias: 0, accumulatorBits: CHECKED_ACCUMULATOR_BITS });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const quant = `W${options.weightBits}A${options.activationBits} ${options.signedActivations ? 'signed' : 'unsigned'}`;
    throw new InputError(
      `the network built for --requant ${options.requant} (${quant}) would not run under that mode: ${error.message}`,
      label,
      error.location,
    );
  }
}

/** Any topology, built the zoo's way (the SCALE-Sim importer builds its layers with it). */
export function buildNetwork(topology: Topology, options: ZooOptions): ZooNetwork {
  return networkFromParts(new NetworkQuantizer(topology, options).build(), options.sidecarFile);
}

/** What a build writes: the graph file, its sidecar and the layer summaries. */
export type BuiltParts = Omit<ZooNetwork, 'model'>;

/**
 * Parts built for one sidecar name and mode, as a build for another sidecar name and a mode of the
 * same form (scales, or fractional bits for shift-only) writes them: the builder reads the mode only
 * for the form, so the numbers are the same and only the data references and quantizedFor differ.
 */
export function relabelParts(parts: BuiltParts, requant: RequantMode, sidecarFile: string): BuiltParts {
  const tensors: GraphFile['tensors'] = {};
  for (const [name, tensor] of Object.entries(parts.graph.tensors))
    tensors[name] =
      tensor.data === undefined || Array.isArray(tensor.data) ? tensor : { ...tensor, data: { ...tensor.data, file: sidecarFile } };
  return { ...parts, graph: { ...parts.graph, quantizedFor: requant, tensors } };
}

/** The network with its model: the graph parsed as a file would be (the schema fills in defaults), resolved against the sidecar in memory. */
export function networkFromParts(parts: BuiltParts, sidecarFile: string): ZooNetwork {
  const file = graphSchema.parse(parts.graph);
  const model = {
    ...resolveGraph(file, `zoo:${parts.graph.name}`, { sidecars: new Map([[sidecarFile, parts.sidecar]]) }),
    sourceFiles: [],
  };
  return { ...parts, model };
}
