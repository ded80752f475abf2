/**
 * Both quantized forms of an ONNX model brought to one list of integer ops, as onnxruntime runs
 * them: QOperator nodes are read as they are; in a QDQ model every float compute node with
 * DequantizeLinear on its inputs and one QuantizeLinear after it (through Relu or Clip, whose range
 * the QuantizeLinear then clamps) is the integer kernel onnxruntime fuses the group into
 * (QLinearConv, QLinearMatMul, QGemm, QLinearAdd, QLinearAveragePool, QLinearGlobalAveragePool,
 * QLinearConcat; MaxPool, Reshape and Flatten with the DequantizeLinear/QuantizeLinear pair dropped).
 * A QuantizeLinear on a float graph input is the model's input quantization, and a
 * DequantizeLinear that produces a graph output the model's output dequantization.
 */
import { InputError } from '../../errors.js';
import { ortQuantizeLinear } from '../../numeric/index.js';
import { ELEMENT, elementName, floatAttribute, intAttribute, type OnnxConstant, type OnnxGraph, type OnnxNode } from './model.js';
import { nodeError, unsupportedOp } from './supported.js';

export type QuantType = 's8' | 'u8';

/** An activation's quantization: one scale and zero point (onnxruntime's activations are per tensor). */
export interface ActivationQuant {
  readonly type: QuantType;
  readonly scale: number;
  readonly zeroPoint: number;
}

/** A quantized constant (weights): integer values, scales and zero points along `axis`. */
export interface QuantConstant {
  readonly name: string;
  readonly type: QuantType;
  readonly dims: readonly number[];
  readonly values: readonly number[];
  readonly scales: readonly number[];
  readonly zeroPoints: readonly number[];
  /** The axis of per-channel scales (undefined per tensor). */
  readonly axis: number | undefined;
}

/** Integer bounds a Relu or Clip puts on an op's output, in output integers (infinite where it has none). */
export interface Clamp {
  readonly low: number;
  readonly high: number;
}

interface Base {
  readonly node: OnnxNode;
  readonly output: string;
  /** The output's clamp (a Relu or Clip folded in); none by default. */
  clamp: Clamp;
}

export type QNode =
  | (Base & {
      readonly kind: 'conv';
      readonly input: string;
      readonly weights: QuantConstant;
      readonly bias: readonly number[] | undefined;
    })
  /** MatMul and Gemm: weights as [K, N] after transB. */
  | (Base & {
      readonly kind: 'matmul';
      readonly input: string;
      readonly weights: QuantConstant;
      readonly transB: boolean;
      readonly bias: readonly number[] | undefined;
    })
  | (Base & { readonly kind: 'add'; readonly inputs: readonly [string, string] })
  | (Base & { readonly kind: 'avgpool'; readonly input: string })
  | (Base & { readonly kind: 'globalavgpool'; readonly input: string })
  | (Base & { readonly kind: 'maxpool'; readonly input: string })
  | (Base & { readonly kind: 'concat'; readonly inputs: readonly string[]; readonly axis: number })
  | (Base & {
      readonly kind: 'reshape';
      readonly input: string;
      readonly shape: readonly number[] | undefined;
      readonly flattenAxis: number | undefined;
    })
  | (Base & { readonly kind: 'clamp'; readonly input: string });

/** A float graph input quantized by the model's first QuantizeLinear. */
export interface QuantizedInput {
  readonly source: string;
  readonly tensor: string;
  readonly scale: number;
  readonly zeroPoint: number;
}

export interface QuantizedModel {
  readonly form: 'QOperator' | 'QDQ' | 'QOperator and QDQ';
  readonly nodes: readonly QNode[];
  readonly quant: ReadonlyMap<string, ActivationQuant>;
  /** Graph inputs: the integer tensor each one is (itself, or the QuantizeLinear output of a float input). */
  readonly inputs: readonly { readonly source: string; readonly tensor: string; readonly quantize: QuantizedInput | undefined }[];
  /** Graph outputs: the integer tensor each one is (itself, or the input of its DequantizeLinear). */
  readonly outputs: readonly { readonly source: string; readonly tensor: string }[];
}

