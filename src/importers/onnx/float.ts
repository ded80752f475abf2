/**
 * A float ONNX model (no QuantizeLinear, DequantizeLinear or QLinear op) as npusim's float graph:
 * the same op mapping as the quantized import (NCHW to NHWC, OIHW to OHWI, Relu and Clip fused into
 * the op before them), with float32 weights, and BatchNormalization folded into the convolution
 * before it as inference does. The quantization lab quantizes what this gives.
 */
import { basename } from 'node:path';
import { InputError } from '../../errors.js';
import type { FloatGraph, FloatTensor } from '../../graph/float.js';
import type { SourceTensor } from '../../graph/model.js';
import type { FusedActivation, GraphOp } from '../../graph/ops.js';
import { convWeights, depthwiseWeights, flattenedFeatureOrder, fullyConnectedWeights, NCHW_TO_NHWC_AXIS, nhwcShape } from './layout.js';
import { ELEMENT, floatAttribute, intAttribute, intsAttribute, type OnnxConstant, type OnnxGraph, type OnnxNode } from './model.js';
import { nodeError, unsupportedOp } from './supported.js';
import { type TensorLayout, sourceView, spatial } from './translate.js';

/** The float ops npusim imports (Identity and Dropout pass their input through). */
export const FLOAT_ONNX_OPS = [
  'Conv',
  'BatchNormalization',
  'Gemm',
  'MatMul',
  'Add',
  'Relu',
  'Clip',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'Flatten',
  'Reshape',
  'Concat',
  'Softmax',
  'Identity',
  'Dropout',
] as const;

const QUANTIZED_OPS = /^(QuantizeLinear|DequantizeLinear|QLinear.*|QGemm|ConvInteger|MatMulInteger|DynamicQuantizeLinear)$/;

/** Whether an ONNX graph is a float model (float inputs, no quantization op): the float importer's, not the quantized one's. */
export function isFloatOnnx(graph: OnnxGraph): boolean {
  return graph.inputs.every((input) => input.elemType === ELEMENT.FLOAT) && !graph.nodes.some((node) => QUANTIZED_OPS.test(node.opType));
}

interface Activation {
  readonly name: string;
  readonly dims: readonly number[];
  readonly shape: readonly number[];
  readonly layout: TensorLayout;
}

class FloatTranslator {
  private readonly file: string;
  private readonly activations = new Map<string, Activation>();
  private readonly tensors = new Map<string, FloatTensor>();
  private readonly ops: GraphOp[] = [];
  private readonly opNames = new Set<string>();
  private readonly producer = new Map<string, number>();
  private readonly consumers = new Map<string, number>();
  /** Identity and Dropout outputs: the tensor they pass on. */
  private readonly aliases = new Map<string, string>();

  constructor(private readonly onnx: OnnxGraph) {
    this.file = onnx.file;
    for (const node of onnx.nodes) for (const input of node.inputs) this.consumers.set(input, (this.consumers.get(input) ?? 0) + 1);
  }

  private fail(node: OnnxNode, message: string): never {
    throw nodeError(node, this.file, message);
  }

  private name(tensor: string): string {
    return this.aliases.get(tensor) ?? tensor;
  }

  private activation(node: OnnxNode, slot = 0): Activation {
    const name = this.name(node.inputs[slot] ?? '');
    const found = this.activations.get(name);
    if (found === undefined) this.fail(node, `its input "${name}" is not produced by an op npusim imported`);
    return found;
  }

  private constant(node: OnnxNode, slot: number, what: string): OnnxConstant {
    const constant = this.onnx.constants.get(node.inputs[slot] ?? '');
    if (constant === undefined) this.fail(node, `its ${what} must be a constant (an initializer or a Constant node)`);
    if (constant.elemType !== ELEMENT.FLOAT && what !== 'shape')
      this.fail(node, `its ${what} "${constant.name}" is not a float tensor; this is the float importer`);
    return constant;
  }

  private optionalConstant(node: OnnxNode, slot: number, what: string): OnnxConstant | undefined {
    return (node.inputs[slot] ?? '') === '' ? undefined : this.constant(node, slot, what);
  }

  private opName(node: OnnxNode): string {
    const wanted = node.name === '' ? `${node.opType}_${node.index}` : node.name;
    let name = wanted;
    for (let suffix = 2; this.opNames.has(name); suffix += 1) name = `${wanted}#${suffix}`;
    this.opNames.add(name);
    return name;
  }

