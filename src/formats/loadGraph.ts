/**
 * Loading a graph: JSON, the schema, then everything a schema cannot say: tensors referenced but
 * not defined, shapes that do not connect, per-channel scale counts, sidecar data, values outside
 * their type. Every message names the file and the JSON path.
 */
import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.js';
import {
  type Graph,
  type GraphOp,
  opMacs,
  type Quantization,
  type SourceModel,
  type SourceTensor,
  type Tensor,
  tensorType,
  typeRange,
} from '../graph/model.js';
import { elementCount, formatShape, sameShape, windowedOutput } from '../graph/shapes.js';
import { didYouMean } from '../messages/didYouMean.js';
import { requireKind } from './fileKind.js';
import { type GraphFile, graphSchema, MAX_SIDECAR_BYTES, type TensorSpec } from './graphSchema.js';

export { MAX_SIDECAR_BYTES };
import { formatJsonPath } from '../messages/jsonPath.js';
import { BYTES_PER_VALUE, DEFAULT_MAX_MEMORY_BYTES, MAX_EXACT_INTEGER, MAX_TENSOR_ELEMENTS } from './bounds.js';
import { formatBytes, readUpTo } from './readFile.js';
import { readJsonFile } from './readJson.js';
import { byteLength, decodeElements } from './sidecar.js';
import { validateWith } from './validate.js';

class GraphChecker {
  private readonly sidecars = new Map<string, Uint8Array>();

  /** The sidecar files read, by absolute path (not those given in memory). */
  sidecarFiles(): string[] {
    return [...this.sidecars.keys()].filter((file) => !this.inMemory.has(file));
  }