const NO_CLAMP: Clamp = { low: -Infinity, high: Infinity };

const QOPERATOR = new Set([
  'QLinearConv',
  'QLinearMatMul',
  'QGemm',
  'QLinearAdd',
  'QLinearAveragePool',
  'QLinearGlobalAveragePool',
  'QLinearConcat',
]);
const FLOAT_COMPUTE = new Set(['Conv', 'Gemm', 'MatMul', 'Add', 'AveragePool', 'GlobalAveragePool', 'Concat']);
const MOVES = new Set(['MaxPool', 'Reshape', 'Flatten']);
const ACTIVATIONS = new Set(['Relu', 'Clip']);

function quantType(elemType: number): QuantType | undefined {
  return elemType === ELEMENT.INT8 ? 's8' : elemType === ELEMENT.UINT8 ? 'u8' : undefined;
}

function typeRange(type: QuantType): { min: number; max: number } {
  return type === 's8' ? { min: -128, max: 127 } : { min: 0, max: 255 };
}

class Builder {
  private readonly file: string;
  private readonly quant = new Map<string, ActivationQuant>();
  /** Element types of integer tensors (graph inputs, QuantizeLinear and QLinear outputs). */
  private readonly types = new Map<string, QuantType>();
  private readonly consumers = new Map<string, OnnxNode[]>();
  private readonly producers = new Map<string, OnnxNode>();
  private readonly handled = new Set<OnnxNode>();
  private readonly nodes: QNode[] = [];
  private readonly graphOutputs: Set<string>;
  private readonly pendingIntegerNodes: { node: OnnxNode; input: string; output: string }[] = [];
  private sawQOperator = false;
  private sawQdq = false;

  constructor(private readonly graph: OnnxGraph) {
    this.file = graph.file;
    this.graphOutputs = new Set(graph.outputs);
    for (const node of graph.nodes) {
      for (const input of node.inputs) if (input !== '') this.consumers.set(input, [...(this.consumers.get(input) ?? []), node]);
      for (const output of node.outputs) if (output !== '') this.producers.set(output, node);
    }
    for (const input of graph.inputs) {
      const type = quantType(input.elemType);
      if (type !== undefined) this.types.set(input.name, type);
    }
  }

  private constant(node: OnnxNode, slot: number, what: string): OnnxConstant {
    const name = node.inputs[slot] ?? '';
    const constant = this.graph.constants.get(name);
    if (name === '' || constant === undefined)
      throw nodeError(
        node,
        this.file,
        `its ${what} (input ${slot}${name === '' ? '' : `, "${name}"`}) must be a constant (an initializer)`,
      );
    return constant;
  }

  private optionalConstant(node: OnnxNode, slot: number, what: string): OnnxConstant | undefined {
    return (node.inputs[slot] ?? '') === '' ? undefined : this.constant(node, slot, what);
  }

  /** A scale and zero point pair of inputs; a missing zero point is 0 of `fallbackType`. */
  private scaleAndZero(
    node: OnnxNode,
    scaleSlot: number,
    zeroSlot: number,
    what: string,
    fallbackType: QuantType = 'u8',
  ): { scales: number[]; zeroPoints: number[]; type: QuantType } {
    const scale = this.constant(node, scaleSlot, `${what} scale`);
    if (scale.elemType !== ELEMENT.FLOAT)
      throw nodeError(node, this.file, `the ${what} scale must be FLOAT, got ${elementName(scale.elemType)}`);
    const bad = scale.values.findIndex((value) => !(value > 0) || !Number.isFinite(value));
    if (bad >= 0) throw nodeError(node, this.file, `the ${what} scale ${scale.values[bad]} is not a positive finite number`);
    const zero = this.optionalConstant(node, zeroSlot, `${what} zero point`);
    const type = zero === undefined ? fallbackType : quantType(zero.elemType);
    if (type === undefined)
      throw nodeError(
        node,
        this.file,
        `the ${what} zero point is ${elementName(zero?.elemType ?? 0)}; npusim imports int8 and uint8 quantization`,
      );
    const zeroPoints = zero === undefined ? scale.values.map(() => 0) : [...zero.values];
    if (zeroPoints.length !== scale.values.length)
      throw nodeError(node, this.file, `the ${what} has ${scale.values.length} scales but ${zeroPoints.length} zero points`);
    return { scales: [...scale.values], zeroPoints, type };
  }

