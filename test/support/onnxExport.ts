/**
 * An npusim graph exported as an ONNX model in either quantized form, for the tests that compare
 * onnxruntime with npusim on models they build: QOperator (QLinearConv, QGemm, QLinearAdd,
 * QLinearAveragePool, QLinearGlobalAveragePool, QLinearConcat, MaxPool, Flatten, Clip on integers)
 * or QDQ (float ops between DequantizeLinear and QuantizeLinear, as quantize_static writes them,
 * with a float input and QuantizeLinear first). Every op output is also a graph output, so
 * onnxruntime returns each layer's tensor. Weights can be halved to 7 bits, the rule for uint8
 * activations on x86 without VNNI (see test/engine/onnxruntime.test.ts).
 */
import { activationRange } from '../../src/engine/layerNumerics.js';
import { poolGeometry } from '../../src/graph/geometry.js';
import { type Graph, type Tensor, typeRange } from '../../src/graph/model.js';
import type { GraphOp, Padding } from '../../src/graph/ops.js';
import { windowedOutput } from '../../src/graph/shapes.js';
import { attribute, DataType, type Initializer, initializer, modelBytes, type Node, valueInfo } from './onnx.js';

export type OnnxForm = 'qoperator' | 'qdq';

export interface ExportOptions {
  readonly form: OnnxForm;
  /** Halve the weights to -64..63 (uint8 activations on AVX2 without VNNI). */
  readonly sevenBitWeights?: boolean;
  /** Add every op's output as a graph output (default true). */
  readonly everyOutput?: boolean;
}

export interface ExportedModel {
  readonly bytes: Uint8Array;
  /** The model's input: its name, ONNX dims and element type. */
  readonly input: { readonly name: string; readonly dims: number[]; readonly type: 'uint8' | 'int8' | 'float32' };
  /** The integer tensors onnxruntime returns, by name (npusim's names), with their ONNX dims. */
  readonly outputs: ReadonlyMap<string, number[]>;
}

const NHWC_AXIS_TO_NCHW = [0, 2, 3, 1];

function onnxDims(shape: readonly number[]): number[] {
  return shape.length === 4 ? [shape[0] ?? 1, shape[3] ?? 1, shape[1] ?? 1, shape[2] ?? 1] : [...shape];
}

function elem(tensor: Tensor): number {
  return tensor.type.signed ? DataType.INT8 : DataType.UINT8;
}

function explicitPads(
  padding: Padding,
  input: Tensor,
  filter: readonly [number, number],
  stride: readonly [number, number],
  dilation: readonly [number, number],
): number[] {
  const [, h = 1, w = 1] = input.shape;
  const resolved = windowedOutput(h, w, filter, stride, dilation, padding).padding as {
    top: number;
    left: number;
    bottom: number;
    right: number;
  };
  return [resolved.top, resolved.left, resolved.bottom, resolved.right];
}

