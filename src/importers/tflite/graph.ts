/**
 * A TFLite model as an npusim graph file: the same GraphFile a JSON graph holds, with the weights and
 * biases in one sidecar, so that `import tflite` writes it and a .tflite GRAPH argument resolves it
 * through the same checks (formats/loadGraph.ts). TFLite is NHWC with OHWI conv weights, [1,KH,KW,C*M]
 * depthwise weights and [O,K] fully connected weights, which are npusim's own layouts: tensors keep
 * their shapes and data bytes; only a TRANSPOSE in the model moves values, as the op it is.
 *
 * Each op keeps TFLite Micro's reference-kernel semantics (docs/import.md): the fused activation
 * becomes the activation npusim clamps with exactly as CalculateActivationRangeQuantized does, and
 * everything TFLite computes differently from npusim's ops is refused by name.
 *
 * A float TFLite model (float32 activations, weights and biases) goes through the same op mapping
 * into the quantization lab's float model instead (graph/float.ts), for `npusim quantize` to
 * quantize; which of the two a model is decides `isFloatTfliteModel`.
 */
import { basename } from 'node:path';
import { InputError } from '../../errors.js';
import type { GraphFile, TensorSpec } from '../../formats/graphSchema.js';

type GraphOp = GraphFile['ops'][number];
import type { FloatGraph, FloatTensor } from '../../graph/float.js';
import { nativeSourceTensor, type SourceTensor } from '../../graph/model.js';
import type { ExplicitPadding, FusedActivation, Padding, TensorTypeName } from '../../graph/ops.js';
import { BUILTIN_OPERATOR_NAMES } from './builtinNames.js';
import { TENSOR_TYPE_NAMES, type TfliteModel, type TfliteOperator, type TfliteSubgraph, type TfliteTensor } from './schema.js';
import type { Table } from './flatbuffer.js';

/** Builtin codes of the ops the importer maps (schema.fbs `enum BuiltinOperator`). */
const OP = {
  ADD: 0,
  AVERAGE_POOL_2D: 1,
  CONCATENATION: 2,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  FULLY_CONNECTED: 9,
  MAX_POOL_2D: 17,
  RESHAPE: 22,
  SOFTMAX: 25,
  PAD: 34,
  TRANSPOSE: 39,
  MEAN: 40,
  SQUEEZE: 43,
  PADV2: 60,
  QUANTIZE: 114,
} as const;

export const SUPPORTED_TFLITE_OPS: readonly string[] = Object.keys(OP);

const TYPE = { FLOAT32: 0, INT32: 2, UINT8: 3, INT64: 4, INT16: 7, INT8: 9 } as const;
const DEQUANTIZE = 6;

/** Element types of activations and weights, by TensorType. */
const ELEMENT_TYPE: Readonly<Record<number, TensorTypeName>> = { [TYPE.INT8]: 's8', [TYPE.UINT8]: 'u8', [TYPE.INT16]: 's16' };

export interface TfliteImport {
  readonly graph: GraphFile;
  readonly sidecar: Uint8Array;
}

export interface TfliteImportOptions {
  readonly name: string;
  /** The sidecar's file name as the graph's data references give it. */
  readonly sidecarFile: string;
  /** The whole file, for buffers stored after the flatbuffer (offset/size). */
  readonly fileBytes?: Uint8Array;
}

/** Whether a model is a float one: float32 inputs, no quantized tensor and no QUANTIZE or DEQUANTIZE op. */
export function isFloatTfliteModel(model: TfliteModel): boolean {
  const subgraph = model.subgraphs[0];
  if (subgraph === undefined) return false;
  const floatInputs = subgraph.inputs.every((index) => subgraph.tensors[index]?.type === TYPE.FLOAT32);
  const quantized = subgraph.tensors.some((tensor) => (tensor.quantization?.scales.length ?? 0) > 0);
  const converts = subgraph.operators.some((op) => {
    const code = model.operatorCodes[op.opcodeIndex]?.builtinCode;
    return code === OP.QUANTIZE || code === DEQUANTIZE;
  });
  return floatInputs && !quantized && !converts;
}

function typeName(type: number): string {
  return TENSOR_TYPE_NAMES[type] ?? `type ${type}`;
}

class Importer {
  private readonly subgraph: TfliteSubgraph;
  private readonly tensors: Record<string, TensorSpec> = {};
  private readonly names = new Map<number, string>();
  private readonly sidecarParts: Uint8Array[] = [];
  private sidecarBytes = 0;
  private readonly ops: GraphOp[] = [];
  /** Float mode: every tensor's shape and, for constants, its float32 values. */
  readonly floatTensors = new Map<string, FloatTensor>();

