/**
 * Lowering: a validated graph on a hardware config becomes a schedule, as data. Per layer: the
 * array mapping and its folds, the tiles that fit the SRAM, which activations stay on chip, the
 * memory traffic, the cycles of every unit and the value-independent action counts energy prices.
 * Nothing here looks at tensor values: the engine executes the schedule's order and adds what
 * depends on values (gated MACs, overflow). `npusim schedule` prints it.
 */
import { InputError } from '../errors.js';
import { type ArrayOp, type ConvGeometry, convGeometry, isArrayOp } from '../graph/geometry.js';
import type { Graph, GraphOp, Tensor } from '../graph/model.js';
import { elementCount } from '../graph/shapes.js';
import { type EnergyAction, macAction } from '../hardware/energyActions.js';
import { type Dataflow, type Hardware, operandModeFor, type SramBudget, sramBudget } from '../hardware/model.js';
import { formatJsonPath } from '../messages/jsonPath.js';
import { checkLayerCounts, checkTotalCounts } from './exactCounts.js';
import { type GemmShape, type Mapping, mapLayer } from './mapping.js';
import { planTiles, type TilePlan, tileDemand } from './tiling.js';
import { memoryCycles, NPUSIM_TIMING, type TimingModel, type Traffic, vectorCycles, type VectorOpName } from './timing.js';

export interface LayerCycles {
  /** Array cycles: streaming, fill/drain and stationary loads. */
  readonly compute: number;
  readonly streaming: number;
  readonly fillDrain: number;
  readonly stationaryLoad: number;
  /** Cycles waiting for DRAM or SRAM beyond what double buffering hides. */
  readonly memoryStall: number;
  /**
   * Cycles of the dedicated requantization unit at the array's edge (`requant.unit: "dedicated"`):
   * array layers only. A unit of its own, so it is never counted as vector time.
   */
  readonly requant: number;
  /** Vector unit cycles: requantization when `requant.unit` is `vector`, and the op of a vector layer (pooling, add, pad, concat). */
  readonly vector: number;
  /** Requantization and vector cycles hidden behind the array (array layers; 0 for vector layers). */
  readonly overlap: number;
  /** compute + memoryStall + requant + vector - overlap (docs/cycle-model.md, section 4). */
  readonly total: number;
}

export type ActionCounts = Partial<Record<EnergyAction, number>>;

interface LayerScheduleBase {
  readonly name: string;
  readonly op: GraphOp['op'];
  readonly outputTensor: string;
  readonly outputShape: readonly number[];
  /** Activations read from on-chip SRAM because the layer producing them kept them there. */
  readonly residentInputs: readonly string[];
  /** Whether the output stays on chip for the next layer (it fits, and is not a graph output). */
  readonly outputResident: boolean;
  readonly traffic: Traffic;
  readonly cycles: LayerCycles;
  /** Actions whose counts do not depend on values; the engine splits MACs into gated and not. */
  readonly actions: ActionCounts;
}

export interface ArrayLayerSchedule extends LayerScheduleBase {
  readonly unit: 'array';
  readonly geometry: ConvGeometry;
  readonly gemm: GemmShape;
  readonly operandMode: { readonly weights: string; readonly activations: string; readonly macsPerPePerCycle: number };
  readonly mapping: Mapping;
  readonly tiling: TilePlan;
  /** Nominal MACs: every output times its window, padded taps included. */
  readonly macs: number;
  /** The energy action of one ungated MAC in this operand mode. */
  readonly macAction: EnergyAction;
}

export interface VectorLayerSchedule extends LayerScheduleBase {
  readonly unit: 'vector' | 'none';
  readonly vectorOp: VectorOpName | undefined;
  readonly vectorInstructions: number;
}

export type LayerSchedule = ArrayLayerSchedule | VectorLayerSchedule;

export interface GraphSchedule {
  readonly graph: string;
  readonly hardware: string;
  readonly clockMHz: number;
  readonly dataflow: Dataflow;
  /** What a timeline needs to place transfers and requantization: the DRAM and the requantization unit. */
  readonly dram: { readonly bytesPerCycle: number; readonly latencyCycles: number };
  readonly requantUnit: Hardware['requant']['unit'];
  readonly layers: readonly LayerSchedule[];
}