  private readonly inMemory = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly graph: GraphFile,
    private readonly options: GraphLoadOptions,
  ) {}

  fail(message: string, path: readonly PropertyKey[]): never {
    throw new InputError(message, this.file, formatJsonPath(path));
  }

  /** The bytes of every sidecar that tensors of this graph read: the furthest end, by file. */
  private sidecarNeeds(): Map<string, number> {
    const needs = new Map<string, number>();
    for (const spec of Object.values(this.graph.tensors)) {
      if (spec.data === undefined || Array.isArray(spec.data)) continue;
      const absolute = resolve(dirname(this.file), spec.data.file);
      const end = spec.data.offset + byteLength(tensorType(spec.type), elementCount(spec.shape));
      needs.set(absolute, Math.max(needs.get(absolute) ?? 0, end));
    }
    return needs;
  }

  /** Reads only what the graph's tensors need of a sidecar, so a device or a huge file cannot exhaust memory. */
  private readSidecar(relative: string, path: readonly PropertyKey[]): Uint8Array {
    const absolute = resolve(dirname(this.file), relative);
    let bytes = this.sidecars.get(absolute);
    const given = this.options.sidecars?.get(relative);
    if (bytes === undefined && given !== undefined) {
      bytes = given;
      this.sidecars.set(absolute, bytes);
      this.inMemory.add(absolute);
    }
    if (bytes === undefined) {
      const needed = this.sidecarNeeds().get(absolute) ?? 0;
      if (!Number.isSafeInteger(needed) || needed > MAX_SIDECAR_BYTES) {
        this.fail(
          `the tensors need ${needed} bytes of sidecar ${relative}; npusim reads sidecars of up to ${MAX_SIDECAR_BYTES} bytes`,
          path,
        );
      }
      try {
        bytes = new Uint8Array(readUpTo(absolute, needed, `the sidecar of ${this.file}`).bytes);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        this.fail(`sidecar file ${absolute}: ${error.message}`, [...path, 'file']);
      }
      this.sidecars.set(absolute, bytes);
    }
    return bytes;
  }

  private quantization(spec: TensorSpec, name: string): Quantization | undefined {
    const path = ['tensors', name, 'quant'];
    const quant = spec.quant;
    if (quant === undefined) return undefined;
    if ('fractionalBits' in quant) return { kind: 'dfp', fractionalBits: quant.fractionalBits, shiftBias: quant.shiftBias ?? 0 };
    const type = tensorType(spec.type);
    const { min, max } = typeRange(type);
    const checkZeroPoint = (zeroPoint: number, at: readonly PropertyKey[]): void => {
      if (zeroPoint < min || zeroPoint > max) this.fail(`zero point ${zeroPoint} is outside the ${spec.type} range ${min}..${max}`, at);
    };
    if (typeof quant.scale === 'number') {
      checkZeroPoint(quant.zeroPoint as number, [...path, 'zeroPoint']);
      return { kind: 'affine', scales: [quant.scale], zeroPoints: [quant.zeroPoint as number], axis: undefined };
    }
    const perChannel = quant as { scale: number[]; zeroPoint: number | number[]; axis: number };
    if (perChannel.axis >= spec.shape.length) {
      this.fail(`axis ${perChannel.axis} does not exist in a tensor of shape ${formatShape(spec.shape)}`, [...path, 'axis']);
    }
    const channels = spec.shape[perChannel.axis] ?? 0;
    if (perChannel.scale.length !== channels) {
      this.fail(
        `expected ${channels} scales (one per channel along axis ${perChannel.axis} of shape ${formatShape(spec.shape)}), got ${perChannel.scale.length}`,
        [...path, 'scale'],
      );
    }
    const zeroPoints = Array.isArray(perChannel.zeroPoint)
      ? perChannel.zeroPoint
      : perChannel.scale.map(() => perChannel.zeroPoint as number);
    if (zeroPoints.length !== channels) {
      this.fail(`expected ${channels} zero points (or one), got ${zeroPoints.length}`, [...path, 'zeroPoint']);
    }
    zeroPoints.forEach((zeroPoint, index) => checkZeroPoint(zeroPoint, [...path, 'zeroPoint', index]));
    return { kind: 'affine', scales: perChannel.scale, zeroPoints, axis: perChannel.axis };
  }

  private data(spec: TensorSpec, name: string): Int32Array | undefined {
    const path = ['tensors', name, 'data'];
    if (spec.data === undefined) return undefined;
    const type = tensorType(spec.type);
    const count = elementCount(spec.shape);
    if (Array.isArray(spec.data)) {
      if (spec.data.length !== count)
        this.fail(`expected ${count} values for shape ${formatShape(spec.shape)}, got ${spec.data.length}`, path);
      const { min, max } = typeRange(type);
      spec.data.forEach((value, index) => {
        if (value < min || value > max) this.fail(`value ${value} is outside the ${spec.type} range ${min}..${max}`, [...path, index]);
      });
      return Int32Array.from(spec.data);
    }
    const bytes = this.readSidecar(spec.data.file, path);
    const needed = byteLength(type, count);
    if (spec.data.offset + needed > bytes.length) {
      this.fail(
        `sidecar ${spec.data.file} is too short: ${count} ${spec.type} values need bytes ${spec.data.offset}..${spec.data.offset + needed - 1}, the file has ${bytes.length}`,
        path,
      );
    }
    return decodeElements(bytes.subarray(spec.data.offset, spec.data.offset + needed), type, count);
  }

  /**
   * Before any data is read: every tensor fits one typed array, and the constants, decoded to
   * 32-bit integers beside the sidecar bytes read, fit the memory limit.
   */
  private checkSizes(): void {
    let constantBytes = 0;
    let largest: { name: string; bytes: number } | undefined;
    for (const [name, spec] of Object.entries(this.graph.tensors)) {
      const count = elementCount(spec.shape);
      if (count > MAX_TENSOR_ELEMENTS) {
        this.fail(
          `shape ${formatShape(spec.shape)} has ${count} elements; npusim holds a tensor in one typed array of at most ${MAX_TENSOR_ELEMENTS} (2^32) elements`,
          ['tensors', name, 'shape'],
        );
      }
      if (spec.data === undefined) continue;
      const bytes = count * BYTES_PER_VALUE + (Array.isArray(spec.data) ? 0 : byteLength(tensorType(spec.type), count));
      constantBytes += bytes;
      if (largest === undefined || bytes > largest.bytes) largest = { name, bytes };
    }
    const limit = this.options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES;
    if (largest !== undefined && constantBytes > limit) {
      this.fail(
        `the graph's constants need about ${formatBytes(constantBytes)} to load (as 32-bit integers, beside the sidecar bytes read), the largest "${largest.name}" ${formatBytes(largest.bytes)}; the memory limit is ${formatBytes(limit)} (--max-memory or NPUSIM_MAX_MEMORY)`,
        ['tensors', largest.name, 'data'],
      );
    }
  }

  tensors(): Map<string, Tensor> {
    this.checkSizes();
    const tensors = new Map<string, Tensor>();
    for (const [name, spec] of Object.entries(this.graph.tensors)) {
      tensors.set(name, {
        name,
        shape: spec.shape,
        type: tensorType(spec.type),
        quant: this.quantization(spec, name),
        data: this.data(spec, name),
      });
    }
    return tensors;
  }
}