  /** Records an activation's quantization; one tensor read with two quantizations cannot be one npusim tensor. */
  private setQuant(name: string, quant: ActivationQuant, node: OnnxNode): void {
    const known = this.quant.get(name);
    if (known === undefined) {
      this.quant.set(name, quant);
      return;
    }
    if (known.scale !== quant.scale || known.zeroPoint !== quant.zeroPoint || known.type !== quant.type) {
      throw nodeError(
        node,
        this.file,
        `tensor "${name}" is quantized as ${quant.type} scale ${quant.scale} zero point ${quant.zeroPoint} here but as ${known.type} scale ${known.scale} zero point ${known.zeroPoint} elsewhere; npusim gives a tensor one quantization`,
      );
    }
  }

  private activationQuant(node: OnnxNode, scaleSlot: number, zeroSlot: number, what: string, tensor: string): ActivationQuant {
    const { scales, zeroPoints, type } = this.scaleAndZero(node, scaleSlot, zeroSlot, what, this.types.get(tensor) ?? 'u8');
    if (scales.length !== 1)
      throw nodeError(node, this.file, `the ${what} has ${scales.length} scales; npusim takes per-channel quantization for weights only`);
    const quant = { type, scale: scales[0] as number, zeroPoint: zeroPoints[0] as number };
    const range = typeRange(type);
    if (quant.zeroPoint < range.min || quant.zeroPoint > range.max)
      throw nodeError(node, this.file, `the ${what} zero point ${quant.zeroPoint} is outside ${type}`);
    this.setQuant(tensor, quant, node);
    this.types.set(tensor, type);
    return quant;
  }

  private weights(node: OnnxNode, slot: number, scaleSlot: number, zeroSlot: number, axis: number | undefined): QuantConstant {
    const data = this.constant(node, slot, 'weights');
    const type = quantType(data.elemType);
    if (type === undefined)
      throw nodeError(
        node,
        this.file,
        `the weights "${data.name}" are ${elementName(data.elemType)}; npusim imports int8 and uint8 weights`,
      );
    const { scales, zeroPoints } = this.scaleAndZero(node, scaleSlot, zeroSlot, `weight "${data.name}"`, type);
    if (zeroPoints.some((zero) => zero !== 0))
      throw nodeError(
        node,
        this.file,
        `the weights "${data.name}" have a non-zero zero point; npusim takes symmetric weights (zero point 0, what quantize_static writes for int8 weights)`,
      );
    if (scales.length > 1 && (axis === undefined || data.dims[axis] !== scales.length)) {
      throw nodeError(
        node,
        this.file,
        `the weights "${data.name}" have ${scales.length} scales, not one per output channel (${axis === undefined ? 'no axis' : `axis ${axis} of [${data.dims.join(',')}]`})`,
      );
    }
    return { name: data.name, type, dims: data.dims, values: data.values, scales, zeroPoints, axis: scales.length > 1 ? axis : undefined };
  }

  private bias(node: OnnxNode, constant: OnnxConstant | undefined): number[] | undefined {
    if (constant === undefined) return undefined;
    if (constant.elemType !== ELEMENT.INT32)
      throw nodeError(node, this.file, `the bias "${constant.name}" is ${elementName(constant.elemType)}; a quantized bias is INT32`);
    return [...constant.values];
  }

  private push(node: QNode): void {
    this.nodes.push(node);
  }

  /** Marks the integer output of a node with its type. */
  private output(node: OnnxNode, quant: ActivationQuant): string {
    const name = node.outputs[0] ?? '';
    this.setQuant(name, quant, node);
    this.types.set(name, quant.type);
    return name;
  }

