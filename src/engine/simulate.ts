/**
 * One simulation: walks the graph's ops in order, computing every layer's exact integer outputs
 * with the hardware's numerics, its cycles from the mapping and the timing model, the actions an
 * energy table prices, and its overflow events.
 */
import { InputError } from '../errors.js';
import type { LoadedHardware } from '../formats/loadHardware.js';
import type { GraphOp } from '../formats/graphSchema.js';
import { macAction, type EnergyAction } from '../hardware/energyActions.js';
import { type Graph, type Tensor, typeRange } from '../graph/model.js';
import { elementCount, windowedOutput } from '../graph/shapes.js';
import { type Mapping, mapLayer } from '../lower/mapping.js';
import { computeCycles, memoryCycles, sramFor, type Traffic, vectorCycles, type VectorOpName } from '../lower/timing.js';
import { type RequantParams, requantize, stochasticSite } from '../numeric/index.js';
import { priceActions } from './energy.js';
import { convolve, type ConvGeometry } from './kernels/conv.js';
import { addOrt, addTflite, avgPoolTflite, type ClipCounter, clipCounter, globalAvgPoolOrt, maxPool, type PoolGeometry } from './kernels/vector.js';
import { activationBounds, activationRange, channelRequantParams, type FusedActivation, zeroPointOf } from './layerNumerics.js';
import { emptyOverflow, type LayerOverflow } from './overflow.js';
import { seededIntegers } from './random.js';
import type { LayerCycles, LayerResult, SimulationResult } from './result.js';

export interface SimulateOptions {
  /** Values of the graph inputs by name; inputs not given are drawn from `seed`. */
  readonly inputs?: ReadonlyMap<string, Int32Array>;
  /** Seed of the uniform random input values (default 1). */
  readonly seed?: number;
}

const LIBRARY_INT32_MODES = new Set(['gemmlowp', 'tflite-double', 'tflite-single', 'cmsis-nn', 'cmsis-nn-single']);

function bytes(tensor: Tensor): number {
  return Math.ceil((elementCount(tensor.shape) * tensor.type.bits) / 8);
}

function tensorOf(graph: Graph, name: string): Tensor {
  const tensor = graph.tensors.get(name);
  if (tensor === undefined) throw new InputError(`tensor "${name}" is not defined`, graph.file);
  return tensor;
}

class Simulation {
  private readonly values = new Map<string, Int32Array>();
  /** Activations held on chip after the op that produced them. */
  private readonly resident = new Set<string>();
  private readonly layers: LayerResult[] = [];

  constructor(
    private readonly graph: Graph,
    private readonly hardware: LoadedHardware,
    options: SimulateOptions,
  ) {
    for (const [name, tensor] of graph.tensors) if (tensor.data !== undefined) this.values.set(name, tensor.data);
    graph.inputs.forEach((name, index) => {
      const tensor = tensorOf(graph, name);
      const given = options.inputs?.get(name);
      const count = elementCount(tensor.shape);
      if (given !== undefined && given.length !== count) {
        throw new InputError(`input "${name}" needs ${count} values for shape [${tensor.shape.join(',')}], got ${given.length}`, graph.file);
      }
      const { min, max } = typeRange(tensor.type);
      this.values.set(name, given ?? seededIntegers((options.seed ?? 1) + index, count, min, max));
    });
  }

  private get config() {
    return this.hardware.config;
  }

  private valuesOf(name: string): Int32Array {
    const values = this.values.get(name);
    if (values === undefined) throw new Error(`no values for tensor "${name}"`);
    return values;
  }

  /** Whether a tensor stays on chip: it fits the SRAM that will read it next (half a unified SRAM). */
  private fitsOnChip(tensor: Tensor): boolean {
    const sram = sramFor(this.config, 'inputs');
    const budget = 'unified' in this.config.memory.sram ? sram.bytes / 2 : sram.bytes;
    return bytes(tensor) <= budget;
  }

