/**
 * The integer ops of an ONNX model (quantized.ts) as an npusim graph file: NHWC activations,
 * OHWI weights, explicit padding, fused activations from the clamps, and a little-endian sidecar.
 * Every layout change is recorded, so that npusim's tensors can be read in the model's own terms.
 */
import { basename } from 'node:path';
import { InputError } from '../../errors.js';
import type { GraphFile, TensorSpec } from '../../formats/graphSchema.js';
import { SidecarWriter } from '../../formats/sidecar.js';
import { tensorType } from '../../graph/model.js';
import type { ExplicitPadding, FusedActivation, GraphOp } from '../../graph/ops.js';
import { roundFloat } from '../../numeric/index.js';
import { convWeights, depthwiseWeights, flattenedFeatureOrder, fullyConnectedWeights, NCHW_TO_NHWC_AXIS, nhwcShape } from './layout.js';
import { intAttribute, intsAttribute, type OnnxGraph, type OnnxNode, stringAttribute } from './model.js';
import type { ActivationQuant, Clamp, QNode, QuantizedModel, QuantType } from './quantized.js';
import { nodeError } from './supported.js';

/**
 * How an npusim tensor holds an ONNX tensor: `nchw` a 4-D NCHW tensor in NHWC order; `plain` the
 * same order (2-D tensors, and 4-D ones of 1 x 1 pixels read as NHWC); `flattened` a C x H x W
 * tensor flattened by ONNX in CHW order and held by npusim in HWC order.
 */
export type TensorLayout =
  | { readonly kind: 'nchw' }
  | { readonly kind: 'plain' }
  | { readonly kind: 'flattened'; readonly channels: number; readonly height: number; readonly width: number };

type SourceTensorSpec = NonNullable<GraphFile['source']>['tensors'][string];

/** An activation in ONNX's terms: NCHW (also when flattened to [N, C*H*W]) over npusim's NHWC values. */
export function sourceView(name: string, activation: Pick<Activation, 'dims' | 'shape' | 'layout'>): SourceTensorSpec {
  const { dims, shape, layout } = activation;
  if (layout.kind === 'plain')
    return {
      name,
      shape: [...dims],
      layout: dims.length === 2 ? 'NC' : `rank ${dims.length}`,
      view: [...shape],
      permutation: shape.map((_, axis) => axis),
    };
  const view = layout.kind === 'nchw' ? [...shape] : [dims[0] ?? 1, layout.height, layout.width, layout.channels];
  return {
    name,
    shape: [...dims],
    layout: layout.kind === 'nchw' ? 'NCHW' : 'NC (C x H x W flattened)',
    view,
    permutation: [...NCHW_TO_NHWC_AXIS],
  };
}

export interface TranslatedModel {
  readonly graph: GraphFile;
  readonly sidecar: Uint8Array;
}

interface Activation {
  readonly name: string;
  readonly dims: readonly number[];
  readonly shape: readonly number[];
  readonly layout: TensorLayout;
  readonly quant: ActivationQuant;
}

function typeRange(type: QuantType): { min: number; max: number } {
  return type === 's8' ? { min: -128, max: 127 } : { min: 0, max: 255 };
}