  // ---- QOperator ----

  private qoperator(node: OnnxNode): void {
    this.sawQOperator = true;
    const base = { node, clamp: NO_CLAMP };
    switch (node.opType) {
      case 'QLinearConv': {
        const input = node.inputs[0] ?? '';
        this.activationQuant(node, 1, 2, 'input', input);
        const weights = this.weights(node, 3, 4, 5, 0);
        const output = this.output(node, this.activationQuant(node, 6, 7, 'output', node.outputs[0] ?? ''));
        this.push({ ...base, kind: 'conv', input, weights, bias: this.bias(node, this.optionalConstant(node, 8, 'bias')), output });
        return;
      }
      case 'QLinearMatMul': {
        const input = node.inputs[0] ?? '';
        this.activationQuant(node, 1, 2, 'input', input);
        const weights = this.weights(node, 3, 4, 5, 1);
        const output = this.output(node, this.activationQuant(node, 6, 7, 'output', node.outputs[0] ?? ''));
        this.push({ ...base, kind: 'matmul', input, weights, transB: false, bias: undefined, output });
        return;
      }
      case 'QGemm': {
        this.gemmAttributes(node);
        if ((node.inputs[7] ?? '') === '')
          throw nodeError(node, this.file, 'QGemm without y_scale has a float output; npusim imports QGemm with a quantized output');
        const input = node.inputs[0] ?? '';
        this.activationQuant(node, 1, 2, 'input', input);
        const transB = intAttribute(node, 'transB', 0, this.file) === 1;
        const weights = this.weights(node, 3, 4, 5, transB ? 0 : 1);
        const bias = this.bias(node, this.optionalConstant(node, 6, 'bias'));
        const output = this.output(node, this.activationQuant(node, 7, 8, 'output', node.outputs[0] ?? ''));
        this.push({ ...base, kind: 'matmul', input, weights, transB, bias, output });
        return;
      }
      case 'QLinearAdd': {
        const [a = '', , , b = ''] = node.inputs;
        this.activationQuant(node, 1, 2, 'input A', a);
        this.activationQuant(node, 4, 5, 'input B', b);
        const output = this.output(node, this.activationQuant(node, 6, 7, 'output', node.outputs[0] ?? ''));
        this.push({ ...base, kind: 'add', inputs: [a, b], output });
        return;
      }
      case 'QLinearAveragePool':
      case 'QLinearGlobalAveragePool': {
        if (intAttribute(node, 'channels_last', 0, this.file) !== 0)
          throw nodeError(node, this.file, 'channels_last = 1 is not supported (npusim imports NCHW models)');
        const input = node.inputs[0] ?? '';
        this.activationQuant(node, 1, 2, 'input', input);
        const output = this.output(node, this.activationQuant(node, 3, 4, 'output', node.outputs[0] ?? ''));
        this.push(
          node.opType === 'QLinearAveragePool'
            ? { ...base, kind: 'avgpool', input, output }
            : { ...base, kind: 'globalavgpool', input, output },
        );
        return;
      }
      case 'QLinearConcat': {
        const output = this.output(node, this.activationQuant(node, 0, 1, 'output', node.outputs[0] ?? ''));
        const inputs: string[] = [];
        for (let slot = 2; slot < node.inputs.length; slot += 3) {
          const input = node.inputs[slot] ?? '';
          this.activationQuant(node, slot + 1, slot + 2, `input ${inputs.length}`, input);
          inputs.push(input);
        }
        this.push({ ...base, kind: 'concat', inputs, axis: intAttribute(node, 'axis', 0, this.file), output });
        return;
      }
    }
  }

  private gemmAttributes(node: OnnxNode): void {
    if (intAttribute(node, 'transA', 0, this.file) !== 0) throw nodeError(node, this.file, 'transA = 1 is not supported');
    if (floatAttribute(node, 'alpha', 1) !== 1)
      throw nodeError(node, this.file, `alpha ${floatAttribute(node, 'alpha', 1)} is not supported (npusim imports alpha = 1)`);
    if (node.opType === 'Gemm' && floatAttribute(node, 'beta', 1) !== 1)
      throw nodeError(node, this.file, `beta ${floatAttribute(node, 'beta', 1)} is not supported (npusim imports beta = 1)`);
  }