  run(): Omit<SimulationResult, 'smallestSafeAccumulatorBits'> {
    for (const op of this.graph.ops) this.layers.push(this.runOp(op));
    const tensors = new Map<string, Int32Array>();
    for (const [name, values] of this.values) if (this.graph.tensors.get(name)?.data === undefined) tensors.set(name, values);
    return {
      graph: this.graph.name,
      hardware: this.config.name,
      energyTable: this.hardware.energy.name,
      clockMHz: this.config.clockMHz,
      layers: this.layers,
      tensors,
    };
  }

  private runOp(op: GraphOp): LayerResult {
    switch (op.op) {
      case 'conv2d':
      case 'depthwise_conv2d':
      case 'fully_connected':
        return this.arrayLayer(op);
      default:
        return this.vectorLayer(op);
    }
  }

  private inputTraffic(input: Tensor, rereads: number): number {
    if (this.resident.has(input.name)) return 0;
    return bytes(input) * (this.fitsOnChip(input) ? 1 : rereads);
  }

  private outputTraffic(output: Tensor): number {
    const keep = this.fitsOnChip(output) && !this.graph.outputs.includes(output.name);
    if (keep) this.resident.add(output.name);
    return keep ? 0 : bytes(output);
  }

  private arrayLayer(op: Extract<GraphOp, { op: 'conv2d' | 'depthwise_conv2d' | 'fully_connected' }>): LayerResult {
    const config = this.config;
    const input = tensorOf(this.graph, op.input);
    const weights = tensorOf(this.graph, op.weights);
    const output = tensorOf(this.graph, op.output);
    const geometry = this.convGeometry(op, input, weights, output);
    const mode = config.array.operandModes.find((m) => m.weights === weights.type.name && m.activations === input.type.name);
    if (mode === undefined) {
      throw new InputError(`${op.op} "${op.name}" needs operand mode ${weights.type.name}x${input.type.name}, which ${config.name} does not support`, this.graph.file);
    }
    const groups = op.op === 'conv2d' ? op.groups : op.op === 'depthwise_conv2d' ? geometry.inChannels : 1;
    const mapping = mapLayer(
      {
        pixels: geometry.batch * geometry.outHeight * geometry.outWidth,
        filters: geometry.groupOutputs,
        depth: geometry.kernelHeight * geometry.kernelWidth * geometry.groupChannels,
        groups,
      },
      { rows: config.array.rows, columns: config.array.columns, macsPerPePerCycle: mode.macsPerPePerCycle },
      config.array.dataflow,
    );
    let requant: RequantParams[];
    try {
      requant = channelRequantParams(config, input, weights, output, geometry.outChannels, op.op === 'fully_connected' && weights.quant?.kind === 'affine' && weights.quant.scales.length === 1);
    } catch (error) {
      throw new InputError(`${op.op} "${op.name}": ${(error as Error).message}`, this.graph.file);
    }
    const range = activationRange(output, op.activation as FusedActivation);
    const { rounding, stochasticSeed } = config.requant;
    const result = convolve({
      geometry,
      input: this.valuesOf(op.input),
      inputZeroPoint: zeroPointOf(input),
      weights: this.valuesOf(op.weights),
      bias: op.bias === undefined ? undefined : this.valuesOf(op.bias),
      accumulator: { bits: config.accumulator.bits, overflow: config.accumulator.overflow, kFold: mapping.kFold },
      requant,
      output: { zeroPoint: zeroPointOf(output), ...typeRange(output.type) },
      activation: range,
      activationBounds: activationBounds(output, op.activation as FusedActivation),
      int32RequantInput: LIBRARY_INT32_MODES.has(config.requant.mode),
      ...(rounding === 'stochastic' ? { stochasticSite: stochasticSite(BigInt(stochasticSeed ?? 0), `${op.name}/requant`) } : {}),
    });
    this.values.set(op.output, result.output);

    const compute = computeCycles(mapping, config);
    const outputs = result.output.length;
    const folded = mapping.kFold !== undefined;
    const accumulatorBytes = Math.ceil(config.accumulator.bits / 8);
    const weightRereads = config.array.dataflow === 'os' ? mapping.rowFolds : config.array.dataflow === 'is' ? mapping.columnFolds : 1;
    const inputRereads = config.array.dataflow === 'is' ? 1 : mapping.columnFolds;
    const weightsFit = bytes(weights) <= sramFor(config, 'weights').bytes;
    const streamedInputBytes = Math.ceil((result.macs / Math.max(1, geometry.groupOutputs)) * (input.type.bits / 8));
    const partialSumBytes = folded ? (mapping.rowFolds - 1) * outputs * accumulatorBytes : 0;
    const traffic: Traffic = {
      dramReadBytes: bytes(weights) * (weightsFit ? 1 : weightRereads) + this.inputTraffic(input, inputRereads),
      dramWriteBytes: this.outputTraffic(output),
      sramReadBytes: bytes(weights) * weightRereads + streamedInputBytes * (config.array.dataflow === 'is' ? 1 : 1) + partialSumBytes,
      sramWriteBytes: bytes(output) + partialSumBytes,
      dramTransfers: mapping.folds,
    };
    const memory = memoryCycles(traffic, compute.total, config);
    const requantOnVector = config.requant.unit === 'vector';
    const vector = requantOnVector
      ? vectorCycles(config, 'requant', outputs * 4)
      : { instructions: 0, cycles: Math.ceil(outputs / (config.requant.outputsPerCycle ?? config.array.columns)) };
    const arrayBusy = compute.total + memory.stall;
    const overlap = Math.min(vector.cycles, arrayBusy);
    const cycles: LayerCycles = {
      compute: compute.total,
      streaming: compute.streaming,
      fillDrain: compute.fillDrain,
      stationaryLoad: compute.stationaryLoad,
      memoryStall: memory.stall,
      vector: vector.cycles,
      overlap,
      total: arrayBusy + vector.cycles - overlap,
    };

    const gated = config.array.zeroGating ? result.zeroOperandMacs : 0;
    const actions: Partial<Record<EnergyAction, number>> = {};
    const add = (action: EnergyAction, count: number) => {
      if (count > 0) actions[action] = (actions[action] ?? 0) + count;
    };
    add(macAction(weights.type.bits, input.type.bits), result.macs - gated);
    add('mac.gated', gated);
    const merges = folded ? outputs * mapping.rowFolds : 0;
    add('accumulator.add.bit', (result.macs + merges + outputs) * config.accumulator.bits);
    add('sram.read.byte', traffic.sramReadBytes);
    add('sram.write.byte', traffic.sramWriteBytes);
    add('dram.read.byte', traffic.dramReadBytes);
    add('dram.write.byte', traffic.dramWriteBytes);
    if (requantOnVector) add('vector.op.byte', vector.instructions * config.vector.vectorBytes);
    else add('requant.output', outputs);

    const peCapacity = config.array.rows * config.array.columns * mode.macsPerPePerCycle;
    return {
      name: op.name,
      op: op.op,
      outputTensor: op.output,
      outputShape: output.shape,
      unit: 'array',
      macs: result.macs,
      mapping,
      cycles,
      utilization: result.macs / (cycles.total * peCapacity),
      actions,
      energy: priceActions(actions, this.hardware.energy),
      overflow: result.overflow,
      accumulatorBits: config.accumulator.bits,
    };
  }

