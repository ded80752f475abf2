/**
 * One simulation: walks the graph's ops in order, computing every layer's exact integer outputs
 * with the hardware's numerics, its cycles from the mapping and the timing model, the actions an
 * energy table prices, and its overflow events.
 */
import { InputError } from '../errors.js';
import { type ArrayOp, isArrayOp, poolGeometry } from '../graph/geometry.js';
import { type Graph, type Tensor, typeRange } from '../graph/model.js';
import type { FusedActivation, GraphOp } from '../graph/ops.js';
import { realScaleOf } from '../graph/quantization.js';
import { elementCount } from '../graph/shapes.js';
import type { EnergyAction } from '../hardware/energyActions.js';
import { type Hardware, requantSettingOf } from '../hardware/model.js';
import { operandOf } from '../hardware/numerics.js';
import { convolve } from '../kernels/conv.js';
import { emptyOverflow, type LayerOverflow } from '../kernels/overflow.js';
import { type ClipCounter, clipCounter, maxPool } from '../kernels/vector.js';
import { transpose } from '../kernels/layout.js';
import { meanParams, meanTflite } from '../kernels/mean.js';
import { softmaxInt8, softmaxParams } from '../kernels/softmax.js';
import { eventClock } from '../lower/eventClock.js';
import {
  type ActionCounts,
  type ArrayLayerSchedule,
  type GraphSchedule,
  type LayerSchedule,
  lowerGraph,
  type VectorLayerSchedule,
} from '../lower/schedule.js';
import {
  MAX_ACCUMULATOR_BITS,
  multiplierBuild,
  type OverflowMode,
  type RequantParams,
  requantize,
  stochasticSite,
} from '../numeric/index.js';
import type { VectorContext } from '../requant/index.js';
import { priceActions } from './energy.js';
import { bitsNeeded } from './overflowCounters.js';
import {
  activationBounds,
  activationRange,
  channelRequantParams,
  LayerNumericsError,
  takesWideAccumulator,
  zeroPointOf,
} from './layerNumerics.js';
import { seededIntegers } from './random.js';
import type { LayerResult, SimulationResult } from './result.js';

/**
 * What a run learns from the values of one layer: everything in its LayerResult that the schedule
 * cannot give. A values pass can be combined with any schedule whose accumulation order and event
 * clock are the same (src/sweep/reuse.ts says when that is).
 */
export interface LayerValues {
  /** MACs the kernel performed (0 for vector layers). */
  readonly macs: number;
  readonly overflow: LayerOverflow;
  /** MACs with a zero operand, counted from the values whether or not the array gates them. */
  readonly zeroOperandMacs: number;
}

/** The value-dependent half of a simulation: per-layer values, the tensors, and the headroom. */
export interface ValuesPass {
  readonly layers: readonly LayerValues[];
  readonly tensors: ReadonlyMap<string, Int32Array>;
  readonly smallestSafeAccumulatorBits: number;
}

export interface SimulateOptions {
  /** Values of the graph inputs by name; inputs not given are drawn from `seed`. */
  readonly inputs?: ReadonlyMap<string, Int32Array>;
  /** Seed of the uniform random input values (default 1). */
  readonly seed?: number;
  /**
   * Called after each layer with the work done and the work in all (MACs, plus one per output of a
   * vector layer), and the pass: the run itself, or the exact rerun at 48 bits that measures headroom.
   */
  readonly onProgress?: (done: number, total: number, pass: 'values' | 'headroom rerun') => void;
}

/** Layers from this many MACs on (about a second of work) report progress from inside. */
const PROGRESS_MACS = 500_000_000;

/** The work of a layer, for progress: its MACs, or its outputs for a vector layer. */
function layerWork(layer: LayerSchedule): number {
  return layer.unit === 'array' ? layer.macs : layer.outputShape.reduce((a, b) => a * b, 1);
}

function tensorOf(graph: Graph, name: string): Tensor {
  const tensor = graph.tensors.get(name);
  if (tensor === undefined) throw new InputError(`tensor "${name}" is not defined`, graph.file);
  return tensor;
}