type OpPath = readonly PropertyKey[];

/** Checks references, production order and shapes of every op. */
function checkOps(checker: GraphChecker, graph: GraphFile, tensors: ReadonlyMap<string, Tensor>): void {
  const names = [...tensors.keys()];
  const available = new Set<string>();
  graph.inputs.forEach((input, index) => {
    if (!tensors.has(input)) checker.fail(`tensor "${input}" is not defined in $.tensors${didYouMean(input, names)}`, ['inputs', index]);
    if (tensors.get(input)?.data !== undefined) checker.fail(`graph input "${input}" has constant data`, ['inputs', index]);
    available.add(input);
  });
  for (const [name, tensor] of tensors) if (tensor.data !== undefined) available.add(name);
  const opNames = new Map<string, number>();
  const producedBy = new Map<string, number>();
  let totalMacs = 0;
  graph.ops.forEach((op, index) => {
    const path: OpPath = ['ops', index];
    const earlier = opNames.get(op.name);
    if (earlier !== undefined) checker.fail(`op name "${op.name}" is used twice (also $.ops[${earlier}])`, [...path, 'name']);
    opNames.set(op.name, index);
    const get = (name: string, field: readonly PropertyKey[], role: string): Tensor => {
      const tensor = tensors.get(name);
      if (tensor === undefined) checker.fail(`tensor "${name}" is not defined in $.tensors${didYouMean(name, names)}`, [...path, ...field]);
      if (role !== 'output' && !available.has(name)) {
        checker.fail(`tensor "${name}" is read before any op produces it (and it is neither a graph input nor constant)`, [
          ...path,
          ...field,
        ]);
      }
      if (role === 'constant' && tensor.data === undefined)
        checker.fail(`${name} holds the ${field.join('.')} of ${op.op} and needs data`, [...path, ...field]);
      return tensor;
    };
    const output = get(op.output, ['output'], 'output');
    if (available.has(op.output)) {
      const producer = producedBy.get(op.output);
      checker.fail(
        producer === undefined
          ? `tensor "${op.output}" is a graph input or constant and cannot be an op's output`
          : `tensor "${op.output}" is already produced by $.ops[${producer}]`,
        [...path, 'output'],
      );
    }
    checkShapes(checker, op, path, get, output);
    totalMacs = checkExactArithmetic(checker, op, path, tensors, totalMacs);
    available.add(op.output);
    producedBy.set(op.output, index);
  });
  graph.outputs.forEach((name, index) => {
    if (!tensors.has(name)) checker.fail(`tensor "${name}" is not defined in $.tensors${didYouMean(name, names)}`, ['outputs', index]);
    if (!producedBy.has(name)) checker.fail(`graph output "${name}" is not produced by any op`, ['outputs', index]);
  });
}

/**
 * MAC counts and exact partial sums stay within exact integer arithmetic (2^53): a layer's MACs,
 * the graph's, and the largest sum a layer can form, |bias| + K * max|w| * max|x - zp|. Returns the
 * MACs so far.
 */