  private convGeometry(op: Extract<GraphOp, { op: 'conv2d' | 'depthwise_conv2d' | 'fully_connected' }>, input: Tensor, weights: Tensor, output: Tensor): ConvGeometry {
    if (op.op === 'fully_connected') {
      const batch = input.shape[0] ?? 1;
      const depth = weights.shape[1] ?? 1;
      const outputs = weights.shape[0] ?? 1;
      return { batch, inHeight: 1, inWidth: 1, inChannels: depth, outHeight: 1, outWidth: 1, outChannels: outputs, kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padTop: 0, padLeft: 0, groupChannels: depth, groupOutputs: outputs, depthwise: false };
    }
    const [batch = 1, inHeight = 1, inWidth = 1, inChannels = 1] = input.shape;
    const [, outHeight = 1, outWidth = 1, outChannels = 1] = output.shape;
    const [, kernelHeight = 1, kernelWidth = 1, weightChannels = 1] = weights.shape;
    const window = windowedOutput(inHeight, inWidth, [kernelHeight, kernelWidth], op.stride, op.dilation, op.padding);
    const depthwise = op.op === 'depthwise_conv2d';
    return {
      batch, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, kernelHeight, kernelWidth,
      strideHeight: op.stride[0], strideWidth: op.stride[1], dilationHeight: op.dilation[0], dilationWidth: op.dilation[1],
      padTop: window.padding.top, padLeft: window.padding.left,
      groupChannels: depthwise ? 1 : weightChannels,
      groupOutputs: depthwise ? op.depthMultiplier : outChannels / op.groups,
      depthwise,
    };
  }