/** onnxruntime's pads (also the float importer's): explicit [top, left, bottom, right], or auto_pad's SAME_UPPER / SAME_LOWER / VALID. */
export function spatial(node: OnnxNode, file: string, height: number, width: number, kernel: readonly [number, number], pooling: boolean) {
  const stride = (intsAttribute(node, 'strides', file) ?? [1, 1]) as number[];
  const dilation = (intsAttribute(node, 'dilations', file) ?? [1, 1]) as number[];
  if (stride.length !== 2 || dilation.length !== 2)
    throw nodeError(node, file, 'npusim imports 2-D convolution and pooling (strides and dilations of two values)');
  const [sh = 1, sw = 1] = stride;
  const [dh = 1, dw = 1] = dilation;
  const autoPad = stringAttribute(node, 'auto_pad', 'NOTSET');
  const extent = (size: number, k: number, s: number, d: number, before: number, after: number) =>
    Math.floor((size + before + after - ((k - 1) * d + 1)) / s) + 1;
  let pads: number[];
  if (autoPad === 'NOTSET') {
    pads = intsAttribute(node, 'pads', file) ?? [0, 0, 0, 0];
    if (pads.length !== 4) throw nodeError(node, file, `pads [${pads.join(',')}] are not the four of a 2-D op`);
  } else if (autoPad === 'VALID') {
    pads = [0, 0, 0, 0];
  } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const total = (size: number, k: number, s: number, d: number) => Math.max((Math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0);
    const [th, tw] = [total(height, kernel[0], sh, dh), total(width, kernel[1], sw, dw)];
    const first = (t: number) => (autoPad === 'SAME_UPPER' ? Math.floor(t / 2) : Math.ceil(t / 2));
    pads = [first(th), first(tw), th - first(th), tw - first(tw)];
  } else throw nodeError(node, file, `auto_pad ${autoPad} is not an ONNX value`);
  const [top = 0, left = 0, bottom = 0, right = 0] = pads;
  const outHeight = extent(height, kernel[0], sh, dh, top, bottom);
  const outWidth = extent(width, kernel[1], sw, dw, left, right);
  if (outHeight < 1 || outWidth < 1) throw nodeError(node, file, `the window does not fit the ${height}x${width} input`);
  if (pooling && intAttribute(node, 'ceil_mode', 0, file) === 1) {
    const ceilExtent = (size: number, k: number, s: number, d: number, before: number, after: number) => {
      let out = Math.ceil((size + before + after - ((k - 1) * d + 1)) / s) + 1;
      if ((out - 1) * s >= size + before) out -= 1;
      return out;
    };
    if (
      ceilExtent(height, kernel[0], sh, dh, top, bottom) !== outHeight ||
      ceilExtent(width, kernel[1], sw, dw, left, right) !== outWidth
    ) {
      throw nodeError(
        node,
        file,
        'ceil_mode = 1 gives a larger output than floor here, which npusim does not model; export with ceil_mode = 0 or pad the input',
      );
    }
  }
  const padding: ExplicitPadding = { top, left, bottom, right };
  return { stride: [sh, sw] as [number, number], dilation: [dh, dw] as [number, number], padding, outHeight, outWidth };
}

class Translator {
  private readonly file: string;
  private readonly activations = new Map<string, Activation>();
  private readonly tensors: Record<string, TensorSpec> = {};
  private readonly ops: GraphOp[] = [];
  private readonly opNames = new Set<string>();
  /** The op producing each tensor (index in ops), and the clamp it carries so far. */
  private readonly producer = new Map<string, number>();
  private readonly clamps: Clamp[] = [];
  private readonly consumers = new Map<string, number>();
  private readonly sidecar: SidecarWriter;
  private readonly graphOutputs: Set<string>;

  constructor(
    private readonly onnx: OnnxGraph,
    private readonly model: QuantizedModel,
    sidecarFile: string,
  ) {
    this.file = onnx.file;
    this.sidecar = new SidecarWriter(sidecarFile);
    this.graphOutputs = new Set(model.outputs.map((output) => output.tensor));
    for (const node of model.nodes) {
      const inputs = 'inputs' in node ? node.inputs : [node.input];
      for (const input of inputs) this.consumers.set(input, (this.consumers.get(input) ?? 0) + 1);
    }
  }

  private fail(node: OnnxNode, message: string): never {
    throw nodeError(node, this.file, message);
  }

  private uniqueTensorName(wanted: string): string {
    let name = wanted;
    for (let suffix = 2; name in this.tensors || this.activations.has(name); suffix += 1) name = `${wanted}#${suffix}`;
    return name;
  }

  private opName(node: OnnxNode): string {
    const wanted = node.name === '' ? `${node.opType}_${node.index}` : node.name;
    let name = wanted;
    for (let suffix = 2; this.opNames.has(name); suffix += 1) name = `${wanted}#${suffix}`;
    this.opNames.add(name);
    return name;
  }

  private activation(node: OnnxNode, name: string): Activation {
    const found = this.activations.get(name);
    if (found === undefined) this.fail(node, `its input "${name}" is not produced by an op npusim imported`);
    return found;
  }