class Simulation {
  private readonly values = new Map<string, Int32Array>();
  private readonly layers: LayerValues[] = [];
  private withinLayer: ((fraction: number) => void) | undefined;

  constructor(
    private readonly graph: Graph,
    private readonly hardware: Hardware,
    private readonly schedule: GraphSchedule,
    options: SimulateOptions,
    private readonly onLayer: (done: number, total: number) => void = () => undefined,
  ) {
    for (const [name, tensor] of graph.tensors) if (tensor.data !== undefined) this.values.set(name, tensor.data);
    graph.inputs.forEach((name, index) => {
      const tensor = tensorOf(graph, name);
      const given = options.inputs?.get(name);
      const count = elementCount(tensor.shape);
      if (given !== undefined && given.length !== count) {
        throw new InputError(
          `input "${name}" needs ${count} values for shape [${tensor.shape.join(',')}], got ${given.length}`,
          graph.file,
        );
      }
      const { min, max } = typeRange(tensor.type);
      this.values.set(name, given ?? seededIntegers((options.seed ?? 1) + index, count, min, max));
    });
  }

  private valuesOf(name: string): Int32Array {
    const values = this.values.get(name);
    if (values === undefined) throw new Error(`no values for tensor "${name}"`);
    return values;
  }

  run(): Omit<ValuesPass, 'smallestSafeAccumulatorBits'> {
    const total = this.schedule.layers.reduce((sum, layer) => sum + layerWork(layer), 0);
    let done = 0;
    this.graph.ops.forEach((op, index) => {
      const layer = this.schedule.layers[index];
      if (layer === undefined) throw new Error(`no schedule for op "${op.name}"`);
      const work = layerWork(layer);
      // A long layer reports from inside, so one huge layer still moves the bar.
      this.withinLayer = work >= PROGRESS_MACS ? (fraction) => this.onLayer(done + Math.floor(fraction * work), total) : undefined;
      this.layers.push(this.runOp(op, layer));
      done += work;
      this.onLayer(done, total);
    });
    const tensors = new Map<string, Int32Array>();
    for (const [name, values] of this.values) if (this.graph.tensors.get(name)?.data === undefined) tensors.set(name, values);
    return { layers: this.layers, tensors };
  }

  private runOp(op: GraphOp, layer: LayerSchedule): LayerValues {
    if (isArrayOp(op) && layer.unit === 'array') return this.arrayLayer(op, layer);
    if (!isArrayOp(op) && layer.unit !== 'array') return this.vectorLayer(op, layer);
    throw new Error(`the schedule of "${op.name}" does not match its op`);
  }

  private arrayLayer(op: ArrayOp, layer: ArrayLayerSchedule): LayerValues {
    const config = this.hardware;
    const input = tensorOf(this.graph, op.input);
    const weights = tensorOf(this.graph, op.weights);
    const output = tensorOf(this.graph, op.output);
    const { geometry, mapping } = layer;
    let requant: RequantParams[];
    try {
      requant = channelRequantParams(
        requantSettingOf(config),
        input,
        weights,
        output,
        geometry.outChannels,
        op.op === 'fully_connected' && weights.quant?.kind === 'affine' && weights.quant.scales.length === 1,
      );
    } catch (error) {
      throw new InputError(`${op.op} "${op.name}": ${(error as Error).message}`, this.graph.file);
    }
    const range = activationRange(output, op.activation as FusedActivation);
    const { rounding, stochasticSeed } = config.requant;
    const result = convolve(
      {
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
        // TFLite's 16x8 layers hand the int64 accumulator to requantization without saturating it to int32.
        int32RequantInput: config.requant.spec.int32RequantInput && !takesWideAccumulator(requantSettingOf(config), input, weights),
        ...(rounding === 'stochastic' ? { stochasticSite: stochasticSite(BigInt(stochasticSeed ?? 0), `${op.name}/requant`) } : {}),
      },
      {
        eventClock: eventClock(mapping, geometry, config.array.rows, config.array.columns),
        accumulators: false,
        ...(this.withinLayer === undefined ? {} : { onProgress: this.withinLayer }),
      },
    );
    this.values.set(op.output, result.output);
    return { macs: result.macs, overflow: result.overflow, zeroOperandMacs: result.zeroOperandMacs };
  }