  private define(node: OnnxNode | undefined, name: string, dims: readonly number[], layout: TensorLayout): Activation {
    const shape = layout.kind === 'nchw' ? nhwcShape(dims) : [...dims];
    if (shape.length < 1 || shape.length > 4 || (layout.kind === 'nchw' && dims.length !== 4)) {
      const message = `tensor "${name}" has shape [${dims.join(',')}]; npusim imports 4-D NCHW activations and 2-D [N, K] ones`;
      if (node === undefined) throw new InputError(message, this.file);
      this.fail(node, message);
    }
    const activation = { name, dims, shape, layout };
    this.activations.set(name, activation);
    this.tensors.set(name, { name, shape, data: undefined });
    return activation;
  }

  private addConstant(name: string, shape: readonly number[], values: ArrayLike<number>): string {
    let unique = name;
    for (let suffix = 2; this.tensors.has(unique); suffix += 1) unique = `${name}#${suffix}`;
    this.tensors.set(unique, { name: unique, shape: [...shape], data: Float32Array.from(values) });
    return unique;
  }

  private emit(op: GraphOp): void {
    this.producer.set(op.output, this.ops.length);
    this.ops.push(op);
  }

  private requireNchw(node: OnnxNode, input: Activation): void {
    if (input.layout.kind !== 'nchw')
      this.fail(node, `its input "${input.name}" has shape [${input.dims.join(',')}]; this op takes a 4-D NCHW tensor`);
  }

  private conv(node: OnnxNode): void {
    const input = this.activation(node);
    this.requireNchw(node, input);
    const [n = 1, c = 1, h = 1, w = 1] = input.dims;
    const weights = this.constant(node, 1, 'weights');
    if (weights.dims.length !== 4) this.fail(node, `weights of shape [${weights.dims.join(',')}]; npusim imports 2-D convolutions`);
    const [o = 1, i = 1, kh = 1, kw = 1] = weights.dims;
    const groups = intAttribute(node, 'group', 1, this.file);
    if (groups < 1 || c % groups !== 0 || o % groups !== 0 || c / groups !== i)
      this.fail(node, `group ${groups} does not divide ${c} input channels into the weights' ${i} (of ${o} outputs)`);
    const bias = this.optionalConstant(node, 2, 'bias');
    if (bias !== undefined && bias.values.length !== o) this.fail(node, `the bias has ${bias.values.length} values for ${o} outputs`);
    const { stride, dilation, padding, outHeight, outWidth } = spatial(node, this.file, h, w, [kh, kw], false);
    const name = this.opName(node);
    const depthwise = groups === c && groups > 1 && i === 1;
    const weightName = this.addConstant(
      `${name}.weights`,
      depthwise ? [1, kh, kw, o] : [o, kh, kw, i],
      depthwise ? depthwiseWeights(weights.values, weights.dims) : convWeights(weights.values, weights.dims),
    );
    const biasName = this.addConstant(`${name}.bias`, [o], bias?.values ?? new Array<number>(o).fill(0));
    const output = this.define(node, node.outputs[0] ?? '', [n, o, outHeight, outWidth], { kind: 'nchw' });
    const common = { name, input: input.name, weights: weightName, bias: biasName, output: output.name, stride, dilation, padding };
    this.emit(
      depthwise
        ? { ...common, op: 'depthwise_conv2d', depthMultiplier: o / c, activation: 'none' }
        : { ...common, op: 'conv2d', groups, activation: 'none' },
    );
  }

  /** BatchNormalization after a convolution read by nothing else: y = (x - mean) * gamma / sqrt(var + eps) + beta, folded. */
  private batchNorm(node: OnnxNode): void {
    const input = this.activation(node);
    const index = this.producer.get(input.name);
    const op = index === undefined ? undefined : this.ops[index];
    if (op === undefined || (op.op !== 'conv2d' && op.op !== 'depthwise_conv2d') || op.activation !== 'none')
      this.fail(node, 'npusim folds BatchNormalization into the convolution before it; here there is none');
    if ((this.consumers.get(input.name) ?? 0) > 1 || this.onnx.outputs.includes(input.name))
      this.fail(node, `its input "${input.name}" is read elsewhere too, so the normalization cannot be folded`);
    const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((slot) =>
      this.constant(node, slot, ['scale', 'B', 'mean', 'var'][slot - 1] ?? ''),
    );
    const epsilon = floatAttribute(node, 'epsilon', 1e-5);
    const weights = this.tensors.get(op.weights)?.data as Float32Array;
    const bias = this.tensors.get(op.bias ?? '')?.data as Float32Array;
    const channels = bias.length;
    const factors = Array.from(
      { length: channels },
      (_, ch) => (gamma?.values[ch] ?? 1) / Math.sqrt((variance?.values[ch] ?? 1) + epsilon),
    );
    const perChannel =
      op.op === 'depthwise_conv2d' ? (k: number) => k % channels : (k: number) => Math.floor(k / (weights.length / channels));
    for (let k = 0; k < weights.length; k += 1) weights[k] = Math.fround((weights[k] ?? 0) * (factors[perChannel(k)] ?? 1));
    for (let ch = 0; ch < channels; ch += 1)
      bias[ch] = Math.fround(((bias[ch] ?? 0) - (mean?.values[ch] ?? 0)) * (factors[ch] ?? 1) + (beta?.values[ch] ?? 0));
    this.rename(index as number, input, node.outputs[0] ?? '', node);
  }