  private define(
    name: string,
    dims: readonly number[],
    layout: TensorLayout,
    quant: ActivationQuant,
    node: OnnxNode | undefined,
  ): Activation {
    const shape = layout.kind === 'nchw' ? nhwcShape(dims) : [...dims];
    if (shape.length < 1 || shape.length > 4 || (layout.kind === 'nchw' && dims.length !== 4)) {
      const message = `tensor "${name}" has shape [${dims.join(',')}]; npusim imports 4-D NCHW activations and 2-D [N, K] ones`;
      if (node === undefined) throw new InputError(message, this.file);
      this.fail(node, message);
    }
    const activation = { name, dims, shape, layout, quant };
    this.activations.set(name, activation);
    this.tensors[name] = { shape, type: quant.type, quant: { scale: quant.scale, zeroPoint: quant.zeroPoint } };
    return activation;
  }

  private quantOf(name: string, node: OnnxNode): ActivationQuant {
    const quant = this.model.quant.get(name);
    if (quant === undefined) this.fail(node, `tensor "${name}" has no quantization`);
    return quant;
  }

  private emit(op: GraphOp, clamp: Clamp): void {
    this.producer.set(op.output, this.ops.length);
    this.ops.push(op);
    this.clamps.push(clamp);
  }

  private requireNchw(node: OnnxNode, input: Activation): void {
    if (input.layout.kind !== 'nchw')
      this.fail(node, `its input "${input.name}" has shape [${input.dims.join(',')}]; this op takes a 4-D NCHW tensor`);
  }

  /** Weight quantization along the npusim axis of the output channels. */
  private weightQuant(scales: readonly number[], axis: number): TensorSpec['quant'] {
    return scales.length === 1 ? { scale: scales[0] as number, zeroPoint: 0 } : { scale: [...scales], zeroPoint: 0, axis };
  }

  private bias(name: string, values: readonly number[] | undefined, channels: number, node: OnnxNode): string | undefined {
    if (values === undefined) return undefined;
    if (values.length !== channels)
      this.fail(node, `the bias has ${values.length} values, the op ${channels} output channels (npusim takes one bias per channel)`);
    const tensor = this.uniqueTensorName(`${name}.bias`);
    this.tensors[tensor] = { shape: [channels], type: 's32', data: this.sidecar.add(values, tensorType('s32')) };
    return tensor;
  }

  private conv(q: Extract<QNode, { kind: 'conv' }>): void {
    const { node } = q;
    const input = this.activation(node, q.input);
    this.requireNchw(node, input);
    const [n = 1, c = 1, h = 1, w = 1] = input.dims;
    const [o = 1, i = 1, kh = 1, kw = 1] = q.weights.dims;
    if (q.weights.dims.length !== 4)
      this.fail(node, `weights of shape [${q.weights.dims.join(',')}]; npusim imports 2-D convolutions (OIHW weights)`);
    const kernel = intsAttribute(node, 'kernel_shape', this.file);
    if (kernel !== undefined && (kernel[0] !== kh || kernel[1] !== kw))
      this.fail(node, `kernel_shape [${kernel.join(',')}] differs from the weights' ${kh}x${kw}`);
    const groups = intAttribute(node, 'group', 1, this.file);
    if (groups < 1 || c % groups !== 0 || o % groups !== 0 || c / groups !== i)
      this.fail(node, `group ${groups} does not divide ${c} input channels into the weights' ${i} (of ${o} outputs)`);
    const { stride, dilation, padding, outHeight, outWidth } = spatial(node, this.file, h, w, [kh, kw], false);
    const name = this.opName(node);
    const depthwise = groups === c && groups > 1 && i === 1;
    const weights = this.uniqueTensorName(`${name}.weights`);
    const values = depthwise ? depthwiseWeights(q.weights.values, q.weights.dims) : convWeights(q.weights.values, q.weights.dims);
    this.tensors[weights] = {
      shape: depthwise ? [1, kh, kw, o] : [o, kh, kw, i],
      type: q.weights.type,
      quant: this.weightQuant(q.weights.scales, depthwise ? 3 : 0),
      data: this.sidecar.add(values, tensorType(q.weights.type)),
    };
    const bias = this.bias(name, q.bias, o, node);
    const output = this.define(q.output, [n, o, outHeight, outWidth], { kind: 'nchw' }, this.quantOf(q.output, node), node);
    const common = {
      name,
      input: input.name,
      weights,
      output: output.name,
      stride,
      dilation,
      padding,
      activation: 'none' as FusedActivation,
      ...(bias === undefined ? {} : { bias }),
    };
    this.emit(depthwise ? { ...common, op: 'depthwise_conv2d', depthMultiplier: o / c } : { ...common, op: 'conv2d', groups }, q.clamp);
  }