  /** A node on integer tensors as they are: MaxPool, Reshape, Flatten, Clip, Relu (QOperator). */
  private integerNode(node: OnnxNode, input: string): void {
    const quant = this.quant.get(input);
    const type = this.types.get(input) as QuantType;
    const output = node.outputs[0] ?? '';
    this.types.set(output, type);
    // A graph input's quantization is known only from the QLinear op that reads it, perhaps later: resolved after the walk.
    if (quant === undefined) this.pendingIntegerNodes.push({ node, input, output });
    else this.output(node, quant);
    const base = { node, output, clamp: NO_CLAMP };
    if (node.opType === 'MaxPool') this.push({ ...base, kind: 'maxpool', input });
    else if (node.opType === 'Reshape')
      this.push({ ...base, kind: 'reshape', input, shape: [...this.constant(node, 1, 'shape').values], flattenAxis: undefined });
    else if (node.opType === 'Flatten')
      this.push({ ...base, kind: 'reshape', input, shape: undefined, flattenAxis: intAttribute(node, 'axis', 1, this.file) });
    else this.push({ ...base, kind: 'clamp', input, clamp: this.integerClamp(node, type) });
  }

  /** Relu or Clip on integers: Relu keeps values >= 0 (the integer 0, not the zero point); Clip its integer bounds. */
  private integerClamp(node: OnnxNode, type: QuantType): Clamp {
    if (node.opType === 'Relu') {
      if (type === 'u8') return NO_CLAMP;
      return { low: 0, high: Infinity };
    }
    const [low, high] = this.clipBounds(node);
    return { low, high };
  }

  /** Clip's bounds: inputs 1 and 2 from opset 11, attributes min and max before. */
  private clipBounds(node: OnnxNode): [number, number] {
    if (this.graph.opset < 11) return [floatAttribute(node, 'min', -Infinity), floatAttribute(node, 'max', Infinity)];
    const bound = (slot: number, fallback: number): number => {
      const constant = this.optionalConstant(node, slot, slot === 1 ? 'min' : 'max');
      if (constant === undefined) return fallback;
      if (constant.values.length !== 1) throw nodeError(node, this.file, 'Clip bounds must be scalars');
      return constant.values[0] as number;
    };
    return [bound(1, -Infinity), bound(2, Infinity)];
  }

  // ---- QDQ ----

  /** The integer tensor behind a DequantizeLinear output (an activation), with its quantization checked. */
  private dequantizedActivation(node: OnnxNode, name: string): string {
    const dq = this.producers.get(name);
    if (dq === undefined || dq.opType !== 'DequantizeLinear' || this.graph.constants.has(dq.inputs[0] ?? '')) {
      throw nodeError(
        node,
        this.file,
        `its input "${name}" is a float tensor that does not come from a DequantizeLinear; a QDQ model quantizes every input of a compute op`,
      );
    }
    const source = dq.inputs[0] ?? '';
    this.activationQuant(dq, 1, 2, 'DequantizeLinear', source);
    this.handled.add(dq);
    return source;
  }

  /** A constant behind a DequantizeLinear (weights, bias). */
  private dequantizedConstant(node: OnnxNode, name: string, what: string): OnnxNode {
    const dq = this.producers.get(name);
    if (dq === undefined || dq.opType !== 'DequantizeLinear' || !this.graph.constants.has(dq.inputs[0] ?? '')) {
      throw nodeError(
        node,
        this.file,
        `its ${what} "${name}" must be a constant through DequantizeLinear (float weights are not quantized: quantize the model first)`,
      );
    }
    this.handled.add(dq);
    return dq;
  }

