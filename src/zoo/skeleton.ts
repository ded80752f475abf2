/**
 * A zoo network's structure without its numbers: the tensors (names, shapes, types, the kind of
 * quantization), the ops and their parameters exactly as src/zoo/build.ts writes them, but no
 * weights and neutral scales (1, or 0 fractional bits), built in milliseconds instead of seconds
 * because nothing is computed. A sweep lowers it to learn, before building any network, which
 * points a config cannot run (operand modes, tiles, what the requantization mode defines): those
 * checks read only the structure. test/zoo/skeleton.test.ts proves it matches the real graph.
 * Its weights hold no data, so it is made a Graph here rather than through resolveGraph (which
 * would take them for tensors no op produces); the real graph of the same options passed that.
 */
import type { GraphFile, GraphOpFile as GraphOp } from '../formats/graphSchema.js';
import { graphSchema } from '../formats/graphSchema.js';
import { type Graph, type Quantization, type Tensor, tensorType } from '../graph/model.js';
import type { ZooOptions } from './build.js';
import { type ZooName, zooTopology } from './networks.js';
import type { Layer } from './topology.js';

/** The options that decide the structure; seed and rounding change only the numbers. */
export type SkeletonOptions = Pick<ZooOptions, 'weightBits' | 'activationBits' | 'perChannel' | 'signedActivations' | 'requant'>;

type TensorSpec = GraphFile['tensors'][string];

class SkeletonWriter {
  readonly tensors: Record<string, TensorSpec> = {};
  readonly ops: GraphOp[] = [];

  constructor(
    private readonly shapes: ReadonlyMap<string, readonly number[]>,
    private readonly options: SkeletonOptions,
  ) {}

  private get dfp(): boolean {
    return this.options.requant === 'shift-only';
  }

  private shapeOf(name: string): number[] {
    const shape = this.shapes.get(name);
    if (shape === undefined) throw new Error(`no shape for ${name}`);
    return [...shape];
  }

  activation(name: string): void {
    const type = `${this.options.signedActivations ? 's' : 'u'}${this.options.activationBits}` as TensorSpec['type'];
    this.tensors[name] = { shape: this.shapeOf(name), type, quant: this.dfp ? { fractionalBits: 0 } : { scale: 1, zeroPoint: 0 } };
  }

  /** Weights and bias as build.ts names and types them; per channel along `channelAxis`. */
  constants(layerName: string, outChannels: number, weightShape: number[], channelAxis: number): { weights: string; bias: string } {
    const weights = `${layerName}.weights`;
    const bias = `${layerName}.bias`;
    const quant: TensorSpec['quant'] = this.dfp
      ? { fractionalBits: 0 }
      : this.options.perChannel
        ? { scale: new Array<number>(outChannels).fill(1), zeroPoint: 0, axis: channelAxis }
        : { scale: 1, zeroPoint: 0 };
    this.tensors[weights] = { shape: weightShape, type: `s${this.options.weightBits}` as TensorSpec['type'], quant };
    this.tensors[bias] = { shape: [outChannels], type: 's32', ...(this.dfp ? { quant: { fractionalBits: 0 } } : {}) };
    return { weights, bias };
  }

  layer(layer: Layer): void {
    switch (layer.kind) {
      case 'conv': {
        const channels = this.shapeOf(layer.input)[3] ?? 1;
        const [kh, kw] = layer.kernel;
        const weightShape = layer.depthwise ? [1, kh, kw, channels] : [layer.filters, kh, kw, channels];
        this.activation(layer.output);
        const { weights, bias } = this.constants(layer.name, layer.filters, weightShape, layer.depthwise ? 3 : 0);
        const common = {
          name: layer.name,
          input: layer.input,
          weights,
          bias,
          output: layer.output,
          stride: layer.stride,
          dilation: [1, 1] as [number, number],
          padding: layer.padding,
          activation: layer.activation,
        };
        this.ops.push(layer.depthwise ? { ...common, op: 'depthwise_conv2d', depthMultiplier: 1 } : { ...common, op: 'conv2d', groups: 1 });
        return;
      }
      case 'fc': {
        const depth = this.shapeOf(layer.input).reduce((a, b) => a * b, 1);
        this.activation(layer.output);
        const { weights, bias } = this.constants(layer.name, layer.outputs, [layer.outputs, depth], 0);
        this.ops.push({
          name: layer.name,
          op: 'fully_connected',
          input: layer.input,
          weights,
          bias,
          output: layer.output,
          activation: layer.activation,
        });
        return;
      }
      case 'add':
        this.activation(layer.output);
        this.ops.push({ name: layer.name, op: 'add', inputs: layer.inputs, output: layer.output, activation: layer.activation });
        return;
      case 'maxPool':
      case 'avgPool': {
        // Pooling keeps the input's quantization, as build.ts does.
        this.tensors[layer.output] = { ...(this.tensors[layer.input] as TensorSpec), shape: this.shapeOf(layer.output) };
        const common = {
          name: layer.name,
          input: layer.input,
          output: layer.output,
          filter: layer.filter,
          stride: layer.stride,
          padding: layer.padding,
          activation: 'none' as const,
        };
        this.ops.push(layer.kind === 'maxPool' ? { ...common, op: 'max_pool', dilation: [1, 1] } : { ...common, op: 'avg_pool' });
        return;
      }
      case 'globalAvgPool':
      case 'flatten':
        this.tensors[layer.output] = { ...(this.tensors[layer.input] as TensorSpec), shape: this.shapeOf(layer.output) };
        this.ops.push(
          layer.kind === 'flatten'
            ? { name: layer.name, op: 'reshape', input: layer.input, output: layer.output }
            : { name: layer.name, op: 'global_avg_pool', input: layer.input, output: layer.output },
        );
        return;
    }
  }
}

function quantization(spec: TensorSpec): Quantization | undefined {
  const quant = spec.quant;
  if (quant === undefined) return undefined;
  if ('fractionalBits' in quant) return { kind: 'dfp', fractionalBits: quant.fractionalBits, shiftBias: 0 };
  const scales = typeof quant.scale === 'number' ? [quant.scale] : quant.scale;
  return { kind: 'affine', scales, zeroPoints: scales.map(() => 0), axis: 'axis' in quant ? quant.axis : undefined };
}

/** The skeleton of zoo network `name` as a graph (named zoo:NAME, like the real one). */
export function zooSkeleton(name: ZooName, options: SkeletonOptions): Graph {
  const topology = zooTopology(name);
  const writer = new SkeletonWriter(topology.shapes, options);
  writer.activation(topology.input);
  for (const layer of topology.layers) writer.layer(layer);
  // Parsed as a graph file is, so the ops carry the schema's defaults as the real graph's do.
  const file = graphSchema.parse({
    name: topology.name,
    description: '',
    inputs: [topology.input],
    outputs: [topology.output],
    tensors: writer.tensors,
    ops: writer.ops,
    quantizedFor: options.requant,
  } satisfies GraphFile);
  const tensors = new Map<string, Tensor>(
    Object.entries(file.tensors).map(([tensor, spec]) => [
      tensor,
      { name: tensor, shape: spec.shape, type: tensorType(spec.type), quant: quantization(spec), data: undefined },
    ]),
  );
  return {
    name: file.name,
    file: `zoo:${name}`,
    sourceFiles: [],
    inputs: file.inputs,
    outputs: file.outputs,
    tensors,
    ops: file.ops,
    quantizedFor: options.requant,
  };
}