  private matmul(q: Extract<QNode, { kind: 'matmul' }>): void {
    const { node } = q;
    const input = this.activation(node, q.input);
    if (input.dims.length !== 2 && input.layout.kind !== 'flattened')
      this.fail(node, `its input "${input.name}" has shape [${input.dims.join(',')}]; npusim imports MatMul and Gemm on 2-D [M, K] inputs`);
    const [m = 1, k = 1] = input.dims;
    if (q.weights.dims.length !== 2) this.fail(node, `weights of shape [${q.weights.dims.join(',')}] are not 2-D`);
    const [first = 1, second = 1] = q.weights.dims;
    const [wk, n] = q.transB ? [second, first] : [first, second];
    if (wk !== k) this.fail(node, `its input has ${k} features, its weights ${wk}`);
    const name = this.opName(node);
    const weights = this.uniqueTensorName(`${name}.weights`);
    const order =
      input.layout.kind === 'flattened' ? flattenedFeatureOrder(input.layout.channels, input.layout.height, input.layout.width) : undefined;
    this.tensors[weights] = {
      shape: [n, k],
      type: q.weights.type,
      quant: this.weightQuant(q.weights.scales, 0),
      data: this.sidecar.add(fullyConnectedWeights(q.weights.values, q.weights.dims, q.transB, order), tensorType(q.weights.type)),
    };
    const bias = this.bias(name, q.bias, n, node);
    const output = this.define(q.output, [m, n], { kind: 'plain' }, this.quantOf(q.output, node), node);
    this.emit(
      {
        name,
        op: 'fully_connected',
        input: input.name,
        weights,
        output: output.name,
        activation: 'none',
        ...(bias === undefined ? {} : { bias }),
      },
      q.clamp,
    );
  }

  private add(q: Extract<QNode, { kind: 'add' }>): void {
    const { node } = q;
    const [a, b] = q.inputs.map((name) => this.activation(node, name)) as [Activation, Activation];
    if (a.dims.join(',') !== b.dims.join(',') || a.layout.kind !== b.layout.kind || a.layout.kind === 'flattened') {
      this.fail(
        node,
        `its inputs have shapes [${a.dims.join(',')}] and [${b.dims.join(',')}]; npusim adds tensors of equal shape (no broadcasting)`,
      );
    }
    const output = this.define(q.output, a.dims, a.layout, this.quantOf(q.output, node), node);
    this.emit({ name: this.opName(node), op: 'add', inputs: [a.name, b.name], output: output.name, activation: 'none' }, q.clamp);
  }