function bytes(tensor: Tensor): number {
  return Math.ceil((elementCount(tensor.shape) * tensor.type.bits) / 8);
}

function countActions(entries: ReadonlyArray<readonly [EnergyAction, number]>): ActionCounts {
  const actions: ActionCounts = {};
  for (const [action, count] of entries) if (count > 0) actions[action] = (actions[action] ?? 0) + count;
  return actions;
}

const VECTOR_OP: Partial<Record<GraphOp['op'], VectorOpName>> = {
  add: 'add',
  max_pool: 'maxPool',
  avg_pool: 'avgPool',
  global_avg_pool: 'avgPool',
  concat: 'copy',
  pad: 'pad',
  // The ops of imported models: softmax and quantize rescale every element, mean averages, transpose moves.
  softmax: 'requant',
  mean: 'avgPool',
  quantize: 'requant',
  transpose: 'copy',
};

class Lowering {
  /** Activations held on chip after the op that produced them. */
  private readonly resident = new Set<string>();
  private readonly budget: SramBudget;

  constructor(
    private readonly graph: Graph,
    private readonly hardware: Hardware,
    private readonly timing: TimingModel,
  ) {
    this.budget = sramBudget(hardware);
  }

  private get hardwareFile(): string {
    return this.hardware.file;
  }

  lower(): GraphSchedule {
    const layers = this.graph.ops.map((op, index) => {
      const layer = isArrayOp(op) ? this.arrayLayer(op, index) : this.vectorLayer(op);
      checkLayerCounts(layer, index, this.graph.file, this.hardwareFile);
      return layer;
    });
    checkTotalCounts(layers, this.graph.file);
    const { bytesPerCycle, latencyCycles } = this.hardware.memory.dram;
    return {
      graph: this.graph.name,
      hardware: this.hardware.name,
      clockMHz: this.hardware.clockMHz,
      dataflow: this.hardware.array.dataflow,
      dram: { bytesPerCycle, latencyCycles },
      requantUnit: this.hardware.requant.unit,
      layers,
    };
  }

  private tensor(name: string): Tensor {
    const tensor = this.graph.tensors.get(name);
    if (tensor === undefined) throw new InputError(`tensor "${name}" is not defined`, this.graph.file);
    return tensor;
  }

  /** A tensor stays on chip when it fits the SRAM that reads it next (half of a unified SRAM). */
  private fitsOnChip(tensor: Tensor): boolean {
    const { budget } = this;
    return bytes(tensor) <= (budget.unified ? budget.inputs / 2 : budget.inputs);
  }

  private inputTraffic(input: Tensor, rereads: number): number {
    if (this.resident.has(input.name)) return 0;
    return bytes(input) * (this.fitsOnChip(input) ? 1 : rereads);
  }

  private keepOutput(output: Tensor): boolean {
    const keep = this.fitsOnChip(output) && !this.graph.outputs.includes(output.name);
    if (keep) this.resident.add(output.name);
    return keep;
  }