  /** Moves an op's output to a new name (a folded node's output). */
  private rename(index: number, input: Activation, output: string, node: OnnxNode): void {
    const op = this.ops[index] as GraphOp;
    this.activations.delete(input.name);
    this.tensors.delete(input.name);
    this.producer.delete(input.name);
    this.define(node, output, input.dims, input.layout);
    this.ops[index] = { ...op, output };
    this.producer.set(output, index);
  }

  private matmul(node: OnnxNode): void {
    const input = this.activation(node);
    if (input.dims.length !== 2) this.fail(node, `its input has shape [${input.dims.join(',')}]; npusim imports MatMul and Gemm on [M, K]`);
    const gemm = node.opType === 'Gemm';
    if (
      gemm &&
      (intAttribute(node, 'transA', 0, this.file) !== 0 || floatAttribute(node, 'alpha', 1) !== 1 || floatAttribute(node, 'beta', 1) !== 1)
    )
      this.fail(node, 'npusim imports Gemm with transA = 0, alpha = 1 and beta = 1');
    const transB = gemm && intAttribute(node, 'transB', 0, this.file) === 1;
    const weights = this.constant(node, 1, 'weights');
    if (weights.dims.length !== 2) this.fail(node, `weights of shape [${weights.dims.join(',')}] are not 2-D`);
    const [m = 1, k = 1] = input.dims;
    const [first = 1, second = 1] = weights.dims;
    const [wk, outputs] = transB ? [second, first] : [first, second];
    if (wk !== k) this.fail(node, `its input has ${k} features, its weights ${wk}`);
    const bias = gemm ? this.optionalConstant(node, 2, 'bias') : undefined;
    if (bias !== undefined && bias.values.length !== outputs)
      this.fail(node, `the bias has ${bias.values.length} values for ${outputs} outputs (npusim takes one per output)`);
    const order =
      input.layout.kind === 'flattened' ? flattenedFeatureOrder(input.layout.channels, input.layout.height, input.layout.width) : undefined;
    const name = this.opName(node);
    const weightName = this.addConstant(
      `${name}.weights`,
      [outputs, k],
      fullyConnectedWeights(weights.values, weights.dims, transB, order),
    );
    const biasName = this.addConstant(`${name}.bias`, [outputs], bias?.values ?? new Array<number>(outputs).fill(0));
    const output = this.define(node, node.outputs[0] ?? '', [m, outputs], { kind: 'plain' });
    this.emit({
      name,
      op: 'fully_connected',
      input: input.name,
      weights: weightName,
      bias: biasName,
      output: output.name,
      activation: 'none',
    });
  }

  private add(node: OnnxNode): void {
    const a = this.activation(node, 0);
    const b = this.activation(node, 1);
    if (a.dims.join(',') !== b.dims.join(',') || a.layout.kind !== b.layout.kind || a.layout.kind === 'flattened')
      this.fail(
        node,
        `its inputs have shapes [${a.dims.join(',')}] and [${b.dims.join(',')}]; npusim adds tensors of equal shape (no broadcasting)`,
      );
    const output = this.define(node, node.outputs[0] ?? '', a.dims, a.layout);
    this.emit({ name: this.opName(node), op: 'add', inputs: [a.name, b.name], output: output.name, activation: 'none' });
  }