  constructor(
    private readonly model: TfliteModel,
    private readonly file: string,
    private readonly options: TfliteImportOptions,
    /** Read float32 activations, weights and biases (a float model) instead of integers. */
    private readonly float = false,
  ) {
    const subgraph = model.subgraphs[0];
    if (subgraph === undefined) this.fail('the model has no subgraph');
    this.subgraph = subgraph;
  }

  fail(message: string): never {
    throw new InputError(message, this.file);
  }

  private opName(op: TfliteOperator): string {
    const code = this.model.operatorCodes[op.opcodeIndex];
    if (code === undefined) this.fail(`operator ${op.index} uses operator code ${op.opcodeIndex}, which the model does not define`);
    if (code.customCode !== undefined && code.builtinCode === 32) return `custom op "${code.customCode}"`;
    return BUILTIN_OPERATOR_NAMES[code.builtinCode] ?? `builtin op ${code.builtinCode}`;
  }

  private tensorAt(index: number | undefined, op: TfliteOperator, role: string): TfliteTensor {
    const tensor = index === undefined || index < 0 ? undefined : this.subgraph.tensors[index];
    if (tensor === undefined) this.fail(`operator ${op.index} (${this.opName(op)}) has no ${role} tensor (index ${index ?? 'missing'})`);
    return tensor;
  }

  private optionalTensor(index: number | undefined, op: TfliteOperator, role: string): TfliteTensor | undefined {
    return index === undefined || index < 0 ? undefined : this.tensorAt(index, op, role);
  }

  /** The constant bytes of a tensor, or undefined for an activation. */
  private constantBytes(tensor: TfliteTensor): Uint8Array | undefined {
    if (tensor.buffer === 0) return undefined;
    const buffer = this.model.buffers[tensor.buffer];
    if (buffer === undefined)
      this.fail(`tensor ${tensor.index} "${tensor.name}" uses buffer ${tensor.buffer}, which the model does not have`);
    if (buffer.data !== undefined && buffer.data.byteLength > 0) return buffer.data;
    if (buffer.offset > 1n) {
      const bytes = this.options.fileBytes;
      const end = buffer.offset + buffer.size;
      if (bytes === undefined || end > BigInt(bytes.byteLength))
        this.fail(`tensor "${tensor.name}"'s data at byte ${buffer.offset} (${buffer.size} bytes) lies outside the file (truncated)`);
      return bytes.subarray(Number(buffer.offset), Number(end));
    }
    return undefined;
  }

  private shapeOf(tensor: TfliteTensor): number[] {
    const signature = tensor.shapeSignature;
    // A dynamic batch (-1 in the signature's first dimension) runs with the stored shape, as TFLite Micro runs it.
    if (signature !== undefined && signature.some((d, axis) => d < 0 && axis > 0)) {
      this.fail(
        `tensor ${tensor.index} "${tensor.name}" has a dynamic shape (signature [${signature.join(',')}]); npusim needs static shapes (only the batch may be dynamic)`,
      );
    }
    if (tensor.shape.some((d) => !Number.isInteger(d) || d < 1))
      this.fail(`tensor ${tensor.index} "${tensor.name}" has shape [${tensor.shape.join(',')}]; npusim needs every dimension at least 1`);
    return tensor.shape.length === 0 ? [1] : [...tensor.shape];
  }

  private quantOf(tensor: TfliteTensor, perChannelAxis: number | undefined): TensorSpec['quant'] {
    const quant = tensor.quantization;
    if (quant === undefined || quant.scales.length === 0)
      this.fail(
        `tensor ${tensor.index} "${tensor.name}" has no quantization scale; npusim imports quantized models (quantize the model first)`,
      );
    if (quant.hasDetails)
      this.fail(`tensor ${tensor.index} "${tensor.name}" uses custom or blockwise quantization, which npusim does not import`);
    const zeroPoints = quant.zeroPoints.map((z) => Number(z));
    if (quant.scales.length === 1) return { scale: quant.scales[0] as number, zeroPoint: zeroPoints[0] ?? 0 };
    if (perChannelAxis === undefined)
      this.fail(
        `tensor ${tensor.index} "${tensor.name}" is quantized per channel (${quant.scales.length} scales); npusim quantizes activations per tensor`,
      );
    if (quant.quantizedDimension !== perChannelAxis)
      this.fail(
        `tensor ${tensor.index} "${tensor.name}" is quantized per channel along axis ${quant.quantizedDimension}; TFLite's kernels take axis ${perChannelAxis} here`,
      );
    const uniform = zeroPoints.every((z) => z === zeroPoints[0]);
    return { scale: [...quant.scales], zeroPoint: uniform ? (zeroPoints[0] ?? 0) : zeroPoints, axis: perChannelAxis };
  }