  private pool(q: Extract<QNode, { kind: 'avgpool' | 'maxpool' }>): void {
    const { node } = q;
    const input = this.activation(node, q.input);
    this.requireNchw(node, input);
    const [n = 1, c = 1, h = 1, w = 1] = input.dims;
    const kernel = intsAttribute(node, 'kernel_shape', this.file);
    if (kernel === undefined || kernel.length !== 2) this.fail(node, 'npusim imports 2-D pooling (kernel_shape of two values)');
    if (q.kind === 'maxpool' && (node.outputs[1] ?? '') !== '') this.fail(node, 'the Indices output of MaxPool is not supported');
    const filter: [number, number] = [kernel[0] as number, kernel[1] as number];
    const { stride, dilation, padding, outHeight, outWidth } = spatial(node, this.file, h, w, filter, true);
    const quant = this.quantOf(q.output, node);
    const name = this.opName(node);
    const padded = padding.top + padding.left + padding.bottom + padding.right > 0;
    if (q.kind === 'avgpool') {
      if (dilation[0] !== 1 || dilation[1] !== 1) this.fail(node, 'dilated average pooling is not supported');
      // onnxruntime's QLinearAveragePool over the whole image without padding is its global average pool.
      if (filter[0] === h && filter[1] === w && !padded) {
        if (q.clamp.low !== -Infinity || q.clamp.high !== Infinity)
          this.fail(node, 'a Relu or Clip after a whole-image average pool cannot be fused (npusim global_avg_pool has no activation)');
        const output = this.define(q.output, [n, c, 1, 1], { kind: 'nchw' }, quant, node);
        this.emit({ name, op: 'global_avg_pool', input: input.name, output: output.name }, q.clamp);
        return;
      }
      let source = input.name;
      let opPadding: ExplicitPadding = padding;
      let opFilter = filter;
      if (filter[0] === h && filter[1] === w && outHeight === 1 && outWidth === 1) {
        // A whole-image window padded at the bottom or right: onnxruntime averages it windowed, in
        // float32. The same taps under a window reaching over the padding keep npusim off its global path.
        opFilter = [h + padding.bottom, w + padding.right];
      }
      if (padded && intAttribute(node, 'count_include_pad', 0, this.file) === 1) {
        // Counting the padding is averaging over an input padded with its zero point (real 0).
        const paddedName = this.uniqueTensorName(`${name}.padded`);
        this.define(
          paddedName,
          [n, c, h + padding.top + padding.bottom, w + padding.left + padding.right],
          { kind: 'nchw' },
          input.quant,
          node,
        );
        this.emit(
          { name: this.opName({ ...node, name: `${name}.pad` }), op: 'pad', input: input.name, output: paddedName, padding },
          { low: -Infinity, high: Infinity },
        );
        source = paddedName;
        opPadding = { top: 0, left: 0, bottom: 0, right: 0 };
      }
      const output = this.define(q.output, [n, c, outHeight, outWidth], { kind: 'nchw' }, quant, node);
      this.emit(
        { name, op: 'avg_pool', input: source, output: output.name, filter: opFilter, stride, padding: opPadding, activation: 'none' },
        q.clamp,
      );
      return;
    }
    const output = this.define(q.output, [n, c, outHeight, outWidth], { kind: 'nchw' }, quant, node);
    this.emit(
      { name, op: 'max_pool', input: input.name, output: output.name, filter, stride, dilation, padding, activation: 'none' },
      q.clamp,
    );
  }

  private globalPool(q: Extract<QNode, { kind: 'globalavgpool' }>): void {
    const { node } = q;
    const input = this.activation(node, q.input);
    this.requireNchw(node, input);
    if (q.clamp.low !== -Infinity || q.clamp.high !== Infinity)
      this.fail(node, 'a Relu or Clip after GlobalAveragePool cannot be fused (npusim global_avg_pool has no activation)');
    const [n = 1, c = 1] = input.dims;
    const output = this.define(q.output, [n, c, 1, 1], { kind: 'nchw' }, this.quantOf(q.output, node), node);
    this.emit({ name: this.opName(node), op: 'global_avg_pool', input: input.name, output: output.name }, q.clamp);
  }

  private concat(q: Extract<QNode, { kind: 'concat' }>): void {
    const { node } = q;
    const inputs = q.inputs.map((name) => this.activation(node, name));
    const first = inputs[0] as Activation;
    if (inputs.length < 2) this.fail(node, 'a concatenation of one tensor is not supported');
    const rank = first.dims.length;
    const axis = q.axis < 0 ? q.axis + rank : q.axis;
    if (
      inputs.some(
        (input) =>
          input.layout.kind !== first.layout.kind ||
          input.layout.kind === 'flattened' ||
          input.dims.length !== rank ||
          input.dims.some((size, index) => index !== axis && size !== first.dims[index]),
      )
    ) {
      this.fail(node, `its inputs [${inputs.map((input) => input.dims.join(',')).join('], [')}] do not concatenate along axis ${q.axis}`);
    }
    if (q.clamp.low !== -Infinity || q.clamp.high !== Infinity) this.fail(node, 'a Relu or Clip after Concat cannot be fused');
    const dims = first.dims.map((size, index) =>
      index === axis ? inputs.reduce((sum, input) => sum + (input.dims[index] ?? 0), 0) : size,
    );
    const output = this.define(q.output, dims, first.layout, this.quantOf(q.output, node), node);
    this.emit(
      {
        name: this.opName(node),
        op: 'concat',
        inputs: inputs.map((input) => input.name),
        output: output.name,
        axis: first.layout.kind === 'nchw' ? NCHW_TO_NHWC_AXIS[axis as 0 | 1 | 2 | 3] : axis,
      },
      q.clamp,
    );
  }