  /**
   * The QuantizeLinear after a float node, through any Relu or Clip between (each only consumer of
   * the one before): the integer output and the clamp those put on it. onnxruntime fuses the group
   * only when the float result goes nowhere else.
   */
  private quantizedOutput(node: OnnxNode): { output: string; quant: ActivationQuant; clamp: Clamp } {
    let current = node;
    const chain: OnnxNode[] = [];
    for (;;) {
      const out = current.outputs[0] ?? '';
      const next = this.consumers.get(out) ?? [];
      if (next.length !== 1 || this.graphOutputs.has(out))
        throw nodeError(
          node,
          this.file,
          `its float output "${out}" must go to exactly one QuantizeLinear (through Relu or Clip), as in a QDQ model; it goes to ${next.length} node(s)${this.graphOutputs.has(out) ? ' and is a graph output' : ''}`,
        );
      const consumer = next[0] as OnnxNode;
      if (consumer.opType === 'QuantizeLinear') {
        const output = consumer.outputs[0] ?? '';
        const zero = this.optionalConstant(consumer, 2, 'zero point');
        const quant = this.activationQuant(consumer, 1, 2, 'QuantizeLinear', output);
        if (zero === undefined) this.types.set(output, 'u8');
        this.handled.add(consumer);
        let clamp = NO_CLAMP;
        for (const activation of chain) clamp = intersect(clamp, this.floatClamp(activation, quant));
        return { output, quant, clamp };
      }
      if (!ACTIVATIONS.has(consumer.opType))
        throw nodeError(node, this.file, `its float output goes to ${consumer.opType} (node ${consumer.index}), not to a QuantizeLinear`);
      chain.push(consumer);
      this.handled.add(consumer);
      current = consumer;
    }
  }

  /** A float Relu or Clip before QuantizeLinear: Q(clip(x, a, b)) = clamp(Q(x), Q(a), Q(b)), Q being monotonic. */
  private floatClamp(node: OnnxNode, quant: ActivationQuant): Clamp {
    const { min, max } = typeRange(quant.type);
    const q = (real: number): number =>
      real === -Infinity ? -Infinity : real === Infinity ? Infinity : ortQuantizeLinear(real, quant.scale, quant.zeroPoint, min, max);
    if (node.opType === 'Relu') return { low: q(0), high: Infinity };
    const [low, high] = this.clipBounds(node);
    return { low: q(Math.fround(low)), high: q(Math.fround(high)) };
  }