  private vectorLayer(op: Exclude<GraphOp, { op: 'conv2d' | 'depthwise_conv2d' | 'fully_connected' }>): LayerResult {
    const config = this.config;
    const output = tensorOf(this.graph, op.output);
    const activation = 'activation' in op ? (op.activation as FusedActivation) : 'none';
    const counter = clipCounter(typeRange(output.type), activationBounds(output, activation));
    const mode = config.requant.mode;
    const library = mode === 'ort-float' ? 'ort' : 'tflite';
    const inputNames = op.op === 'add' || op.op === 'concat' ? op.inputs : [op.input];
    const inputs = inputNames.map((name) => tensorOf(this.graph, name));
    let values: Int32Array;
    let vectorOp: VectorOpName;
    const scaleOf = (tensor: Tensor): number => {
      if (tensor.quant?.kind === 'affine') return tensor.quant.scales[0] ?? 1;
      if (tensor.quant?.kind === 'dfp') return 2 ** -(tensor.quant.fractionalBits + tensor.quant.shiftBias);
      return 1;
    };
    const first = inputs[0];
    if (first === undefined) throw new Error('an op without inputs');
    switch (op.op) {
      case 'add': {
        const [a, b] = inputs as [Tensor, Tensor];
        const range = activationRange(output, op.activation as FusedActivation);
        const operand = (tensor: Tensor) => ({ data: this.valuesOf(tensor.name), scale: scaleOf(tensor), zeroPoint: zeroPointOf(tensor) });
        values =
          library === 'ort'
            ? addOrt(operand(a), operand(b), scaleOf(output), zeroPointOf(output), range, counter)
            : addTflite(operand(a), operand(b), scaleOf(output), zeroPointOf(output), range, mode === 'tflite-single' || mode === 'cmsis-nn-single' ? 'single' : 'double', counter);
        vectorOp = 'add';
        break;
      }
      case 'max_pool':
      case 'avg_pool':
      case 'global_avg_pool': {
        const geometry = this.poolGeometry(op, first, output);
        const range = op.op === 'global_avg_pool' ? typeRange(output.type) : activationRange(output, op.activation as FusedActivation);
        const data = this.valuesOf(first.name);
        if (op.op === 'max_pool') {
          values = maxPool(geometry, data, range, typeRange(first.type).min, counter);
        } else if (library === 'ort' && op.op === 'global_avg_pool') {
          values = globalAvgPoolOrt(geometry, data, scaleOf(first), zeroPointOf(first), scaleOf(output), zeroPointOf(output), range, counter);
        } else {
          if (scaleOf(first) !== scaleOf(output) || zeroPointOf(first) !== zeroPointOf(output)) {
            throw new InputError(`${op.op} "${op.name}": the ${mode} mode averages in the input's quantization; give the output the same scale and zero point`, this.graph.file);
          }
          values = avgPoolTflite(geometry, data, range, counter);
        }
        vectorOp = op.op === 'max_pool' ? 'maxPool' : 'avgPool';
        break;
      }
      case 'concat': {
        values = this.concat(op.axis, inputs, output, counter);
        vectorOp = 'copy';
        break;
      }
      case 'reshape':
        values = this.valuesOf(first.name);
        vectorOp = 'copy';
        break;
      case 'pad': {
        values = this.pad(first, output, op.padding);
        vectorOp = 'pad';
        break;
      }
    }
    this.values.set(op.output, values);
    const readBytes = inputs.reduce((total, tensor) => total + bytes(tensor), 0);
    const vector = op.op === 'reshape' ? { instructions: 0, cycles: 0 } : vectorCycles(config, vectorOp, readBytes);
    const traffic: Traffic = {
      dramReadBytes: inputs.reduce((total, tensor) => total + this.inputTraffic(tensor, 1), 0),
      dramWriteBytes: this.outputTraffic(output),
      sramReadBytes: op.op === 'reshape' ? 0 : readBytes,
      sramWriteBytes: op.op === 'reshape' ? 0 : bytes(output),
      dramTransfers: 1,
    };
    const memory = memoryCycles(traffic, vector.cycles, config);
    const cycles: LayerCycles = { compute: 0, streaming: 0, fillDrain: 0, stationaryLoad: 0, memoryStall: memory.stall, vector: vector.cycles, overlap: 0, total: vector.cycles + memory.stall };
    const actions: Partial<Record<EnergyAction, number>> = {};
    const add = (action: EnergyAction, count: number) => {
      if (count > 0) actions[action] = (actions[action] ?? 0) + count;
    };
    add('vector.op.byte', vector.instructions * config.vector.vectorBytes);
    add('sram.read.byte', traffic.sramReadBytes);
    add('sram.write.byte', traffic.sramWriteBytes);
    add('dram.read.byte', traffic.dramReadBytes);
    add('dram.write.byte', traffic.dramWriteBytes);
    const overflow: LayerOverflow = { ...emptyOverflow(), outputClipped: counter.clipped, firstClipped: counter.firstClipped === undefined ? undefined : { output: counter.firstClipped, k: -1 } };
    return {
      name: op.name,
      op: op.op,
      outputTensor: op.output,
      outputShape: output.shape,
      unit: op.op === 'reshape' ? 'none' : 'vector',
      macs: 0,
      mapping: undefined as Mapping | undefined,
      cycles,
      utilization: 0,
      actions,
      energy: priceActions(actions, this.hardware.energy),
      overflow,
      accumulatorBits: config.accumulator.bits,
    };
  }