  private addSidecar(bytes: Uint8Array): number {
    // Keep every tensor's data 4-byte aligned, so int32 biases can be viewed in place.
    const padding = (4 - (this.sidecarBytes % 4)) % 4;
    if (padding > 0) {
      this.sidecarParts.push(new Uint8Array(padding));
      this.sidecarBytes += padding;
    }
    const offset = this.sidecarBytes;
    this.sidecarParts.push(bytes);
    this.sidecarBytes += bytes.byteLength;
    return offset;
  }

  /** A unique npusim name for a TFLite tensor: its own name, with its index when the name repeats. */
  private nameOf(tensor: TfliteTensor): string {
    const known = this.names.get(tensor.index);
    if (known !== undefined) return known;
    let name = tensor.name === '' ? `tensor${tensor.index}` : tensor.name;
    if (name in this.tensors || this.floatTensors.has(name)) name = `${name}#${tensor.index}`;
    this.names.set(tensor.index, name);
    return name;
  }

  /** An activation (graph input or an op's output): 8- or 16-bit, per tensor. */
  activation(tensor: TfliteTensor, op: TfliteOperator | undefined): string {
    const existing = this.names.get(tensor.index);
    if (existing !== undefined) return existing;
    const where = op === undefined ? 'graph input' : `operator ${op.index} (${this.opName(op)})`;
    if (this.float) return this.floatActivation(tensor, where);
    if (tensor.type === TYPE.FLOAT32)
      this.fail(
        `${where}: tensor ${tensor.index} "${tensor.name}" is float32; npusim runs quantized models: quantize it (npusim quantize MODEL --calib DATA --out G.json, or TFLite's full-integer quantization)`,
      );
    const type = ELEMENT_TYPE[tensor.type];
    if (type === undefined)
      this.fail(
        `${where}: tensor ${tensor.index} "${tensor.name}" is ${typeName(tensor.type)}; npusim imports int8, uint8 and int16 activations`,
      );
    if (this.constantBytes(tensor) !== undefined)
      this.fail(`${where}: tensor ${tensor.index} "${tensor.name}" is a constant where npusim needs an activation`);
    if (tensor.isVariable)
      this.fail(`${where}: tensor ${tensor.index} "${tensor.name}" is a variable (state) tensor, which npusim does not import`);
    const name = this.nameOf(tensor);
    this.tensors[name] = { shape: this.shapeOf(tensor), type, quant: this.quantOf(tensor, undefined) };
    return name;
  }

  private floatActivation(tensor: TfliteTensor, where: string): string {
    if (tensor.type !== TYPE.FLOAT32)
      this.fail(`${where}: tensor ${tensor.index} "${tensor.name}" is ${typeName(tensor.type)} in a float model; expected float32`);
    if (this.constantBytes(tensor) !== undefined)
      this.fail(`${where}: tensor ${tensor.index} "${tensor.name}" is a constant where npusim needs an activation`);
    const name = this.nameOf(tensor);
    this.floatTensors.set(name, { name, shape: this.shapeOf(tensor), data: undefined });
    return name;
  }

  /** A float model's weights or bias: float32 constants of `count` values (little-endian, as flatbuffers store them). */
  private floatConstant(tensor: TfliteTensor, op: TfliteOperator, role: string, shape: readonly number[]): string {
    const where = `operator ${op.index} (${this.opName(op)})`;
    if (tensor.type !== TYPE.FLOAT32) this.fail(`${where}: ${role} "${tensor.name}" are ${typeName(tensor.type)}; expected float32`);
    const bytes = this.constantBytes(tensor);
    if (bytes === undefined) this.fail(`${where}: ${role} "${tensor.name}" are not constant; npusim needs constant ${role}`);
    if (tensor.sparse) this.fail(`${where}: ${role} "${tensor.name}" are sparse, which npusim does not import`);
    const count = shape.reduce((a, b) => a * b, 1);
    if (bytes.byteLength !== count * 4)
      this.fail(`${where}: ${role} "${tensor.name}" hold ${bytes.byteLength} bytes for ${count} float32 values`);
    const existing = this.names.get(tensor.index);
    if (existing !== undefined) return existing;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const data = new Float32Array(count);
    for (let index = 0; index < count; index += 1) data[index] = view.getFloat32(index * 4, true);
    const name = this.nameOf(tensor);
    this.floatTensors.set(name, { name, shape: [...shape], data });
    return name;
  }