class Exporter {
  private readonly nodes: Node[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly defined = new Set<string>();

  constructor(
    private readonly graph: Graph,
    private readonly options: ExportOptions,
  ) {}

  private tensor(name: string): Tensor {
    const tensor = this.graph.tensors.get(name);
    if (tensor === undefined) throw new Error(`no tensor ${name}`);
    return tensor;
  }

  private constant(name: string, type: number, dims: readonly number[], data: ArrayLike<number>): string {
    if (!this.defined.has(name)) {
      this.initializers.push(initializer(name, type, dims, data));
      this.defined.add(name);
    }
    return name;
  }

  /** Scale and zero point initializers of an activation. */
  private quant(name: string): [string, string] {
    const tensor = this.tensor(name);
    const quant = tensor.quant;
    if (quant?.kind !== 'affine') throw new Error(`${name} is not affine`);
    return [
      this.constant(`${name}.scale`, DataType.FLOAT, [], [quant.scales[0] ?? 1]),
      this.constant(`${name}.zero`, elem(tensor), [], [quant.zeroPoints[0] ?? 0]),
    ];
  }

  private weightQuant(name: string, channels: number): [string, string] {
    const tensor = this.tensor(name);
    const quant = tensor.quant;
    if (quant?.kind !== 'affine') throw new Error(`${name} is not affine`);
    const dims = quant.scales.length === 1 ? [] : [channels];
    return [
      this.constant(`${name}.scale`, DataType.FLOAT, dims, quant.scales),
      this.constant(
        `${name}.zero`,
        DataType.INT8,
        dims,
        quant.scales.map(() => 0),
      ),
    ];
  }

  /** The bias scale quantize_static writes: s_in x s_w per channel. */
  private biasScale(input: string, weights: string, bias: string): string {
    const inputScale = (this.tensor(input).quant as Extract<Tensor['quant'], { kind: 'affine' }>).scales[0] ?? 1;
    const scales = (this.tensor(weights).quant as Extract<Tensor['quant'], { kind: 'affine' }>).scales;
    return this.constant(
      `${bias}.scale`,
      DataType.FLOAT,
      scales.length === 1 ? [] : [scales.length],
      scales.map((scale) => Math.fround(inputScale * scale)),
    );
  }

  private weightValues(tensor: Tensor): Int32Array {
    const values = Int32Array.from(tensor.data ?? []);
    if (this.options.sevenBitWeights)
      for (let index = 0; index < values.length; index += 1)
        values[index] = Math.max(-64, Math.min(63, Math.round((values[index] as number) / 2)));
    return values;
  }

  /** In QDQ, the float tensor a DequantizeLinear makes of an integer tensor. */
  private dequantized(name: string): string {
    const float = `${name}.dq`;
    if (!this.defined.has(float)) {
      const [scale, zero] = this.quant(name);
      this.nodes.push({ opType: 'DequantizeLinear', input: [name, scale, zero], output: [float] });
      this.defined.add(float);
    }
    return float;
  }

  /** The integer bounds of a fused activation when they clamp more than the type does. */
  private clampOf(op: GraphOp): [number, number] | undefined {
    if (!('activation' in op) || op.activation === 'none') return undefined;
    const output = this.tensor(op.output);
    const range = activationRange(output, op.activation);
    const type = typeRange(output.type);
    return range.min > type.min || range.max < type.max ? [range.min, range.max] : undefined;
  }

  /** The op's output: in QDQ a float result, through Relu/Clip if its activation clamps, then QuantizeLinear. */
  private finish(op: GraphOp, floatOutput: string): void {
    const clamp = this.clampOf(op);
    const output = this.tensor(op.output);
    const [scale, zero] = this.quant(op.output);
    let last = floatOutput;
    if (clamp !== undefined) {
      const quant = output.quant as Extract<Tensor['quant'], { kind: 'affine' }>;
      const real = (q: number) => (q - (quant.zeroPoints[0] ?? 0)) * (quant.scales[0] ?? 1);
      const min = this.constant(`${op.name}.clip.min`, DataType.FLOAT, [], [real(clamp[0])]);
      const max = this.constant(`${op.name}.clip.max`, DataType.FLOAT, [], [real(clamp[1])]);
      this.nodes.push({ opType: 'Clip', input: [last, min, max], output: [`${op.name}.clipped`] });
      last = `${op.name}.clipped`;
    }
    this.nodes.push({ opType: 'QuantizeLinear', input: [last, scale, zero], output: [op.output] });
  }

  /** In QOperator, an integer Clip after the op when its activation clamps: the op writes `${output}.unclamped`. */
  private qoperatorOutput(op: GraphOp): string {
    return this.clampOf(op) === undefined ? op.output : `${op.output}.unclamped`;
  }

  private qoperatorClamp(op: GraphOp): void {
    const clamp = this.clampOf(op);
    if (clamp === undefined) return;
    const output = this.tensor(op.output);
    const min = this.constant(`${op.name}.clip.min`, elem(output), [], [clamp[0]]);
    const max = this.constant(`${op.name}.clip.max`, elem(output), [], [clamp[1]]);
    this.nodes.push({ opType: 'Clip', input: [`${op.output}.unclamped`, min, max], output: [op.output] });
  }

  private op(op: GraphOp): void {
    const qdq = this.options.form === 'qdq';
    switch (op.op) {
      case 'conv2d':
      case 'depthwise_conv2d': {
        const input = this.tensor(op.input);
        const weights = this.tensor(op.weights);
        const output = this.tensor(op.output);
        const values = this.weightValues(weights);
        let oihw: Int8Array;
        let dims: number[];
        let groups: number;
        const [kh = 1, kw = 1] = op.op === 'conv2d' ? [weights.shape[1], weights.shape[2]] : [weights.shape[1], weights.shape[2]];
        const outChannels = output.shape[3] ?? 1;
        if (op.op === 'conv2d') {
          const i = weights.shape[3] ?? 1;
          dims = [outChannels, i, kh, kw];
          oihw = new Int8Array(values.length);
          for (let o = 0; o < outChannels; o++)
            for (let y = 0; y < kh; y++)
              for (let x = 0; x < kw; x++)
                for (let c = 0; c < i; c++) oihw[((o * i + c) * kh + y) * kw + x] = values[((o * kh + y) * kw + x) * i + c] as number;
          groups = op.groups;
        } else {
          dims = [outChannels, 1, kh, kw];
          oihw = new Int8Array(values.length);
          for (let y = 0; y < kh; y++)
            for (let x = 0; x < kw; x++)
              for (let o = 0; o < outChannels; o++) oihw[(o * kh + y) * kw + x] = values[(y * kw + x) * outChannels + o] as number;
          groups = input.shape[3] ?? 1;
        }
        const w = this.constant(op.weights, DataType.INT8, dims, oihw);
        const [ws, wz] = this.weightQuant(op.weights, outChannels);
        const bias =
          op.bias === undefined
            ? undefined
            : this.constant(op.bias, DataType.INT32, [outChannels], Array.from(this.tensor(op.bias).data ?? []));
        const attributes = [
          attribute.ints('kernel_shape', [kh, kw]),
          attribute.ints('strides', op.stride),
          attribute.ints('dilations', op.dilation),
          attribute.ints('pads', explicitPads(op.padding, input, [kh, kw], op.stride, op.dilation)),
          attribute.int('group', groups),
        ];
        if (qdq) {
          const wf = `${op.weights}.dq`;
          this.nodes.push({ opType: 'DequantizeLinear', input: [w, ws, wz], output: [wf], attribute: [attribute.int('axis', 0)] });
          const inputs = [this.dequantized(op.input), wf];
          if (bias !== undefined) {
            const biasScale = this.biasScale(op.input, op.weights, op.bias ?? '');
            this.nodes.push({
              opType: 'DequantizeLinear',
              input: [bias, biasScale],
              output: [`${bias}.dq`],
              attribute: [attribute.int('axis', 0)],
            });
            inputs.push(`${bias}.dq`);
          }
          this.nodes.push({ opType: 'Conv', input: inputs, output: [`${op.output}.float`], attribute: attributes });
          this.finish(op, `${op.output}.float`);
        } else {
          const [xs, xz] = this.quant(op.input);
          const [ys, yz] = this.quant(op.output);
          this.nodes.push({
            opType: 'QLinearConv',
            input: [op.input, xs, xz, w, ws, wz, ys, yz, ...(bias === undefined ? [] : [bias])],
            output: [this.qoperatorOutput(op)],
            attribute: attributes,
          });
          this.qoperatorClamp(op);
        }
        return;
      }
      case 'fully_connected': {
        const weights = this.tensor(op.weights);
        const [n = 1, k = 1] = weights.shape;
        const w = this.constant(op.weights, DataType.INT8, [n, k], this.weightValues(weights));
        const [ws, wz] = this.weightQuant(op.weights, n);
        const bias =
          op.bias === undefined ? undefined : this.constant(op.bias, DataType.INT32, [n], Array.from(this.tensor(op.bias).data ?? []));
        if (qdq) {
          this.nodes.push({
            opType: 'DequantizeLinear',
            input: [w, ws, wz],
            output: [`${op.weights}.dq`],
            attribute: [attribute.int('axis', 0)],
          });
          const inputs = [this.dequantized(op.input), `${op.weights}.dq`];
          if (bias !== undefined) {
            const biasScale = this.biasScale(op.input, op.weights, op.bias ?? '');
            this.nodes.push({
              opType: 'DequantizeLinear',
              input: [bias, biasScale],
              output: [`${bias}.dq`],
              attribute: [attribute.int('axis', 0)],
            });
            inputs.push(`${bias}.dq`);
          }
          this.nodes.push({ opType: 'Gemm', input: inputs, output: [`${op.output}.float`], attribute: [attribute.int('transB', 1)] });
          this.finish(op, `${op.output}.float`);
        } else {
          const [xs, xz] = this.quant(op.input);
          const [ys, yz] = this.quant(op.output);
          this.nodes.push({
            opType: 'QGemm',
            domain: 'com.microsoft',
            input: [op.input, xs, xz, w, ws, wz, bias ?? '', ys, yz],
            output: [this.qoperatorOutput(op)],
            attribute: [attribute.int('transB', 1)],
          });
          this.qoperatorClamp(op);
        }
        return;
      }
      case 'add': {
        const [a, b] = op.inputs;
        if (qdq) {
          this.nodes.push({ opType: 'Add', input: [this.dequantized(a), this.dequantized(b)], output: [`${op.output}.float`] });
          this.finish(op, `${op.output}.float`);
        } else {
          this.nodes.push({
            opType: 'QLinearAdd',
            domain: 'com.microsoft',
            input: [a, ...this.quant(a), b, ...this.quant(b), ...this.quant(op.output)],
            output: [this.qoperatorOutput(op)],
          });
          this.qoperatorClamp(op);
        }
        return;
      }
      case 'max_pool':
      case 'avg_pool': {
        const input = this.tensor(op.input);
        const dilation = op.op === 'max_pool' ? op.dilation : ([1, 1] as const);
        const attributes = [
          attribute.ints('kernel_shape', op.filter),
          attribute.ints('strides', op.stride),
          attribute.ints('pads', explicitPads(op.padding, input, op.filter, op.stride, dilation)),
          ...(op.op === 'max_pool' ? [attribute.ints('dilations', op.dilation)] : []),
        ];
        const opType = op.op === 'max_pool' ? 'MaxPool' : 'AveragePool';
        if (qdq) {
          this.nodes.push({ opType, input: [this.dequantized(op.input)], output: [`${op.output}.float`], attribute: attributes });
          this.finish(op, `${op.output}.float`);
        } else if (op.op === 'max_pool') {
          this.nodes.push({ opType, input: [op.input], output: [this.qoperatorOutput(op)], attribute: attributes });
          this.qoperatorClamp(op);
        } else {
          this.nodes.push({
            opType: 'QLinearAveragePool',
            domain: 'com.microsoft',
            input: [op.input, ...this.quant(op.input), ...this.quant(op.output)],
            output: [this.qoperatorOutput(op)],
            attribute: attributes,
          });
          this.qoperatorClamp(op);
        }
        return;
      }
      case 'global_avg_pool': {
        if (qdq) {
          this.nodes.push({ opType: 'GlobalAveragePool', input: [this.dequantized(op.input)], output: [`${op.output}.float`] });
          this.finish(op, `${op.output}.float`);
        } else {
          this.nodes.push({
            opType: 'QLinearGlobalAveragePool',
            domain: 'com.microsoft',
            input: [op.input, ...this.quant(op.input), ...this.quant(op.output)],
            output: [op.output],
            attribute: [attribute.int('channels_last', 0)],
          });
        }
        return;
      }
      case 'concat': {
        const axis = NHWC_AXIS_TO_NCHW[op.axis] ?? op.axis;
        const rank = this.tensor(op.output).shape.length;
        const onnxAxis = rank === 4 ? axis : op.axis;
        if (qdq) {
          this.nodes.push({
            opType: 'Concat',
            input: op.inputs.map((name) => this.dequantized(name)),
            output: [`${op.output}.float`],
            attribute: [attribute.int('axis', onnxAxis)],
          });
          this.finish(op, `${op.output}.float`);
        } else {
          this.nodes.push({
            opType: 'QLinearConcat',
            domain: 'com.microsoft',
            input: [...this.quant(op.output), ...op.inputs.flatMap((name) => [name, ...this.quant(name)])],
            output: [op.output],
            attribute: [attribute.int('axis', onnxAxis)],
          });
        }
        return;
      }
      case 'reshape': {
        const input = this.tensor(op.input);
        const output = this.tensor(op.output);
        const [, h = 1, w = 1] = input.shape;
        if (input.shape.length !== 4 || output.shape.length !== 2 || h * w !== 1)
          throw new Error(`the exporter writes only reshapes of 1x1 NHWC tensors to [N, C] (${op.name})`);
        if (qdq) {
          this.nodes.push({
            opType: 'Flatten',
            input: [this.dequantized(op.input)],
            output: [`${op.output}.float`],
            attribute: [attribute.int('axis', 1)],
          });
          this.finish(op, `${op.output}.float`);
        } else {
          this.nodes.push({ opType: 'Flatten', input: [op.input], output: [op.output], attribute: [attribute.int('axis', 1)] });
        }
        return;
      }
      case 'pad':
        throw new Error('the exporter writes no pad op');
    }
  }

  run(): ExportedModel {
    const inputName = this.graph.inputs[0] as string;
    const input = this.tensor(inputName);
    const qdq = this.options.form === 'qdq';
    const inputs = [];
    if (qdq) {
      const [scale, zero] = this.quant(inputName);
      inputs.push(valueInfo(`${inputName}.float`, DataType.FLOAT, onnxDims(input.shape)));
      this.nodes.push({ opType: 'QuantizeLinear', input: [`${inputName}.float`, scale, zero], output: [inputName] });
    } else {
      inputs.push(valueInfo(inputName, elem(input), onnxDims(input.shape)));
    }
    for (const op of this.graph.ops) {
      if (op.op === 'global_avg_pool') {
        // Shape check only: the pool's geometry must be the whole image.
        poolGeometry(op, this.tensor(op.input), this.tensor(op.output));
      }
      const first = this.nodes.length;
      this.op(op);
      // The op's own node carries its name, so npusim's imported layer is named as the graph's was.
      const own = this.nodes.slice(first).find((node) => node.opType !== 'DequantizeLinear');
      if (own !== undefined) own.name = op.name;
    }
    const outputs = new Map<string, number[]>();
    const names = this.options.everyOutput === false ? [...this.graph.outputs] : this.graph.ops.map((op) => op.output);
    for (const name of names) outputs.set(name, onnxDims(this.tensor(name).shape));
    const bytes = modelBytes({
      nodes: this.nodes,
      initializers: this.initializers,
      inputs,
      outputs: [...outputs].map(([name, dims]) => valueInfo(name, elem(this.tensor(name)), dims)),
      name: this.graph.name,
    });
    return {
      bytes,
      input: {
        name: qdq ? `${inputName}.float` : inputName,
        dims: onnxDims(input.shape),
        type: qdq ? 'float32' : input.type.signed ? 'int8' : 'uint8',
      },
      outputs,
    };
  }
}

export function exportOnnx(graph: Graph, options: ExportOptions): ExportedModel {
  return new Exporter(graph, options).run();
}