  private vectorLayer(op: Exclude<GraphOp, ArrayOp>, layer: VectorLayerSchedule): LayerValues {
    try {
      return this.vectorValues(op, layer);
    } catch (error) {
      // A parameter outside what the library's arithmetic takes (a shift out of range) is the graph's.
      if (error instanceof RangeError || error instanceof LayerNumericsError)
        throw new InputError(`${op.op} "${op.name}": ${error.message}`, this.graph.file);
      throw error;
    }
  }

  private vectorValues(op: Exclude<GraphOp, ArrayOp>, layer: VectorLayerSchedule): LayerValues {
    const config = this.hardware;
    const output = tensorOf(this.graph, op.output);
    const activation = 'activation' in op ? op.activation : 'none';
    const counter = clipCounter(typeRange(output.type), activationBounds(output, activation));
    const spec = config.requant.spec;
    const inputNames = op.op === 'add' || op.op === 'concat' ? op.inputs : [op.input];
    const inputs = inputNames.map((name) => tensorOf(this.graph, name));
    let values: Int32Array;
    const first = inputs[0];
    if (first === undefined) throw new Error('an op without inputs');
    const { rounding, stochasticSeed } = config.requant;
    const context = (range: { min: number; max: number }): VectorContext => ({
      range,
      counter,
      setting: requantSettingOf(config),
      site: (label) => (rounding === 'stochastic' ? stochasticSite(BigInt(stochasticSeed ?? 0), `${op.name}/${label}`) : undefined),
    });
    const operand = (tensor: Tensor) => operandOf(tensor, this.valuesOf(tensor.name));
    switch (op.op) {
      case 'add': {
        const [a, b] = inputs as [Tensor, Tensor];
        values = spec.add.run(operand(a), operand(b), operandOf(output), context(activationRange(output, op.activation)));
        break;
      }
      case 'max_pool':
      case 'avg_pool':
      case 'global_avg_pool': {
        const geometry = poolGeometry(op, first, output);
        const range = op.op === 'global_avg_pool' ? typeRange(output.type) : activationRange(output, op.activation);
        values =
          op.op === 'max_pool'
            ? maxPool(geometry, this.valuesOf(first.name), range, typeRange(first.type).min, counter)
            : spec.averagePool.run(geometry, operand(first), operandOf(output), context(range));
        break;
      }
      case 'concat': {
        values = this.concat(op.axis, inputs, output, counter);
        break;
      }
      case 'reshape':
        values = this.valuesOf(first.name);
        break;
      case 'pad': {
        values = this.pad(first, output, op.padding);
        break;
      }
      case 'softmax': {
        const params = softmaxParams(op.beta, operandOf(first).scale, multiplierBuild(config.requant.mode));
        values = softmaxInt8(this.valuesOf(first.name), first.shape[first.shape.length - 1] ?? 1, params);
        break;
      }
      case 'mean': {
        const build = multiplierBuild(config.requant.mode);
        const count = op.axes.reduce((total, axis) => total * (first.shape[axis] ?? 1), 1);
        const params = meanParams(operandOf(first).scale, operandOf(output).scale, count, build);
        values = meanTflite(
          this.valuesOf(first.name),
          first.shape,
          op.axes,
          zeroPointOf(first),
          zeroPointOf(output),
          params,
          build,
          typeRange(output.type),
          counter,
        );
        break;
      }
      case 'quantize':
        values = this.requantizeAll(first, output, counter);
        break;
      case 'transpose':
        values = transpose(this.valuesOf(first.name), first.shape, op.perm);
        break;
    }
    this.values.set(op.output, values);
    const overflow: LayerOverflow = {
      ...emptyOverflow(),
      outputClipped: counter.clipped,
      firstClipped: counter.firstClipped === undefined ? undefined : { output: counter.firstClipped, k: -1 },
      vectorSaturated: counter.saturated,
      firstVectorSaturated: counter.firstSaturated === undefined ? undefined : { output: counter.firstSaturated, k: -1 },
    };
    return { macs: 0, overflow, zeroOperandMacs: 0 };
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
      const identity = {
        name: `${tensor.name}:identity`,
        shape: [1],
        type: tensor.type,
        quant:
          tensor.quant?.kind === 'affine'
            ? { kind: 'affine' as const, scales: [1], zeroPoints: [0], axis: undefined }
            : { kind: 'dfp' as const, fractionalBits: 0, shiftBias: 0 },
        data: undefined,
      };
      const libraryConcat = this.hardware.requant.spec.concat;
      const libraryRescale =
        same || libraryConcat === undefined || tensor.quant?.kind !== 'affine' || output.quant?.kind !== 'affine'
          ? undefined
          : libraryConcat.rescale(
              { scale: realScaleOf(tensor), zeroPoint: zeroPointOf(tensor) },
              { scale: realScaleOf(output), zeroPoint: zeroPointOf(output), ...range },
            );
      const params =
        same || libraryRescale !== undefined
          ? undefined
          : channelRequantParams(requantSettingOf(this.hardware), tensor, identity, output, 1, false)[0];
      const inputZeroPoint = zeroPointOf(tensor);
      for (let o = 0; o < outer; o += 1) {
        for (let a = 0; a < axisLength; a += 1) {
          for (let i = 0; i < inner; i += 1) {
            const value = data[(o * axisLength + a) * inner + i] ?? 0;
            const target = (o * outAxis + offset + a) * inner + i;
            if (libraryRescale !== undefined) {
              if (libraryRescale.clipped(value)) {
                counter.clipped += 1;
                if (counter.firstClipped === undefined) counter.firstClipped = target;
              }
              result[target] = libraryRescale.value(value);
            } else if (params === undefined) {
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

  /** Every element rescaled to the output's quantization, like a 1x1 identity layer (TFLite's Requantize under tflite-double). */
  private requantizeAll(input: Tensor, output: Tensor, counter: ClipCounter): Int32Array {
    const identity = {
      name: `${input.name}:identity`,
      shape: [1],
      type: input.type,
      quant:
        input.quant?.kind === 'affine'
          ? { kind: 'affine' as const, scales: [1], zeroPoints: [0], axis: undefined }
          : { kind: 'dfp' as const, fractionalBits: 0, shiftBias: 0 },
      data: undefined,
    };
    const params = channelRequantParams(requantSettingOf(this.hardware), input, identity, output, 1, false)[0] as RequantParams;
    const data = this.valuesOf(input.name);
    const outputRange = { zeroPoint: zeroPointOf(output), ...typeRange(output.type) };
    const inputZeroPoint = zeroPointOf(input);
    const result = new Int32Array(data.length);
    for (let index = 0; index < data.length; index += 1) {
      const requantized = requantize((data[index] as number) - inputZeroPoint, params, outputRange);
      if (requantized.clipped) {
        counter.clipped += 1;
        if (counter.firstClipped === undefined) counter.firstClipped = index;
      }
      result[index] = requantized.value;
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
            result[((n * outHeight + h + padding.top) * outWidth + w + padding.left) * channels + c] =
              data[((n * height + h) * width + w) * channels + c] ?? 0;
    return result;
  }
}

/** The headroom a run measured: final sums under wrap, every partial sum under saturate. */
function headroomBits(layers: readonly LayerValues[], schedule: GraphSchedule, overflow: OverflowMode): number {
  const arrayLayers = layers.filter((_, index) => schedule.layers[index]?.unit === 'array');
  return Math.max(16, ...arrayLayers.map((layer) => bitsNeeded(layer.overflow, overflow)));
}

/**
 * The values of a graph on a hardware config, executed in the order `schedule` gives (the
 * schedule must be lowerGraph's for this graph and config, or one with the same accumulation order
 * and event clock).
 */
export function computeValues(graph: Graph, hardware: Hardware, schedule: GraphSchedule, options: SimulateOptions = {}): ValuesPass {
  const report = options.onProgress;
  const pass = new Simulation(graph, hardware, schedule, options, report && ((done, total) => report(done, total, 'values'))).run();
  const { overflow } = hardware.accumulator;
  const corrupted = pass.layers.some((layer) => layer.overflow.accumulatorFinal > 0 || layer.overflow.requantInputSaturated > 0);
  if (!corrupted) return { ...pass, smallestSafeAccumulatorBits: headroomBits(pass.layers, schedule, overflow) };
  // Overflowed values fed the layers after them; measure the exact network at the widest accumulator.
  // Only the accumulation order and the event clock of that rerun matter, which npusim's lowering gives
  // whatever timing model the run used.
  const wide: Hardware = { ...hardware, accumulator: { bits: MAX_ACCUMULATOR_BITS, overflow } };
  const wideSchedule = lowerGraph(graph, wide);
  const exact = new Simulation(
    graph,
    wide,
    wideSchedule,
    options,
    report && ((done, total) => report(done, total, 'headroom rerun')),
  ).run();
  return { ...pass, smallestSafeAccumulatorBits: headroomBits(exact.layers, wideSchedule, overflow) };
}

/** The actions a layer performed: the schedule's counts with the MACs a gating array skipped priced apart. */
function layerActions(layer: LayerSchedule, values: LayerValues, zeroGating: boolean): ActionCounts {
  if (layer.unit !== 'array') return layer.actions;
  const gated = zeroGating ? values.zeroOperandMacs : 0;
  const actions: ActionCounts = {};
  for (const [action, count] of Object.entries(layer.actions) as [EnergyAction, number][]) {
    if (action !== layer.macAction) {
      actions[action] = count;
      continue;
    }
    if (count > gated) actions[action] = count - gated;
    if (gated > 0) actions['mac.gated'] = gated;
  }
  return actions;
}

/** One layer's result: its schedule (cycles, mapping, value-independent actions) with its values. */
function layerResult(layer: LayerSchedule, values: LayerValues, hardware: Hardware): LayerResult {
  const config = hardware;
  const actions = layerActions(layer, values, config.array.zeroGating);
  const { cycles } = layer;
  const peCapacity = layer.unit === 'array' ? config.array.rows * config.array.columns * layer.operandMode.macsPerPePerCycle : 0;
  return {
    name: layer.name,
    op: layer.op,
    outputTensor: layer.outputTensor,
    outputShape: layer.outputShape,
    unit: layer.unit,
    macs: values.macs,
    mapping: layer.unit === 'array' ? layer.mapping : undefined,
    cycles,
    utilization: layer.unit === 'array' ? values.macs / (cycles.total * peCapacity) : 0,
    actions,
    energy: priceActions(actions, hardware.energy),
    overflow: values.overflow,
  };
}

/** A simulation result from a point's own schedule and a values pass valid for it. */
export function combineResult(hardware: Hardware, schedule: GraphSchedule, values: ValuesPass): SimulationResult {
  if (values.layers.length !== schedule.layers.length)
    throw new Error(`a values pass of ${values.layers.length} layers cannot combine with a schedule of ${schedule.layers.length}`);
  return {
    graph: schedule.graph,
    hardware: hardware.name,
    energyTable: hardware.energy.name,
    clockMHz: hardware.clockMHz,
    accumulator: { bits: hardware.accumulator.bits, overflow: hardware.accumulator.overflow },
    requant: { mode: hardware.requant.mode, quantizedFor: schedule.quantizedFor },
    layers: schedule.layers.map((layer, index) => layerResult(layer, values.layers[index] as LayerValues, hardware)),
    tensors: values.tensors,
    smallestSafeAccumulatorBits: values.smallestSafeAccumulatorBits,
    schedule,
  };
}

/**
 * Runs a checked graph on the machine in the order of its lowered schedule: exact values, cycles,
 * energy and overflow of every layer. src/pipeline/ checks and lowers; this only executes.
 */
export function runSchedule(graph: Graph, hardware: Hardware, schedule: GraphSchedule, options: SimulateOptions = {}): SimulationResult {
  return combineResult(hardware, schedule, computeValues(graph, hardware, schedule, options));
}