  private poolGeometry(op: Extract<GraphOp, { op: 'max_pool' | 'avg_pool' | 'global_avg_pool' }>, input: Tensor, output: Tensor): PoolGeometry {
    const [batch = 1, inHeight = 1, inWidth = 1, channels = 1] = input.shape;
    const [, outHeight = 1, outWidth = 1] = output.shape;
    if (op.op === 'global_avg_pool') {
      return { batch, inHeight, inWidth, channels, outHeight, outWidth, filterHeight: inHeight, filterWidth: inWidth, strideHeight: 1, strideWidth: 1, padTop: 0, padLeft: 0 };
    }
    const dilation: readonly [number, number] = op.op === 'max_pool' ? op.dilation : [1, 1];
    const window = windowedOutput(inHeight, inWidth, op.filter, op.stride, dilation, op.padding);
    return {
      batch, inHeight, inWidth, channels, outHeight, outWidth,
      filterHeight: op.filter[0], filterWidth: op.filter[1], strideHeight: op.stride[0], strideWidth: op.stride[1],
      padTop: window.padding.top, padLeft: window.padding.left, dilationHeight: dilation[0], dilationWidth: dilation[1],
    };
  }

  /** Concatenation; an input whose quantization differs from the output's is requantized like a 1x1 identity layer. */
  private concat(axis: number, inputs: readonly Tensor[], output: Tensor, counter: ClipCounter): Int32Array {
    const result = new Int32Array(elementCount(output.shape));
    const outer = output.shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const inner = output.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const outAxis = output.shape[axis] ?? 1;
    const range = typeRange(output.type);
    let offset = 0;
    for (const tensor of inputs) {
      const data = this.valuesOf(tensor.name);
      const axisLength = tensor.shape[axis] ?? 1;
      const same = JSON.stringify(tensor.quant) === JSON.stringify(output.quant);
      const identity = { name: `${tensor.name}:identity`, shape: [1], type: tensor.type, quant: tensor.quant?.kind === 'affine' ? { kind: 'affine' as const, scales: [1], zeroPoints: [0], axis: undefined } : { kind: 'dfp' as const, fractionalBits: 0, shiftBias: 0 }, data: undefined };
      const params = same ? undefined : channelRequantParams(this.config, tensor, identity, output, 1, false)[0];
      const inputZeroPoint = zeroPointOf(tensor);
      for (let o = 0; o < outer; o += 1) {
        for (let a = 0; a < axisLength; a += 1) {
          for (let i = 0; i < inner; i += 1) {
            const value = data[(o * axisLength + a) * inner + i] ?? 0;
            const target = (o * outAxis + offset + a) * inner + i;
            if (params === undefined) {
              result[target] = value;
            } else {
              const requantized = requantize(value - inputZeroPoint, params, { zeroPoint: zeroPointOf(output), ...range });
              // range is the output type's: a clamp here is clipping.
              if (requantized.clipped) {
                counter.clipped += 1;
                if (counter.firstClipped === undefined) counter.firstClipped = target;
              }
              result[target] = requantized.value;
            }
          }
        }
      }
      offset += axisLength;
    }
    return result;
  }