  /** Weights: int8 constants, per channel along `axis` or per tensor, zero point 0 as TFLite requires. */
  private weights(tensor: TfliteTensor, op: TfliteOperator, axis: number): string {
    if (this.float) return this.floatConstant(tensor, op, 'weights', this.shapeOf(tensor));
    const where = `operator ${op.index} (${this.opName(op)})`;
    if (tensor.type !== TYPE.INT8)
      this.fail(`${where}: weights "${tensor.name}" are ${typeName(tensor.type)}; npusim imports int8 weights`);
    const bytes = this.constantBytes(tensor);
    if (bytes === undefined) this.fail(`${where}: weights "${tensor.name}" are not constant; npusim needs constant weights`);
    if (tensor.sparse) this.fail(`${where}: weights "${tensor.name}" are sparse, which npusim does not import`);
    const shape = this.shapeOf(tensor);
    if (bytes.byteLength !== shape.reduce((a, b) => a * b, 1))
      this.fail(`${where}: weights "${tensor.name}" hold ${bytes.byteLength} bytes for shape [${shape.join(',')}]`);
    const quant = this.quantOf(tensor, axis);
    const zeroPoints = quant !== undefined && 'zeroPoint' in quant ? [quant.zeroPoint].flat() : [];
    if (zeroPoints.some((z) => z !== 0))
      this.fail(`${where}: weights "${tensor.name}" have a non-zero zero point; TFLite's int8 kernels require symmetric weights`);
    const existing = this.names.get(tensor.index);
    if (existing !== undefined) return existing;
    const name = this.nameOf(tensor);
    this.tensors[name] = { shape, type: 's8', quant, data: { file: this.options.sidecarFile, offset: this.addSidecar(bytes) } };
    return name;
  }

  /** The bias: int32 constants, one per output channel. */
  private bias(tensor: TfliteTensor | undefined, op: TfliteOperator, channels: number): string | undefined {
    if (tensor === undefined) return undefined;
    if (this.float) return this.floatConstant(tensor, op, 'bias', [channels]);
    const where = `operator ${op.index} (${this.opName(op)})`;
    if (tensor.type !== TYPE.INT32 && tensor.type !== TYPE.INT64)
      this.fail(`${where}: bias "${tensor.name}" is ${typeName(tensor.type)}; npusim imports int32 and int64 biases`);
    const stored = this.constantBytes(tensor);
    if (stored === undefined) this.fail(`${where}: bias "${tensor.name}" is not constant`);
    const width = tensor.type === TYPE.INT64 ? 8 : 4;
    if (stored.byteLength !== channels * width)
      this.fail(`${where}: bias "${tensor.name}" holds ${stored.byteLength / width} values for ${channels} output channels`);
    const bytes = width === 4 ? stored : this.narrowBias(stored, tensor, where);
    const existing = this.names.get(tensor.index);
    if (existing !== undefined) return existing;
    const name = this.nameOf(tensor);
    this.tensors[name] = { shape: [channels], type: 's32', data: { file: this.options.sidecarFile, offset: this.addSidecar(bytes) } };
    return name;
  }

  /**
   * A 16x8 layer's int64 bias as npusim's s32 bias: the values are the same and the layer still
   * accumulates and requantizes as TFLite's 16x8 kernels do (engine/layerNumerics.ts); a value
   * beyond int32 is refused.
   */
  private narrowBias(bytes: Uint8Array, tensor: TfliteTensor, where: string): Uint8Array {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const narrow = new Uint8Array(bytes.byteLength / 2);
    const out = new DataView(narrow.buffer);
    for (let index = 0; index < narrow.byteLength / 4; index += 1) {
      const value = view.getBigInt64(index * 8, true);
      if (value < -(2n ** 31n) || value >= 2n ** 31n)
        this.fail(`${where}: int64 bias "${tensor.name}" holds ${value} (channel ${index}), beyond the int32 biases npusim holds`);
      out.setInt32(index * 4, Number(value), true);
    }
    return narrow;
  }