  private reshape(q: Extract<QNode, { kind: 'reshape' }>): void {
    const { node } = q;
    const input = this.activation(node, q.input);
    const count = input.dims.reduce((a, b) => a * b, 1);
    let dims: number[];
    if (q.flattenAxis !== undefined) {
      const axis = q.flattenAxis < 0 ? q.flattenAxis + input.dims.length : q.flattenAxis;
      dims = [input.dims.slice(0, axis).reduce((a, b) => a * b, 1), input.dims.slice(axis).reduce((a, b) => a * b, 1)];
    } else {
      const shape = q.shape ?? [];
      dims = shape.map((size, index) => (size === 0 ? (input.dims[index] ?? 1) : size));
      const known = dims.filter((size) => size !== -1).reduce((a, b) => a * b, 1);
      dims = dims.map((size) => (size === -1 ? count / known : size));
      if (dims.some((size) => !Number.isInteger(size) || size < 1) || dims.reduce((a, b) => a * b, 1) !== count)
        this.fail(node, `shape [${shape.join(',')}] does not hold the ${count} values of [${input.dims.join(',')}]`);
    }
    if (q.clamp.low !== -Infinity || q.clamp.high !== Infinity) this.fail(node, 'a Relu or Clip after a Reshape cannot be fused');
    let layout: TensorLayout;
    const [n = 1, c = 1, h = 1, w = 1] = input.dims;
    if (dims.join(',') === input.dims.join(',')) layout = input.layout;
    else if (input.layout.kind === 'nchw' && dims.length === 2 && dims[0] === n)
      layout = h * w === 1 ? { kind: 'plain' } : { kind: 'flattened', channels: c, height: h, width: w };
    else if (
      input.layout.kind === 'plain' &&
      input.dims.length === 2 &&
      dims.length === 4 &&
      dims[0] === input.dims[0] &&
      dims[2] === 1 &&
      dims[3] === 1
    )
      layout = { kind: 'nchw' };
    else if (input.layout.kind === 'plain' && input.dims.length === 2 && dims.length === 2) layout = { kind: 'plain' };
    else
      this.fail(
        node,
        `a reshape of [${input.dims.join(',')}] to [${dims.join(',')}] changes the order of values between NCHW and npusim's NHWC; npusim imports flattening [N, C, H, W] to [N, C x H x W] and reshapes that keep the order`,
      );
    const output = this.define(q.output, dims, layout, input.quant, node);
    this.emit({ name: this.opName(node), op: 'reshape', input: input.name, output: output.name }, q.clamp);
  }

  /** A Relu or Clip on its own: folded into the op producing its input, whose only reader it is. */
  private clamp(q: Extract<QNode, { kind: 'clamp' }>): void {
    const { node } = q;
    const input = this.activation(node, q.input);
    const index = this.producer.get(input.name);
    const op = index === undefined ? undefined : this.ops[index];
    if (index === undefined || op === undefined || !('activation' in op))
      this.fail(
        node,
        `its input "${input.name}" is not the output of a convolution, fully connected, add or pooling op, so the clamp cannot be fused`,
      );
    if ((this.consumers.get(input.name) ?? 0) > 1 || this.graphOutputs.has(input.name))
      this.fail(node, `its input "${input.name}" is read elsewhere too, so the clamp cannot be fused into the op producing it`);
    const clamp = this.clamps[index] as Clamp;
    this.clamps[index] = { low: Math.max(clamp.low, q.clamp.low), high: Math.min(clamp.high, q.clamp.high) };
    this.activations.delete(input.name);
    delete this.tensors[input.name];
    this.producer.delete(input.name);
    this.define(q.output, input.dims, input.layout, input.quant, node);
    this.ops[index] = { ...op, output: q.output };
    this.producer.set(q.output, index);
  }