  private qdq(node: OnnxNode): void {
    this.sawQdq = true;
    const activation = (slot: number): string => this.dequantizedActivation(node, node.inputs[slot] ?? '');
    if (node.opType === 'Conv' || node.opType === 'Gemm' || node.opType === 'MatMul') {
      const input = activation(0);
      const weightDq = this.dequantizedConstant(node, node.inputs[1] ?? '', 'weights');
      const transB = node.opType === 'Gemm' && intAttribute(node, 'transB', 0, this.file) === 1;
      if (node.opType === 'Gemm') this.gemmAttributes(node);
      const dims = this.graph.constants.get(weightDq.inputs[0] ?? '')?.dims ?? [];
      const axis = intAttribute(weightDq, 'axis', 1, this.file);
      const weights = this.weights(weightDq, 0, 1, 2, axis < 0 ? axis + dims.length : axis);
      const expectedAxis = node.opType === 'Conv' || transB ? 0 : 1;
      if (weights.axis !== undefined && weights.axis !== expectedAxis)
        throw nodeError(
          node,
          this.file,
          `per-channel weights must be quantized along the output channels (axis ${expectedAxis}), not axis ${weights.axis}`,
        );
      let bias: number[] | undefined;
      if ((node.inputs[2] ?? '') !== '') {
        const biasDq = this.dequantizedConstant(node, node.inputs[2] ?? '', 'bias');
        bias = this.bias(node, this.graph.constants.get(biasDq.inputs[0] ?? ''));
      }
      const { output, clamp } = this.quantizedOutput(node);
      this.push(
        node.opType === 'Conv'
          ? { node, kind: 'conv', input, weights, bias, output, clamp }
          : { node, kind: 'matmul', input, weights, transB, bias, output, clamp },
      );
      return;
    }
    if (node.opType === 'Add') {
      const inputs: [string, string] = [activation(0), activation(1)];
      const { output, clamp } = this.quantizedOutput(node);
      this.push({ node, kind: 'add', inputs, output, clamp });
      return;
    }
    if (node.opType === 'Concat') {
      const inputs = node.inputs.map((_, slot) => activation(slot));
      const { output, clamp } = this.quantizedOutput(node);
      this.push({ node, kind: 'concat', inputs, axis: intAttribute(node, 'axis', 0, this.file), output, clamp });
      return;
    }
    if (node.opType === 'AveragePool' || node.opType === 'GlobalAveragePool') {
      const input = activation(0);
      const { output, clamp } = this.quantizedOutput(node);
      this.push(
        node.opType === 'AveragePool'
          ? { node, kind: 'avgpool', input, output, clamp }
          : { node, kind: 'globalavgpool', input, output, clamp },
      );
      return;
    }
    // MaxPool, Reshape, Flatten, Relu, Clip between DequantizeLinear and QuantizeLinear: onnxruntime drops the pair when both quantize alike.
    const input = activation(0);
    const { output, quant, clamp } = this.quantizedOutput(node);
    const inputQuant = this.quant.get(input);
    if (
      inputQuant === undefined ||
      inputQuant.scale !== quant.scale ||
      inputQuant.zeroPoint !== quant.zeroPoint ||
      inputQuant.type !== quant.type
    ) {
      throw nodeError(
        node,
        this.file,
        `its DequantizeLinear and QuantizeLinear quantize differently (${JSON.stringify(inputQuant)} and ${JSON.stringify(quant)}); npusim imports ${node.opType} between a matching pair, which onnxruntime drops`,
      );
    }
    const base = { node, output, clamp };
    if (node.opType === 'MaxPool') this.push({ ...base, kind: 'maxpool', input });
    else if (node.opType === 'Reshape')
      this.push({ ...base, kind: 'reshape', input, shape: [...this.constant(node, 1, 'shape').values], flattenAxis: undefined });
    else if (node.opType === 'Flatten')
      this.push({ ...base, kind: 'reshape', input, shape: undefined, flattenAxis: intAttribute(node, 'axis', 1, this.file) });
    else this.push({ ...base, kind: 'clamp', input, clamp: intersect(clamp, this.floatClamp(node, quant)) });
  }

  /** MaxPool, Reshape, Flatten, Clip and Relu keep the quantization: known at one end, it is the other's. */
  private resolvePending(): void {
    let pending = this.pendingIntegerNodes;
    while (pending.length > 0) {
      const left = pending.filter(({ node, input, output }) => {
        const known = this.quant.get(input) ?? this.quant.get(output);
        if (known === undefined) return true;
        this.setQuant(input, known, node);
        this.setQuant(output, known, node);
        return false;
      });
      if (left.length === pending.length) {
        const first = left[0] as { node: OnnxNode; input: string };
        throw nodeError(
          first.node,
          this.file,
          `its input "${first.input}" has no quantization npusim can find (no quantized op reads or writes it)`,
        );
      }
      pending = left;
    }
  }

  // ---- the whole graph ----

  private isIntegerTensor(name: string): boolean {
    return this.types.has(name);
  }