function checkExactArithmetic(
  checker: GraphChecker,
  op: GraphOp,
  path: OpPath,
  tensors: ReadonlyMap<string, Tensor>,
  macsBefore: number,
): number {
  const macs = opMacs(op, tensors);
  if (macs > MAX_EXACT_INTEGER) {
    checker.fail(`${op.op} "${op.name}" has ${macs} MACs, past 2^53, where counts stop being exact integers`, path);
  }
  const total = macsBefore + macs;
  if (total > MAX_EXACT_INTEGER)
    checker.fail(`the graph's MACs reach ${total} at ${op.op} "${op.name}", past 2^53, where counts stop being exact integers`, path);
  if (op.op === 'conv2d' || op.op === 'depthwise_conv2d' || op.op === 'fully_connected') {
    const weights = tensors.get(op.weights);
    const input = tensors.get(op.input);
    if (weights !== undefined && input !== undefined) {
      const [, kh = 1, kw = 1, channels = 1] = weights.shape;
      const depth = op.op === 'fully_connected' ? (weights.shape[1] ?? 1) : op.op === 'depthwise_conv2d' ? kh * kw : kh * kw * channels;
      const largest = 2 ** 31 + depth * 2 ** (weights.type.bits - 1) * (2 ** input.type.bits - 1);
      if (largest > MAX_EXACT_INTEGER) {
        checker.fail(
          `${op.op} "${op.name}" sums ${depth} products of ${weights.type.name} weights and ${input.type.name} inputs per output: its exact sum can reach about 2^${Math.ceil(Math.log2(largest))}, past 2^53, where npusim's exact arithmetic ends; split the layer or narrow its operands`,
          path,
        );
      }
    }
  }
  return total;
}

type Getter = (name: string, field: readonly PropertyKey[], role: 'activation' | 'constant' | 'output') => Tensor;

function requireRank(checker: GraphChecker, tensor: Tensor, rank: number, path: readonly PropertyKey[], what: string): void {
  if (tensor.shape.length !== rank)
    checker.fail(`${what} "${tensor.name}" must have ${rank} dimensions, got ${formatShape(tensor.shape)}`, path);
}

function expectShape(checker: GraphChecker, output: Tensor, expected: readonly number[], path: readonly PropertyKey[], how: string): void {
  if (!sameShape(output.shape, expected)) {
    checker.fail(`tensor "${output.name}" has shape ${formatShape(output.shape)}, but ${how} gives ${formatShape(expected)}`, [
      ...path,
      'output',
    ]);
  }
}

function checkBias(checker: GraphChecker, get: Getter, bias: string | undefined, channels: number, path: readonly PropertyKey[]): void {
  if (bias === undefined) return;
  const tensor = get(bias, ['bias'], 'constant');
  if (tensor.type.name !== 's32') checker.fail(`bias "${bias}" must be s32, got ${tensor.type.name}`, [...path, 'bias']);
  if (!sameShape(tensor.shape, [channels]))
    checker.fail(`bias "${bias}" must have shape [${channels}], got ${formatShape(tensor.shape)}`, [...path, 'bias']);
}