  private clamp(node: OnnxNode): void {
    let low = 0;
    let high = Number.POSITIVE_INFINITY;
    if (node.opType === 'Clip') {
      if (this.onnx.opset < 11) [low, high] = [floatAttribute(node, 'min', -Infinity), floatAttribute(node, 'max', Infinity)];
      else
        [low, high] = [
          this.optionalConstant(node, 1, 'min')?.values[0] ?? -Infinity,
          this.optionalConstant(node, 2, 'max')?.values[0] ?? Infinity,
        ];
    }
    const input = this.activation(node);
    const index = this.producer.get(input.name);
    const op = index === undefined ? undefined : this.ops[index];
    if (op === undefined || !('activation' in op))
      this.fail(
        node,
        `its input "${input.name}" is not the output of a convolution, fully connected, add or pooling op, so it cannot be fused`,
      );
    if ((this.consumers.get(input.name) ?? 0) > 1 || this.onnx.outputs.includes(input.name))
      this.fail(node, `its input "${input.name}" is read elsewhere too, so the ${node.opType} cannot be fused into the op producing it`);
    const before = op.activation;
    const previous =
      before === 'none'
        ? { min: -Infinity, max: Infinity }
        : before === 'relu'
          ? { min: 0, max: Infinity }
          : before === 'relu6'
            ? { min: 0, max: 6 }
            : before;
    const min = Math.max(previous.min, low);
    const max = Math.min(previous.max, high);
    const activation: FusedActivation =
      min === 0 && max === Infinity
        ? 'relu'
        : min === 0 && max === 6
          ? 'relu6'
          : min === -Infinity && max === Infinity
            ? 'none'
            : { min, max };
    this.ops[index as number] = { ...op, activation } as GraphOp;
    this.rename(index as number, input, node.outputs[0] ?? '', node);
  }

  private pool(node: OnnxNode): void {
    const input = this.activation(node);
    this.requireNchw(node, input);
    const [n = 1, c = 1, h = 1, w = 1] = input.dims;
    const kernel = intsAttribute(node, 'kernel_shape', this.file);
    if (kernel === undefined || kernel.length !== 2) this.fail(node, 'npusim imports 2-D pooling (kernel_shape of two values)');
    if ((node.outputs[1] ?? '') !== '') this.fail(node, 'the Indices output of MaxPool is not supported');
    const filter: [number, number] = [kernel[0] as number, kernel[1] as number];
    const { stride, dilation, padding, outHeight, outWidth } = spatial(node, this.file, h, w, filter, true);
    const padded = padding.top + padding.left + padding.bottom + padding.right > 0;
    const output = this.define(node, node.outputs[0] ?? '', [n, c, outHeight, outWidth], { kind: 'nchw' });
    const name = this.opName(node);
    if (node.opType === 'MaxPool') {
      this.emit({ name, op: 'max_pool', input: input.name, output: output.name, filter, stride, dilation, padding, activation: 'none' });
      return;
    }
    if (padded && intAttribute(node, 'count_include_pad', 0, this.file) === 1)
      this.fail(
        node,
        'count_include_pad = 1 with padding is not supported by the float importer (npusim averages over the taps inside the image)',
      );
    this.emit({ name, op: 'avg_pool', input: input.name, output: output.name, filter, stride, padding, activation: 'none' });
  }

  private globalPool(node: OnnxNode): void {
    const input = this.activation(node);
    this.requireNchw(node, input);
    const [n = 1, c = 1] = input.dims;
    const output = this.define(node, node.outputs[0] ?? '', [n, c, 1, 1], { kind: 'nchw' });
    this.emit({ name: this.opName(node), op: 'global_avg_pool', input: input.name, output: output.name });
  }

  private concat(node: OnnxNode): void {
    const inputs = node.inputs.map((_, slot) => this.activation(node, slot));
    const first = inputs[0] as Activation;
    const rank = first.dims.length;
    const raw = intAttribute(node, 'axis', 1, this.file);
    const axis = raw < 0 ? raw + rank : raw;
    if (
      inputs.some(
        (input) =>
          input.layout.kind !== first.layout.kind ||
          input.layout.kind === 'flattened' ||
          input.dims.some((size, index) => index !== axis && size !== first.dims[index]),
      )
    )
      this.fail(node, `its inputs do not concatenate along axis ${raw}`);
    const dims = first.dims.map((size, index) =>
      index === axis ? inputs.reduce((sum, input) => sum + (input.dims[index] ?? 0), 0) : size,
    );
    const output = this.define(node, node.outputs[0] ?? '', dims, first.layout);
    this.emit({
      name: this.opName(node),
      op: 'concat',
      inputs: inputs.map((input) => input.name),
      output: output.name,
      axis: first.layout.kind === 'nchw' ? NCHW_TO_NHWC_AXIS[axis as 0 | 1 | 2 | 3] : axis,
    });
  }