  /** The fused activation that clamps an op's output to integer bounds, in the real values npusim's files hold. */
  private activationOf(op: GraphOp, clamp: Clamp): FusedActivation {
    const tensor = this.activations.get(op.output);
    if (tensor === undefined) throw new Error(`no tensor ${op.output}`);
    const { scale, zeroPoint, type } = tensor.quant;
    const range = typeRange(type);
    const low = Math.max(range.min, clamp.low);
    const high = Math.min(range.max, clamp.high);
    if (low <= range.min && high >= range.max) return 'none';
    if (low === zeroPoint && high >= range.max) return 'relu';
    if (low > high) return { min: (low - zeroPoint) * scale, max: (low - zeroPoint) * scale };
    const activation = { min: (low - zeroPoint) * scale, max: (high - zeroPoint) * scale };
    // npusim maps a bound back as zp + round_half_away(f32(f32(real) / f32(scale))): that must give the integer bound.
    const back = (real: number) => zeroPoint + roundFloat(Math.fround(Math.fround(real) / Math.fround(scale)), 'half-away');
    if (back(activation.min) !== low || back(activation.max) !== high)
      throw new Error(`clamp ${low}..${high} does not survive as real bounds`);
    return activation;
  }

  run(): TranslatedModel {
    for (const input of this.model.inputs) {
      const value = this.onnx.inputs.find((candidate) => candidate.name === input.source);
      const quant = this.model.quant.get(input.tensor);
      if (value === undefined || quant === undefined)
        throw new InputError(`graph input "${input.source}" is not read by any quantized op`, this.file);
      this.define(input.tensor, value.dims, value.dims.length === 4 ? { kind: 'nchw' } : { kind: 'plain' }, quant, undefined);
    }
    for (const q of this.model.nodes) {
      switch (q.kind) {
        case 'conv':
          this.conv(q);
          break;
        case 'matmul':
          this.matmul(q);
          break;
        case 'add':
          this.add(q);
          break;
        case 'avgpool':
        case 'maxpool':
          this.pool(q);
          break;
        case 'globalavgpool':
          this.globalPool(q);
          break;
        case 'concat':
          this.concat(q);
          break;
        case 'reshape':
          this.reshape(q);
          break;
        case 'clamp':
          this.clamp(q);
          break;
      }
    }
    const ops = this.ops.map((op, index) =>
      'activation' in op ? ({ ...op, activation: this.activationOf(op, this.clamps[index] as Clamp) } as GraphOp) : op,
    );
    const sidecar = this.sidecar.contents();
    const sourceTensors: Record<string, SourceTensorSpec> = {};
    for (const [name, activation] of this.activations) {
      const input = this.model.inputs.find((candidate) => candidate.tensor === name);
      sourceTensors[name] = sourceView(input?.source ?? name, activation);
    }
    const graph: GraphFile = {
      name: this.onnx.name,
      description: `Imported from ${this.onnx.file} (${this.model.form}, opset ${this.onnx.opset}) by npusim import onnx; quantized for onnxruntime: run it under the ort-float requantization mode to reproduce onnxruntime exactly`,
      inputs: this.model.inputs.map((input) => input.tensor),
      outputs: this.model.outputs.map((output) => output.tensor),
      tensors: this.tensors,
      // The model's op types are the file's, read-only.
      ops: ops as GraphFile['ops'],
      quantizedFor: 'ort-float',
      source: {
        format: 'onnx',
        model: basename(this.onnx.file),
        inputs: this.model.inputs.map((input) => ({
          tensor: input.tensor,
          dtype: input.quantize !== undefined ? 'float32' : this.model.quant.get(input.tensor)?.type === 's8' ? 'int8' : 'uint8',
          ...(input.quantize === undefined ? {} : { quantizeLinear: { scale: input.quantize.scale, zeroPoint: input.quantize.zeroPoint } }),
        })),
        tensors: sourceTensors,
      },
    };
    return { graph, sidecar };
  }
}

export function translateModel(onnx: OnnxGraph, model: QuantizedModel, sidecarFile: string): TranslatedModel {
  return new Translator(onnx, model, sidecarFile).run();
}