  /** An int32 (or int64) constant read as numbers: shapes, paddings, axes, permutations. */
  private integers(tensor: TfliteTensor | undefined, op: TfliteOperator, role: string): number[] {
    const where = `operator ${op.index} (${this.opName(op)})`;
    if (tensor === undefined) this.fail(`${where}: no ${role} tensor`);
    const bytes = this.constantBytes(tensor);
    if (bytes === undefined) this.fail(`${where}: the ${role} "${tensor.name}" is not constant; npusim needs it fixed`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (tensor.type === TYPE.INT32) return Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getInt32(i * 4, true));
    if (tensor.type === TYPE.INT64) return Array.from({ length: bytes.byteLength / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    this.fail(`${where}: the ${role} "${tensor.name}" is ${typeName(tensor.type)}, expected int32`);
  }

  /** TFLite's fused activation as npusim's (CalculateActivationRangeQuantized: relu, relu6, relu_n1_to_1). */
  private activationFunction(code: number, op: TfliteOperator): FusedActivation {
    switch (code) {
      case 0:
        return 'none';
      case 1:
        return 'relu';
      case 3:
        return 'relu6';
      case 2:
        return { min: -1, max: 1 };
      default:
        this.fail(
          `operator ${op.index} (${this.opName(op)}): fused activation ${code === 4 ? 'TANH' : code === 5 ? 'SIGN_BIT' : code} is not supported (relu, relu6 and relu_n1_to_1 are)`,
        );
    }
  }

  private padding(code: number): Padding {
    return code === 0 ? 'same' : 'valid';
  }

  private pushOp(op: GraphOp): void {
    this.ops.push(op);
  }

  private convert(op: TfliteOperator): void {
    const code = this.model.operatorCodes[op.opcodeIndex]?.builtinCode ?? -1;
    const kind = this.opName(op);
    const name = `op${op.index}_${kind.toLowerCase()}`;
    const out = this.tensorAt(op.outputs[0], op, 'output');
    if (op.outputs.length !== 1) this.fail(`operator ${op.index} (${kind}) has ${op.outputs.length} outputs; npusim's ops have one`);
    const input = (): string => this.activation(this.tensorAt(op.inputs[0], op, 'input'), op);
    const output = (): string => this.activation(out, op);
    const options: Table | undefined = op.options;
    switch (code) {
      case OP.CONV_2D: {
        // Conv2DOptions: padding 0, stride_w 1, stride_h 2, fused_activation_function 3, dilation_w 4, dilation_h 5.
        const inputTensor = this.tensorAt(op.inputs[0], op, 'input');
        const weightTensor = this.tensorAt(op.inputs[1], op, 'weights');
        const inputName = input();
        const weights = this.weights(weightTensor, op, 0);
        const channels = this.shapeOf(inputTensor)[3] ?? 1;
        const filterChannels = this.shapeOf(weightTensor)[3] ?? 1;
        const outChannels = this.shapeOf(weightTensor)[0] ?? 1;
        if (channels % filterChannels !== 0)
          this.fail(`operator ${op.index} (${kind}): ${channels} input channels are not a multiple of the filter's ${filterChannels}`);
        const bias = this.bias(this.optionalTensor(op.inputs[2], op, 'bias'), op, outChannels);
        this.pushOp({
          name,
          op: 'conv2d',
          input: inputName,
          weights,
          ...(bias === undefined ? {} : { bias }),
          output: output(),
          stride: [options?.i32(2, 1) ?? 1, options?.i32(1, 1) ?? 1],
          dilation: [options?.i32(5, 1) ?? 1, options?.i32(4, 1) ?? 1],
          padding: this.padding(options?.i8(0) ?? 0),
          activation: this.activationFunction(options?.i8(3) ?? 0, op),
          groups: channels / filterChannels,
        });
        return;
      }
      case OP.DEPTHWISE_CONV_2D: {
        // DepthwiseConv2DOptions: padding 0, stride_w 1, stride_h 2, depth_multiplier 3, fused_activation_function 4, dilation_w 5, dilation_h 6.
        const inputTensor = this.tensorAt(op.inputs[0], op, 'input');
        const weightTensor = this.tensorAt(op.inputs[1], op, 'weights');
        const inputName = input();
        const weights = this.weights(weightTensor, op, 3);
        const channels = this.shapeOf(inputTensor)[3] ?? 1;
        const outChannels = this.shapeOf(weightTensor)[3] ?? 1;
        // TFLite Micro takes the multiplier from the shapes (the option may be stale).
        if (outChannels % channels !== 0)
          this.fail(`operator ${op.index} (${kind}): ${outChannels} output channels are not a multiple of the ${channels} input channels`);
        const bias = this.bias(this.optionalTensor(op.inputs[2], op, 'bias'), op, outChannels);
        this.pushOp({
          name,
          op: 'depthwise_conv2d',
          input: inputName,
          weights,
          ...(bias === undefined ? {} : { bias }),
          output: output(),
          stride: [options?.i32(2, 1) ?? 1, options?.i32(1, 1) ?? 1],
          dilation: [options?.i32(6, 1) ?? 1, options?.i32(5, 1) ?? 1],
          padding: this.padding(options?.i8(0) ?? 0),
          activation: this.activationFunction(options?.i8(4) ?? 0, op),
          depthMultiplier: outChannels / channels,
        });
        return;
      }
      case OP.FULLY_CONNECTED: {
        // FullyConnectedOptions: fused_activation_function 0, weights_format 1, keep_num_dims 2.
        if ((options?.i8(1) ?? 0) !== 0)
          this.fail(`operator ${op.index} (${kind}): shuffled weights are not supported (only the DEFAULT weights format)`);
        const weightTensor = this.tensorAt(op.inputs[1], op, 'weights');
        const inputName = input();
        const weights = this.weights(weightTensor, op, 0);
        const [outFeatures = 1] = this.shapeOf(weightTensor);
        const bias = this.bias(this.optionalTensor(op.inputs[2], op, 'bias'), op, outFeatures);
        const outShape = this.shapeOf(out);
        if (outShape.length !== 2)
          this.fail(
            `operator ${op.index} (${kind}): output shape [${outShape.join(',')}] (keep_num_dims); npusim's fully_connected writes [batch, ${outFeatures}]`,
          );
        this.pushOp({
          name,
          op: 'fully_connected',
          input: inputName,
          weights,
          ...(bias === undefined ? {} : { bias }),
          output: output(),
          activation: this.activationFunction(options?.i8(0) ?? 0, op),
        });
        return;
      }
      case OP.ADD: {
        // AddOptions: fused_activation_function 0, pot_scale_int16 1.
        const a = this.tensorAt(op.inputs[0], op, 'first input');
        const b = this.tensorAt(op.inputs[1], op, 'second input');
        const shapeA = this.shapeOf(a);
        const shapeB = this.shapeOf(b);
        if (shapeA.join(',') !== shapeB.join(','))
          this.fail(
            `operator ${op.index} (${kind}): inputs [${shapeA.join(',')}] and [${shapeB.join(',')}] broadcast; npusim's add takes equal shapes`,
          );
        this.pushOp({
          name,
          op: 'add',
          inputs: [this.activation(a, op), this.activation(b, op)],
          output: output(),
          activation: this.activationFunction(options?.i8(0) ?? 0, op),
        });
        return;
      }
      case OP.AVERAGE_POOL_2D:
      case OP.MAX_POOL_2D: {
        // Pool2DOptions: padding 0, stride_w 1, stride_h 2, filter_width 3, filter_height 4, fused_activation_function 5.
        const common = {
          name,
          input: input(),
          output: output(),
          filter: [options?.i32(4, 1) ?? 1, options?.i32(3, 1) ?? 1] as [number, number],
          stride: [options?.i32(2, 1) ?? 1, options?.i32(1, 1) ?? 1] as [number, number],
          padding: this.padding(options?.i8(0) ?? 0),
          activation: this.activationFunction(options?.i8(5) ?? 0, op),
        };
        this.pushOp(code === OP.MAX_POOL_2D ? { ...common, op: 'max_pool', dilation: [1, 1] } : { ...common, op: 'avg_pool' });
        return;
      }
      case OP.RESHAPE:
      case OP.SQUEEZE:
        this.pushOp({ name, op: 'reshape', input: input(), output: output() });
        return;
      case OP.PAD:
      case OP.PADV2: {
        const paddings = this.integers(this.optionalTensor(op.inputs[1], op, 'paddings'), op, 'paddings');
        const inputTensor = this.tensorAt(op.inputs[0], op, 'input');
        if (paddings.length !== 8 || this.shapeOf(inputTensor).length !== 4)
          this.fail(`operator ${op.index} (${kind}): npusim pads 4-D NHWC tensors, got paddings [${paddings.join(',')}]`);
        const [n0, n1, top = 0, bottom = 0, left = 0, right = 0, c0, c1] = paddings;
        if (n0 !== 0 || n1 !== 0 || c0 !== 0 || c1 !== 0)
          this.fail(
            `operator ${op.index} (${kind}): pads the batch or channel axis (paddings [${paddings.join(',')}]); npusim pads height and width`,
          );
        if ([top, bottom, left, right].some((p) => p < 0))
          this.fail(`operator ${op.index} (${kind}): negative paddings [${paddings.join(',')}]`);
        if (this.float) {
          this.floatPadValue(code === OP.PADV2 ? op.inputs[2] : undefined, op);
          this.pushOp({ name, op: 'pad', input: input(), output: output(), padding: { top, left, bottom, right } });
          return;
        }
        const inputQuant = inputTensor.quantization;
        const zeroPoint = Number(inputQuant?.zeroPoints[0] ?? 0n);
        const outZeroPoint = Number(out.quantization?.zeroPoints[0] ?? 0n);
        if (zeroPoint !== outZeroPoint)
          this.fail(
            `operator ${op.index} (${kind}): pads with the output zero point ${outZeroPoint}, which differs from the input's ${zeroPoint}`,
          );
        if (code === OP.PADV2 && op.inputs[2] !== undefined && op.inputs[2] >= 0) {
          const constant = this.constantBytes(this.tensorAt(op.inputs[2], op, 'constant'));
          const value = constant === undefined ? undefined : new DataView(constant.buffer, constant.byteOffset).getInt8(0);
          if (value !== zeroPoint)
            this.fail(
              `operator ${op.index} (${kind}): pads with ${value}, not the zero point ${zeroPoint}; npusim pads with the zero point`,
            );
        }
        const padding: ExplicitPadding = { top, left, bottom, right };
        this.pushOp({ name, op: 'pad', input: input(), output: output(), padding });
        return;
      }
      case OP.TRANSPOSE: {
        const perm = this.integers(this.optionalTensor(op.inputs[1], op, 'permutation'), op, 'permutation');
        this.pushOp({ name, op: 'transpose', input: input(), output: output(), perm });
        return;
      }
      case OP.MEAN: {
        const inputTensor = this.tensorAt(op.inputs[0], op, 'input');
        const rank = this.shapeOf(inputTensor).length;
        const axes = [
          ...new Set(
            this.integers(this.optionalTensor(op.inputs[1], op, 'axes'), op, 'axes').map((axis) => (axis < 0 ? axis + rank : axis)),
          ),
        ].sort((a, b) => a - b);
        if (axes.some((axis) => axis < 0 || axis >= rank))
          this.fail(`operator ${op.index} (${kind}): axes outside the ${rank} axes of the input`);
        this.pushOp({ name, op: 'mean', input: input(), output: output(), axes });
        return;
      }
      case OP.CONCATENATION: {
        // ConcatenationOptions: axis 0, fused_activation_function 1.
        if ((options?.i8(1) ?? 0) !== 0)
          this.fail(`operator ${op.index} (${kind}): a fused activation on a concatenation is not supported`);
        const inputs = op.inputs.map((index, slot) => this.tensorAt(index, op, `input ${slot}`));
        const rank = this.shapeOf(out).length;
        const rawAxis = options?.i32(0) ?? 0;
        const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
        const same = (t: TfliteTensor): boolean =>
          t.quantization?.scales[0] === out.quantization?.scales[0] && t.quantization?.zeroPoints[0] === out.quantization?.zeroPoints[0];
        const differing = this.float ? undefined : inputs.find((t) => !same(t));
        if (differing !== undefined)
          this.fail(
            `operator ${op.index} (${kind}): input "${differing.name}" is quantized differently from the output; TFLite Micro's concatenation copies values and requires one quantization`,
          );
        this.pushOp({ name, op: 'concat', inputs: inputs.map((t) => this.activation(t, op)), output: output(), axis });
        return;
      }
      case OP.QUANTIZE: {
        const inputTensor = this.tensorAt(op.inputs[0], op, 'input');
        if (this.float)
          this.fail(`operator ${op.index} (${kind}): a float model has no QUANTIZE op (this model mixes float and integer tensors)`);
        if (inputTensor.type === TYPE.FLOAT32)
          this.fail(
            `operator ${op.index} (${kind}) quantizes a float32 input; npusim runs integer models: give the model an integer input (quantize it first)`,
          );
        this.pushOp({ name, op: 'quantize', input: input(), output: output() });
        return;
      }
      case OP.SOFTMAX: {
        // SoftmaxOptions: beta 0 (float32).
        const inputTensor = this.tensorAt(op.inputs[0], op, 'input');
        if (!this.float && (inputTensor.type !== TYPE.INT8 || out.type !== TYPE.INT8))
          this.fail(
            `operator ${op.index} (${kind}): npusim imports int8 softmax (int8 in, int8 out), got ${typeName(inputTensor.type)} to ${typeName(out.type)}`,
          );
        this.pushOp({ name, op: 'softmax', input: input(), output: output(), beta: options?.f32(0, 0) ?? 0 });
        return;
      }
      default:
        this.fail(
          `operator ${op.index} (${kind}), which produces tensor ${out.index} "${out.name}", is not supported; npusim imports ${SUPPORTED_TFLITE_OPS.join(', ')}`,
        );
    }
  }

  /** A float PADV2's constant must be 0.0, the value npusim's pad writes in a float model. */
  private floatPadValue(index: number | undefined, op: TfliteOperator): void {
    if (index === undefined || index < 0) return;
    const constant = this.constantBytes(this.tensorAt(index, op, 'constant'));
    const value = constant === undefined ? undefined : new DataView(constant.buffer, constant.byteOffset).getFloat32(0, true);
    if (value !== 0) this.fail(`operator ${op.index} (${this.opName(op)}): pads with ${value}, not 0; npusim pads with zero`);
  }

  /** The inputs, every op and the outputs, by npusim tensor name. */
  translate(): { inputs: string[]; outputs: string[] } {
    const subgraph = this.subgraph;
    if (subgraph.operators.length === 0) this.fail('the model has no operators');
    const inputs = subgraph.inputs.map((index) => {
      const tensor = subgraph.tensors[index];
      if (tensor === undefined) this.fail(`graph input ${index} is not a tensor of the model`);
      return this.activation(tensor, undefined);
    });
    for (const op of subgraph.operators) this.convert(op);
    const outputs = subgraph.outputs.map((index) => {
      const name = this.names.get(index);
      if (name === undefined) this.fail(`graph output tensor ${index} is not produced by any operator`);
      return name;
    });
    return { inputs, outputs };
  }

  /** Every activation in TFLite's own terms, which are npusim's (NHWC): an identity view under its TFLite name. */
  private sourceViews(isActivation: (name: string) => boolean): Map<string, SourceTensor> {
    const views = new Map<string, SourceTensor>();
    for (const [index, name] of this.names) {
      const shape = this.tensors[name]?.shape ?? this.floatTensors.get(name)?.shape;
      if (shape === undefined || !isActivation(name)) continue;
      views.set(name, nativeSourceTensor(this.subgraph.tensors[index]?.name ?? name, shape));
    }
    return views;
  }

  runFloat(): FloatGraph {
    const { inputs, outputs } = this.translate();
    return {
      name: this.options.name,
      file: this.file,
      origin: { kind: 'float' },
      inputs,
      outputs,
      tensors: this.floatTensors,
      ops: this.ops as FloatGraph['ops'],
      source: {
        format: 'tflite',
        model: basename(this.file),
        inputs: inputs.map((tensor) => ({ tensor, dtype: 'float32' as const })),
        tensors: this.sourceViews((name) => this.floatTensors.get(name)?.data === undefined),
      },
    };
  }

  run(): TfliteImport {
    const subgraph = this.subgraph;
    const { inputs, outputs } = this.translate();
    const sidecar = new Uint8Array(this.sidecarBytes);
    let offset = 0;
    for (const part of this.sidecarParts) {
      sidecar.set(part, offset);
      offset += part.byteLength;
    }
    const views: NonNullable<GraphFile['source']>['tensors'] = {};
    for (const [name, view] of this.sourceViews((tensor) => this.tensors[tensor]?.data === undefined))
      views[name] = { ...view, shape: [...view.shape], view: [...view.view], permutation: [...view.permutation] };
    const sourceInputs = inputs.map((tensor) => ({
      tensor,
      dtype:
        this.tensors[tensor]?.type === 's16'
          ? ('int16' as const)
          : this.tensors[tensor]?.type === 'u8'
            ? ('uint8' as const)
            : ('int8' as const),
    }));
    return {
      graph: {
        name: this.options.name,
        description: `Imported from the TFLite model ${this.file} by npusim import tflite (${subgraph.operators.length} operators${this.model.description === undefined ? '' : `; ${this.model.description}`})`,
        inputs,
        outputs,
        tensors: this.tensors,
        ops: this.ops,
        quantizedFor: 'tflite-double',
        source: { format: 'tflite', model: basename(this.file), inputs: sourceInputs, tensors: views },
      },
      sidecar,
    };
  }
}

/** The model as an npusim graph file and its sidecar; InputError for anything npusim does not import. */
export function importTfliteModel(model: TfliteModel, file: string, options: TfliteImportOptions): TfliteImport {
  return new Importer(model, file, options).run();
}

/** A float model as the quantization lab's float model; InputError for anything npusim does not import. */
export function importTfliteFloatModel(model: TfliteModel, file: string, options: TfliteImportOptions): FloatGraph {
  return new Importer(model, file, options, true).runFloat();
}