  private pad(input: Tensor, output: Tensor, padding: { top: number; left: number }): Int32Array {
    const [batch = 1, height = 1, width = 1, channels = 1] = input.shape;
    const [, outHeight = 1, outWidth = 1] = output.shape;
    const result = new Int32Array(elementCount(output.shape)).fill(zeroPointOf(input));
    const data = this.valuesOf(input.name);
    for (let n = 0; n < batch; n += 1)
      for (let h = 0; h < height; h += 1)
        for (let w = 0; w < width; w += 1)
          for (let c = 0; c < channels; c += 1)
            result[((n * outHeight + h + padding.top) * outWidth + w + padding.left) * channels + c] = data[((n * height + h) * width + w) * channels + c] ?? 0;
    return result;
  }
}

/** The headroom a run measured: final sums under wrap, every partial sum under saturate. */
function headroomBits(layers: readonly LayerResult[], overflow: 'wrap' | 'saturate'): number {
  return Math.max(16, ...layers.filter((layer) => layer.unit === 'array').map((layer) => (overflow === 'wrap' ? layer.overflow.finalBits : layer.overflow.partialBits)));
}

/** Runs a graph on a hardware config: exact values, cycles, energy and overflow of every layer. */
export function simulate(graph: Graph, hardware: LoadedHardware, options: SimulateOptions = {}): SimulationResult {
  const result = new Simulation(graph, hardware, options).run();
  const { overflow } = hardware.config.accumulator;
  const corrupted = result.layers.some((layer) => layer.overflow.accumulatorFinal > 0 || layer.overflow.requantInputSaturated > 0);
  if (!corrupted) return { ...result, smallestSafeAccumulatorBits: headroomBits(result.layers, overflow) };
  // Overflowed values fed the layers after them; measure the exact network at the widest accumulator.
  const wide = { ...hardware, config: { ...hardware.config, accumulator: { bits: 48, overflow } } };
  const exact = new Simulation(graph, wide, options).run();
  return { ...result, smallestSafeAccumulatorBits: headroomBits(exact.layers, overflow) };
}