  build(): QuantizedModel {
    const inputs = this.graph.inputs.map((input) => {
      if (quantType(input.elemType) !== undefined) return { source: input.name, tensor: input.name, quantize: undefined };
      if (input.elemType !== ELEMENT.FLOAT)
        throw new InputError(
          `graph input "${input.name}" is ${elementName(input.elemType)}; npusim takes UINT8, INT8 or FLOAT (then quantized by a QuantizeLinear)`,
          this.file,
        );
      const consumers = this.consumers.get(input.name) ?? [];
      const q = consumers[0];
      if (consumers.length !== 1 || q === undefined || q.opType !== 'QuantizeLinear') {
        const quantized = this.graph.nodes.some(
          (node) => node.opType === 'QuantizeLinear' || node.opType.startsWith('QLinear') || node.opType === 'QGemm',
        );
        if (!quantized)
          throw new InputError(
            'this is a float model (no QuantizeLinear, DequantizeLinear or QLinear op); npusim runs quantized models: quantize it first (`npusim quantize MODEL --calib DATA --out G.json`, or onnxruntime.quantization.quantize_static, QOperator or QDQ)',
            this.file,
          );
        throw new InputError(
          `float graph input "${input.name}" must go to exactly one QuantizeLinear (the model's input quantization); it goes to ${consumers.map((node) => node.opType).join(', ') || 'nothing'}`,
          this.file,
        );
      }
      const tensor = q.outputs[0] ?? '';
      const quant = this.activationQuant(q, 1, 2, 'input QuantizeLinear', tensor);
      if ((q.inputs[2] ?? '') === '') this.types.set(tensor, 'u8');
      this.handled.add(q);
      return { source: input.name, tensor, quantize: { source: input.name, tensor, scale: quant.scale, zeroPoint: quant.zeroPoint } };
    });
    for (const node of this.graph.nodes) {
      if (this.handled.has(node)) continue;
      if (node.domain !== '' && node.domain !== 'ai.onnx' && node.domain !== 'com.microsoft') throw unsupportedOp(node, this.file);
      if (QOPERATOR.has(node.opType)) this.qoperator(node);
      else if (FLOAT_COMPUTE.has(node.opType)) this.qdq(node);
      else if (MOVES.has(node.opType) || ACTIVATIONS.has(node.opType)) {
        const input = node.inputs[0] ?? '';
        if (this.isIntegerTensor(input)) {
          this.sawQOperator = true;
          this.integerNode(node, input);
        } else this.qdq(node);
      } else if (node.opType === 'DequantizeLinear' || node.opType === 'QuantizeLinear') {
        // Read with the op they belong to (which comes later in graph order); checked below.
      } else throw unsupportedOp(node, this.file);
    }
    this.resolvePending();
    for (const node of this.graph.nodes) {
      if (this.handled.has(node)) continue;
      const out = node.outputs[0] ?? '';
      if (node.opType === 'DequantizeLinear' && this.graphOutputs.has(out) && !this.graph.constants.has(node.inputs[0] ?? '')) continue;
      if (node.opType === 'DequantizeLinear') {
        throw nodeError(
          node,
          this.file,
          `its float output "${out}" feeds ${(this.consumers.get(out) ?? []).map((consumer) => consumer.opType).join(', ') || 'nothing'}, which npusim cannot fuse into an integer kernel`,
        );
      }
      if (node.opType === 'QuantizeLinear') {
        throw nodeError(
          node,
          this.file,
          `QuantizeLinear of "${node.inputs[0] ?? ''}", which is neither the output of a fused float op nor a float graph input (requantizing alone is not supported)`,
        );
      }
    }
    const outputs = this.graph.outputs.map((name) => {
      const producer = this.producers.get(name);
      if (producer?.opType === 'DequantizeLinear') {
        const tensor = producer.inputs[0] ?? '';
        this.activationQuant(producer, 1, 2, 'output DequantizeLinear', tensor);
        return { source: name, tensor };
      }
      if (!this.isIntegerTensor(name))
        throw new InputError(`graph output "${name}" is not an integer tensor or the DequantizeLinear of one`, this.file);
      return { source: name, tensor: name };
    });
    const form = this.sawQOperator && this.sawQdq ? 'QOperator and QDQ' : this.sawQdq ? 'QDQ' : 'QOperator';
    return { form, nodes: this.nodes, quant: this.quant, inputs, outputs };
  }
}

function intersect(a: Clamp, b: Clamp): Clamp {
  return { low: Math.max(a.low, b.low), high: Math.min(a.high, b.high) };
}

export function quantizedModel(graph: OnnxGraph): QuantizedModel {
  return new Builder(graph).build();
}