  private reshape(node: OnnxNode): void {
    const input = this.activation(node);
    const count = input.dims.reduce((a, b) => a * b, 1);
    let dims: number[];
    if (node.opType === 'Flatten') {
      const raw = intAttribute(node, 'axis', 1, this.file);
      const axis = raw < 0 ? raw + input.dims.length : raw;
      dims = [input.dims.slice(0, axis).reduce((a, b) => a * b, 1), input.dims.slice(axis).reduce((a, b) => a * b, 1)];
    } else {
      const shape = this.constant(node, 1, 'shape').values;
      dims = shape.map((size, index) => (size === 0 ? (input.dims[index] ?? 1) : size));
      const known = dims.filter((size) => size !== -1).reduce((a, b) => a * b, 1);
      dims = dims.map((size) => (size === -1 ? count / known : size));
      if (dims.some((size) => !Number.isInteger(size) || size < 1) || dims.reduce((a, b) => a * b, 1) !== count)
        this.fail(node, `shape [${shape.join(',')}] does not hold the ${count} values of [${input.dims.join(',')}]`);
    }
    const [n = 1, c = 1, h = 1, w = 1] = input.dims;
    let layout: TensorLayout;
    if (dims.join(',') === input.dims.join(',')) layout = input.layout;
    else if (input.layout.kind === 'nchw' && dims.length === 2 && dims[0] === n)
      layout = h * w === 1 ? { kind: 'plain' } : { kind: 'flattened', channels: c, height: h, width: w };
    else if (input.layout.kind !== 'nchw' && input.dims.length === 2 && dims.length === 2) layout = input.layout;
    else
      this.fail(
        node,
        `a reshape of [${input.dims.join(',')}] to [${dims.join(',')}] changes the order of values between NCHW and npusim's NHWC`,
      );
    const output = this.define(node, node.outputs[0] ?? '', dims, layout);
    this.emit({ name: this.opName(node), op: 'reshape', input: input.name, output: output.name });
  }

  private softmax(node: OnnxNode): void {
    const input = this.activation(node);
    const axis = intAttribute(node, 'axis', this.onnx.opset < 13 ? 1 : -1, this.file);
    if (input.dims.length !== 2 || (axis !== 1 && axis !== -1))
      this.fail(node, 'npusim imports Softmax over the last axis of an [N, K] tensor');
    const output = this.define(node, node.outputs[0] ?? '', input.dims, input.layout);
    this.emit({ name: this.opName(node), op: 'softmax', input: input.name, output: output.name, beta: 1 });
  }

  private node(node: OnnxNode): void {
    if (node.domain !== '' && node.domain !== 'ai.onnx') throw unsupportedOp(node, this.file);
    switch (node.opType) {
      case 'Conv':
        this.conv(node);
        break;
      case 'BatchNormalization':
        this.batchNorm(node);
        break;
      case 'Gemm':
      case 'MatMul':
        this.matmul(node);
        break;
      case 'Add':
        this.add(node);
        break;
      case 'Relu':
      case 'Clip':
        this.clamp(node);
        break;
      case 'MaxPool':
      case 'AveragePool':
        this.pool(node);
        break;
      case 'GlobalAveragePool':
        this.globalPool(node);
        break;
      case 'Flatten':
      case 'Reshape':
        this.reshape(node);
        break;
      case 'Concat':
        this.concat(node);
        break;
      case 'Softmax':
        this.softmax(node);
        break;
      case 'Identity':
      case 'Dropout':
        this.aliases.set(node.outputs[0] ?? '', this.activation(node).name);
        break;
      default:
        throw unsupportedOp(node, this.file, `the float importer reads ${FLOAT_ONNX_OPS.join(', ')}`);
    }
  }

  run(): FloatGraph {
    for (const input of this.onnx.inputs) {
      if (input.elemType !== ELEMENT.FLOAT)
        throw new InputError(`graph input "${input.name}" is not float32; this is a float model's importer`, this.file);
      this.define(undefined, input.name, input.dims, input.dims.length === 4 ? { kind: 'nchw' } : { kind: 'plain' });
    }
    for (const node of this.onnx.nodes) this.node(node);
    const outputs = this.onnx.outputs.map((output) => this.name(output));
    for (const output of outputs)
      if (!this.activations.has(output)) throw new InputError(`graph output "${output}" is not computed by an imported op`, this.file);
    const sourceTensors = new Map<string, SourceTensor>();
    for (const [name, activation] of this.activations) sourceTensors.set(name, sourceView(name, activation));
    return {
      name: this.onnx.name,
      file: this.file,
      origin: { kind: 'float' },
      inputs: this.onnx.inputs.map((input) => input.name),
      outputs,
      tensors: this.tensors,
      ops: this.ops,
      source: {
        format: 'onnx',
        model: basename(this.file),
        inputs: this.onnx.inputs.map((input) => ({ tensor: input.name, dtype: 'float32' })),
        tensors: sourceTensors,
      },
    };
  }
}

/** A float ONNX graph as npusim's float model. */
export function translateFloatModel(onnx: OnnxGraph): FloatGraph {
  return new FloatTranslator(onnx).run();
}