function checkShapes(checker: GraphChecker, op: GraphOp, path: OpPath, get: Getter, output: Tensor): void {
  switch (op.op) {
    case 'conv2d':
    case 'depthwise_conv2d': {
      const input = get(op.input, ['input'], 'activation');
      const weights = get(op.weights, ['weights'], 'constant');
      requireRank(checker, input, 4, [...path, 'input'], 'input');
      requireRank(checker, weights, 4, [...path, 'weights'], 'weights');
      const [batch = 1, height = 1, width = 1, channels = 1] = input.shape;
      const [outChannels = 1, kh = 1, kw = 1, weightChannels = 1] = weights.shape;
      let produced: number;
      if (op.op === 'conv2d') {
        if (channels % op.groups !== 0 || outChannels % op.groups !== 0) {
          checker.fail(`groups ${op.groups} must divide the ${channels} input and ${outChannels} output channels`, [...path, 'groups']);
        }
        if (weightChannels !== channels / op.groups) {
          checker.fail(
            `weights ${formatShape(weights.shape)} (OHWI) need ${channels / op.groups} input channels per group, got ${weightChannels}`,
            [...path, 'weights'],
          );
        }
        produced = outChannels;
      } else {
        if (outChannels !== 1 || weightChannels !== channels * op.depthMultiplier) {
          checker.fail(
            `depthwise weights must be [1,KH,KW,${channels * op.depthMultiplier}] for ${channels} channels x multiplier ${op.depthMultiplier}, got ${formatShape(weights.shape)}`,
            [...path, 'weights'],
          );
        }
        produced = weightChannels;
      }
      const window = windowedOutput(height, width, [kh, kw], op.stride, op.dilation, op.padding);
      if (window.height < 1 || window.width < 1)
        checker.fail(`a ${kh}x${kw} window does not fit the ${height}x${width} input`, [...path, 'weights']);
      expectShape(
        checker,
        output,
        [batch, window.height, window.width, produced],
        path,
        `${op.op} of ${formatShape(input.shape)} with ${formatShape(weights.shape)}, stride ${formatShape(op.stride)}, padding ${JSON.stringify(op.padding)}`,
      );
      checkBias(checker, get, op.bias, produced, path);
      return;
    }
    case 'fully_connected': {
      const input = get(op.input, ['input'], 'activation');
      const weights = get(op.weights, ['weights'], 'constant');
      requireRank(checker, weights, 2, [...path, 'weights'], 'weights');
      const [outFeatures = 1, depth = 1] = weights.shape;
      const batch = input.shape[0] ?? 1;
      if (elementCount(input.shape) !== batch * depth) {
        checker.fail(
          `input ${formatShape(input.shape)} does not have ${depth} features per batch element for weights ${formatShape(weights.shape)}`,
          [...path, 'input'],
        );
      }
      expectShape(checker, output, [batch, outFeatures], path, `fully_connected with weights ${formatShape(weights.shape)}`);
      checkBias(checker, get, op.bias, outFeatures, path);
      return;
    }
    case 'add': {
      const [a, b] = op.inputs.map((name, index) => get(name, ['inputs', index], 'activation'));
      if (a !== undefined && b !== undefined && !sameShape(a.shape, b.shape)) {
        checker.fail(`inputs have shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}; add needs equal shapes`, [...path, 'inputs']);
      }
      if (a !== undefined) expectShape(checker, output, a.shape, path, 'add');
      return;
    }
    case 'max_pool':
    case 'avg_pool': {
      const input = get(op.input, ['input'], 'activation');
      requireRank(checker, input, 4, [...path, 'input'], 'input');
      const [batch = 1, height = 1, width = 1, channels = 1] = input.shape;
      const window = windowedOutput(height, width, op.filter, op.stride, op.op === 'max_pool' ? op.dilation : [1, 1], op.padding);
      if (window.height < 1 || window.width < 1)
        checker.fail(`a ${op.filter.join('x')} window does not fit the ${height}x${width} input`, [...path, 'filter']);
      expectShape(
        checker,
        output,
        [batch, window.height, window.width, channels],
        path,
        `${op.op} ${op.filter.join('x')} stride ${formatShape(op.stride)}`,
      );
      return;
    }
    case 'global_avg_pool': {
      const input = get(op.input, ['input'], 'activation');
      requireRank(checker, input, 4, [...path, 'input'], 'input');
      expectShape(checker, output, [input.shape[0] ?? 1, 1, 1, input.shape[3] ?? 1], path, 'global_avg_pool');
      return;
    }
    case 'concat': {
      const inputs = op.inputs.map((name, index) => get(name, ['inputs', index], 'activation'));
      const first = inputs[0];
      if (first === undefined) return;
      if (op.axis >= first.shape.length) checker.fail(`axis ${op.axis} does not exist in ${formatShape(first.shape)}`, [...path, 'axis']);
      const expected = [...first.shape];
      inputs.slice(1).forEach((tensor, offset) => {
        const compatible =
          tensor.shape.length === first.shape.length && tensor.shape.every((d, axis) => axis === op.axis || d === first.shape[axis]);
        if (!compatible)
          checker.fail(`input ${formatShape(tensor.shape)} does not match ${formatShape(first.shape)} outside axis ${op.axis}`, [
            ...path,
            'inputs',
            offset + 1,
          ]);
        expected[op.axis] = (expected[op.axis] ?? 0) + (tensor.shape[op.axis] ?? 0);
      });
      expectShape(checker, output, expected, path, `concat along axis ${op.axis}`);
      return;
    }
    case 'reshape': {
      const input = get(op.input, ['input'], 'activation');
      if (elementCount(input.shape) !== elementCount(output.shape)) {
        checker.fail(
          `cannot reshape ${formatShape(input.shape)} (${elementCount(input.shape)} elements) to ${formatShape(output.shape)} (${elementCount(output.shape)})`,
          [...path, 'output'],
        );
      }
      return;
    }
    case 'pad': {
      const input = get(op.input, ['input'], 'activation');
      requireRank(checker, input, 4, [...path, 'input'], 'input');
      const [batch = 1, height = 1, width = 1, channels = 1] = input.shape;
      const { top, bottom, left, right } = op.padding;
      expectShape(checker, output, [batch, height + top + bottom, width + left + right, channels], path, 'pad');
      return;
    }
    case 'softmax':
    case 'quantize': {
      const input = get(op.input, ['input'], 'activation');
      expectShape(checker, output, input.shape, path, op.op);
      if (op.op === 'softmax') {
        // TFLite's int8 softmax: its Prepare refuses any other types or output quantization.
        if (input.type.name !== 's8' || input.quant?.kind !== 'affine')
          checker.fail(`softmax takes an s8 input with a scale (TFLite's int8 softmax), got ${input.type.name}`, [...path, 'input']);
        const quant = output.quant;
        if (output.type.name !== 's8' || quant?.kind !== 'affine' || quant.scales[0] !== 1 / 256 || quant.zeroPoints[0] !== -128) {
          checker.fail(
            `softmax writes s8 with scale 1/256 and zero point -128 (TFLite's int8 softmax), got ${output.type.name} ${JSON.stringify(output.quant)}`,
            [...path, 'output'],
          );
        }
        // TFLite's PreprocessSoftmaxScaling takes a multiplier above one (QuantizeMultiplierGreaterThanOne).
        const inputScale = input.quant?.kind === 'affine' ? (input.quant.scales[0] ?? 0) : 0;
        if (!(op.beta * inputScale * 2 ** 26 > 1))
          checker.fail(
            `softmax: beta x input scale x 2^26 = ${op.beta * inputScale * 2 ** 26} must exceed 1 (TFLite's softmax input multiplier)`,
            [...path, 'beta'],
          );
      }
      return;
    }
    case 'mean': {
      const input = get(op.input, ['input'], 'activation');
      op.axes.forEach((axis, index) => {
        if (axis >= input.shape.length)
          checker.fail(`axis ${axis} does not exist in ${formatShape(input.shape)}`, [...path, 'axes', index]);
        if (index > 0 && axis <= (op.axes[index - 1] ?? -1)) checker.fail('axes must increase', [...path, 'axes', index]);
      });
      const kept = input.shape.map((d, axis) => (op.axes.includes(axis) ? 1 : d));
      const dropped = input.shape.filter((_, axis) => !op.axes.includes(axis));
      if (!sameShape(output.shape, kept) && !sameShape(output.shape, dropped.length === 0 ? [1] : dropped)) {
        checker.fail(
          `mean over axes [${op.axes.join(',')}] of ${formatShape(input.shape)} gives ${formatShape(kept)} (or ${formatShape(dropped)} without the reduced axes), not ${formatShape(output.shape)}`,
          [...path, 'output'],
        );
      }
      return;
    }
    case 'transpose': {
      const input = get(op.input, ['input'], 'activation');
      const sorted = [...op.perm].sort((a, b) => a - b);
      if (op.perm.length !== input.shape.length || sorted.some((axis, index) => axis !== index)) {
        checker.fail(`perm [${op.perm.join(',')}] is not a permutation of the ${input.shape.length} axes of ${formatShape(input.shape)}`, [
          ...path,
          'perm',
        ]);
      }
      expectShape(
        checker,
        output,
        op.perm.map((axis) => input.shape[axis] ?? 1),
        path,
        `transpose [${op.perm.join(',')}]`,
      );
      return;
    }
  }
}