  private arrayLayer(op: ArrayOp, index: number): ArrayLayerSchedule {
    const config = this.hardware;
    const input = this.tensor(op.input);
    const weights = this.tensor(op.weights);
    const output = this.tensor(op.output);
    const path = formatJsonPath(['ops', index]);
    const mode = operandModeFor(config, weights.type.name, input.type.name);
    if (mode === undefined) {
      throw new InputError(`${op.op} "${op.name}" needs operand mode ${weights.type.name}x${input.type.name}, which ${config.name} (${this.hardwareFile}) does not support`, this.graph.file, path);
    }
    const geometry = convGeometry(op, input, weights, output);
    const groups = op.op === 'conv2d' ? op.groups : op.op === 'depthwise_conv2d' ? geometry.inChannels : 1;
    const gemm: GemmShape = {
      pixels: geometry.batch * geometry.outHeight * geometry.outWidth,
      filters: geometry.groupOutputs,
      depth: geometry.kernelHeight * geometry.kernelWidth * geometry.groupChannels,
      groups,
    };
    const { rows, columns, dataflow } = config.array;
    const mapping = mapLayer(gemm, { rows, columns, macsPerPePerCycle: mode.macsPerPePerCycle }, dataflow);
    const bits = { weightBits: weights.type.bits, activationBits: input.type.bits, outputBits: output.type.bits, accumulatorBits: config.accumulator.bits };
    const tiling = planTiles(mapping, tileDemand(mapping, rows, columns, bits), this.budget, config.memory.doubleBuffering);
    if (tiling === undefined) {
      const demand = tileDemand(mapping, rows, columns, bits);
      const { budget } = this;
      const holds = budget.unified ? `the unified SRAM holds ${budget.inputs}` : `the SRAMs hold ${budget.weights}, ${budget.inputs} and ${budget.outputs}`;
      throw new InputError(
        `${op.op} "${op.name}" cannot be tiled into the memory of ${this.hardwareFile}: one step of one fold needs ${Math.ceil(demand.fixed.weights + demand.perStep.weights)} bytes of weights, ${Math.ceil(demand.fixed.inputs + demand.perStep.inputs)} of inputs and ${Math.ceil(demand.fixed.outputs + demand.perStep.outputs)} of outputs${config.memory.doubleBuffering ? ', twice over with double buffering' : ''}; ${holds}`,
        this.graph.file,
        path,
      );
    }
    const macs = gemm.pixels * gemm.filters * gemm.depth * gemm.groups;
    const outputs = elementCount(output.shape);
    const folded = mapping.kFold !== undefined;
    const accumulatorBytes = Math.ceil(config.accumulator.bits / 8);
    const weightRereads = dataflow === 'os' ? mapping.rowFolds : dataflow === 'is' ? mapping.columnFolds : 1;
    const inputRereads = dataflow === 'is' ? 1 : mapping.columnFolds;
    const weightsFit = bytes(weights) <= this.budget.weights;
    const streamedInputBytes = Math.ceil((macs / Math.max(1, geometry.groupOutputs)) * (input.type.bits / 8));
    const partialSumBytes = folded ? (mapping.rowFolds - 1) * outputs * accumulatorBytes : 0;
    const residentInputs = this.resident.has(input.name) ? [input.name] : [];
    const dramReadBytes = bytes(weights) * (weightsFit ? 1 : weightRereads) + this.inputTraffic(input, inputRereads);
    const outputResident = this.keepOutput(output);
    const traffic: Traffic = {
      dramReadBytes,
      dramWriteBytes: outputResident ? 0 : bytes(output),
      sramReadBytes: bytes(weights) * weightRereads + streamedInputBytes + partialSumBytes,
      sramWriteBytes: bytes(output) + partialSumBytes,
      dramTransfers: tiling.tiles,
    };
    // Only the cycles depend on the timing model; mapping, tiles and traffic stay npusim's (energy).
    const { compute, memoryStall } = this.timing.arrayCycles({ op, geometry, mapping, traffic, hardware: config, graphFile: this.graph.file, path });
    const requantOnVector = config.requant.unit === 'vector';
    // Requantization runs on one unit or the other: the vector unit over the int32 accumulators
    // (4 bytes each), or the dedicated unit at outputsPerCycle (default: one a column).
    const vector = requantOnVector ? vectorCycles(config, 'requant', outputs * 4) : { instructions: 0, cycles: 0 };
    const requant = requantOnVector ? 0 : Math.ceil(outputs / config.requant.outputsPerCycle);
    const arrayBusy = compute.total + memoryStall;
    // Requantization drains behind the array as outputs leave it, so only what outlasts the array shows.
    const overlap = Math.min(requant + vector.cycles, arrayBusy);
    const cycles: LayerCycles = {
      compute: compute.total,
      streaming: compute.streaming,
      fillDrain: compute.fillDrain,
      stationaryLoad: compute.stationaryLoad,
      memoryStall,
      requant,
      vector: vector.cycles,
      overlap,
      total: arrayBusy + requant + vector.cycles - overlap,
    };
    let action: EnergyAction;
    try {
      action = macAction(weights.type.bits, input.type.bits);
    } catch {
      throw new InputError(`${op.op} "${op.name}": the energy tables price MACs of 4, 8 and 16-bit operands; ${weights.type.name} x ${input.type.name} has no entry`, this.graph.file, path);
    }
    const merges = folded ? outputs * mapping.rowFolds : 0;
    const actions = countActions([
      [action, macs],
      ['accumulator.add.bit', (macs + merges + outputs) * config.accumulator.bits],
      ['sram.read.byte', traffic.sramReadBytes],
      ['sram.write.byte', traffic.sramWriteBytes],
      ['dram.read.byte', traffic.dramReadBytes],
      ['dram.write.byte', traffic.dramWriteBytes],
      requantOnVector ? ['vector.op.byte', vector.instructions * config.vector.vectorBytes] : ['requant.output', outputs],
    ]);
    return {
      unit: 'array',
      name: op.name,
      op: op.op,
      outputTensor: op.output,
      outputShape: output.shape,
      residentInputs,
      outputResident,
      geometry,
      gemm,
      operandMode: mode,
      mapping,
      tiling,
      macs,
      macAction: action,
      traffic,
      cycles,
      actions,
    };
  }

  private vectorLayer(op: Exclude<GraphOp, ArrayOp>): VectorLayerSchedule {
    const config = this.hardware;
    const output = this.tensor(op.output);
    const inputs = (op.op === 'add' || op.op === 'concat' ? op.inputs : [op.input]).map((name) => this.tensor(name));
    const reshape = op.op === 'reshape';
    const vectorOp = VECTOR_OP[op.op];
    const readBytes = inputs.reduce((total, tensor) => total + bytes(tensor), 0);
    const vector = vectorOp === undefined ? { instructions: 0, cycles: 0 } : vectorCycles(config, vectorOp, readBytes);
    const residentInputs = inputs.filter((tensor) => this.resident.has(tensor.name)).map((tensor) => tensor.name);
    const dramReadBytes = inputs.reduce((total, tensor) => total + this.inputTraffic(tensor, 1), 0);
    const outputResident = this.keepOutput(output);
    const traffic: Traffic = {
      dramReadBytes,
      dramWriteBytes: outputResident ? 0 : bytes(output),
      sramReadBytes: reshape ? 0 : readBytes,
      sramWriteBytes: reshape ? 0 : bytes(output),
      dramTransfers: 1,
    };
    const memory = memoryCycles(traffic, vector.cycles, config);
    // No array to hide behind: the stall was measured against the vector unit's own time, so the
    // two add (memoryCycles), and nothing overlaps.
    const cycles: LayerCycles = { compute: 0, streaming: 0, fillDrain: 0, stationaryLoad: 0, memoryStall: memory.stall, requant: 0, vector: vector.cycles, overlap: 0, total: vector.cycles + memory.stall };
    const actions = countActions([
      ['vector.op.byte', vector.instructions * config.vector.vectorBytes],
      ['sram.read.byte', traffic.sramReadBytes],
      ['sram.write.byte', traffic.sramWriteBytes],
      ['dram.read.byte', traffic.dramReadBytes],
      ['dram.write.byte', traffic.dramWriteBytes],
    ]);
    return {
      unit: reshape ? 'none' : 'vector',
      name: op.name,
      op: op.op,
      outputTensor: op.output,
      outputShape: output.shape,
      residentInputs,
      outputResident,
      vectorOp,
      vectorInstructions: vector.instructions,
      traffic,
      cycles,
      actions,
    };
  }
}

/**
 * Lowers a checked graph (src/hardware/compatibility.ts) onto the machine, timing array layers with
 * `timing`. Throws InputError (naming the graph file and the op's JSON path) when a layer cannot run
 * there: a fold whose smallest tile does not fit the SRAM, or a count past exact arithmetic.
 */
export function lowerGraph(graph: Graph, hardware: Hardware, timing: TimingModel = NPUSIM_TIMING): GraphSchedule {
  return new Lowering(graph, hardware, timing).lower();
}