export interface GraphLoadOptions {
  /** The memory the graph's constants may take once loaded (default DEFAULT_MAX_MEMORY_BYTES). */
  readonly maxMemoryBytes?: number;
  /** Sidecars held in memory, by the name the graph's data references give (a zoo network being built). */
  readonly sidecars?: ReadonlyMap<string, Uint8Array>;
}

/** The source model section: every view names a tensor of the graph and holds exactly its elements. */
function sourceModel(checker: GraphChecker, graph: GraphFile, tensors: ReadonlyMap<string, Tensor>): SourceModel | undefined {
  const source = graph.source;
  if (source === undefined) return undefined;
  const views = new Map<string, SourceTensor>();
  for (const [name, view] of Object.entries(source.tensors)) {
    const path = ['source', 'tensors', name];
    const tensor = tensors.get(name);
    if (tensor === undefined) checker.fail(`"${name}" is not a tensor of the graph`, path);
    const count = elementCount(tensor.shape);
    const sorted = [...view.permutation].sort((a, b) => a - b);
    if (view.permutation.length !== view.view.length || sorted.some((axis, index) => axis !== index))
      checker.fail(`permutation [${view.permutation.join(',')}] is not a permutation of the ${view.view.length} axes of the view`, [
        ...path,
        'permutation',
      ]);
    for (const [key, shape] of [
      ['view', view.view],
      ['shape', view.shape],
    ] as const)
      if (elementCount(shape) !== count)
        checker.fail(`${formatShape(shape)} holds ${elementCount(shape)} elements; tensor "${name}" holds ${count}`, [...path, key]);
    views.set(name, view);
  }
  source.inputs.forEach((input, index) => {
    if (!graph.inputs.includes(input.tensor))
      checker.fail(`"${input.tensor}" is not an input of the graph`, ['source', 'inputs', index, 'tensor']);
    if (!views.has(input.tensor))
      checker.fail(`input "${input.tensor}" has no entry in source.tensors`, ['source', 'inputs', index, 'tensor']);
  });
  return { format: source.format, model: source.model, inputs: source.inputs, tensors: views };
}

/** Checks a schema-valid graph and resolves it. */
export function resolveGraph(graph: GraphFile, file: string, options: GraphLoadOptions = {}): Graph {
  const checker = new GraphChecker(file, graph, options);
  const tensors = checker.tensors();
  checkOps(checker, graph, tensors);
  const source = sourceModel(checker, graph, tensors);
  return {
    name: graph.name,
    file,
    sourceFiles: [file, ...checker.sidecarFiles()],
    inputs: graph.inputs,
    outputs: graph.outputs,
    tensors,
    ops: graph.ops,
    ...(graph.quantizedFor === undefined ? {} : { quantizedFor: graph.quantizedFor }),
    ...(source === undefined ? {} : { source }),
    ...(graph.quantizedFrom === undefined
      ? {}
      : { quantizedFrom: { model: graph.quantizedFrom.model, scheme: { ...graph.quantizedFrom.scheme } } }),
  };
}

export function loadGraphFile(file: string, options: GraphLoadOptions = {}): Graph {
  const data = readJsonFile(file, 'a graph (JSON)');
  requireKind(data, 'graph', file);
  const graph = validateWith(graphSchema, data, file);
  return resolveGraph(graph, file, options);
}
