/**
 * Lowering: a validated graph on a hardware config becomes a schedule, as data. Every layer goes
 * through one chain of named stages:
 *
 *   map      the GEMM on the array, as the dataflow's spec lays it (mapping.ts, src/dataflow/)
 *   tile     the runs of the fold's stream that fit the SRAM (tiling.ts)
 *   traffic  the bytes moved, and which activations stay on chip (traffic.ts, residency.ts)
 *   cycles   every unit's cycles; the array's from a TimingModel (cycles.ts, timing.ts)
 *   actions  the value-independent action counts energy prices (actions.ts)
 *
 * Vector layers skip map and tile. Nothing here looks at tensor values: the engine executes the
 * schedule's order and adds what depends on values (gated MACs, overflow). `npusim schedule` prints it.
 */
import { InputError } from '../errors.js';
import { type ArrayOp, type ConvGeometry, isArrayOp } from '../graph/geometry.js';
import type { Graph, GraphOp, Tensor } from '../graph/model.js';
import { elementCount } from '../graph/shapes.js';
import type { EnergyAction } from '../hardware/energyActions.js';
import { type Dataflow, type Hardware, type SramBudget, sramBudget } from '../hardware/model.js';
import { formatJsonPath } from '../messages/jsonPath.js';
import type { RequantMode } from '../numeric/index.js';
import { type ActionCounts, arrayActions, vectorActions } from './actions.js';
import { arrayLayerCycles, type LayerCycles, vectorLayerCycles } from './cycles.js';
import { checkLayerCounts, checkTotalCounts } from './exactCounts.js';
import { type GemmShape, mapArrayOp, type Mapping, nominalMacs } from './mapping.js';
import { Residency, tensorBytes } from './residency.js';
import type { LayerSite } from './site.js';
import { type TilePlan, tileLayer } from './tiling.js';
import { NPUSIM_TIMING, type TimingModel, type VectorOpName } from './timing.js';
import { arrayTraffic, type Traffic, vectorTraffic } from './traffic.js';

export type { ActionCounts, LayerCycles };

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
  /** The requantization mode the graph was quantized for, when it says (graph/model.ts). */
  readonly quantizedFor: RequantMode | undefined;
  readonly hardware: string;
  readonly clockMHz: number;
  readonly dataflow: Dataflow;
  /** The MAC array's shape (a roofline's peak is rows x columns x an operand mode's MACs per PE per cycle). */
  readonly array: { readonly rows: number; readonly columns: number };
  /** What a timeline needs to place transfers and requantization: the DRAM and the requantization unit. */
  readonly dram: { readonly bytesPerCycle: number; readonly latencyCycles: number };
  readonly requantUnit: Hardware['requant']['unit'];
  readonly layers: readonly LayerSchedule[];
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
  private readonly budget: SramBudget;
  private readonly residency: Residency;

  constructor(
    private readonly graph: Graph,
    private readonly hardware: Hardware,
    private readonly timing: TimingModel,
  ) {
    this.budget = sramBudget(hardware);
    this.residency = new Residency(this.budget, graph.outputs);
  }

  lower(): GraphSchedule {
    const layers = this.graph.ops.map((op, index) => {
      const site: LayerSite = { graphFile: this.graph.file, path: formatJsonPath(['ops', index]) };
      const layer = isArrayOp(op) ? this.arrayLayer(op, site) : this.vectorLayer(op);
      checkLayerCounts(layer, index, this.graph.file, this.hardware.file);
      return layer;
    });
    checkTotalCounts(layers, this.graph.file);
    const { bytesPerCycle, latencyCycles } = this.hardware.memory.dram;
    return {
      graph: this.graph.name,
      quantizedFor: this.graph.quantizedFor,
      hardware: this.hardware.name,
      clockMHz: this.hardware.clockMHz,
      dataflow: this.hardware.array.dataflow,
      array: { rows: this.hardware.array.rows, columns: this.hardware.array.columns },
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

  /** map -> tile -> traffic -> cycles -> actions. */
  private arrayLayer(op: ArrayOp, site: LayerSite): ArrayLayerSchedule {
    const { hardware } = this;
    const tensors = { input: this.tensor(op.input), weights: this.tensor(op.weights), output: this.tensor(op.output) };
    const mapped = mapArrayOp(op, tensors, hardware, site);
    const tiling = tileLayer(mapped, hardware, this.budget, site);
    const { traffic, residentInputs, outputResident } = arrayTraffic(mapped, tiling, hardware, this.budget, this.residency);
    const { geometry, mapping, output } = mapped;
    const outputs = elementCount(output.shape);
    // Only the cycles depend on the timing model; mapping, tiles and traffic stay npusim's (energy).
    const { cycles, vectorInstructions } = arrayLayerCycles(
      this.timing,
      { op, geometry, mapping, traffic, hardware, graphFile: site.graphFile, path: site.path },
      outputs,
    );
    const macs = nominalMacs(mapped.gemm);
    const { macAction, actions } = arrayActions(mapped, macs, outputs, traffic, vectorInstructions, hardware, site);
    return {
      unit: 'array',
      name: op.name,
      op: op.op,
      outputTensor: op.output,
      outputShape: output.shape,
      residentInputs,
      outputResident,
      geometry,
      gemm: mapped.gemm,
      operandMode: mapped.operandMode,
      mapping,
      tiling,
      macs,
      macAction,
      traffic,
      cycles,
      actions,
    };
  }

  /** traffic -> cycles -> actions: a vector layer has no mapping or tiles. */
  private vectorLayer(op: Exclude<GraphOp, ArrayOp>): VectorLayerSchedule {
    const { hardware } = this;
    const output = this.tensor(op.output);
    const inputs = (op.op === 'add' || op.op === 'concat' ? op.inputs : [op.input]).map((name) => this.tensor(name));
    const reshape = op.op === 'reshape';
    const vectorOp = VECTOR_OP[op.op];
    const { traffic, residentInputs, outputResident } = vectorTraffic(inputs, output, reshape, this.residency);
    const readBytes = inputs.reduce((total, tensor) => total + tensorBytes(tensor), 0);
    const { cycles, vectorInstructions } = vectorLayerCycles(hardware, vectorOp, readBytes, traffic);
    const actions = vectorActions(traffic, vectorInstructions, hardware);
    return {
      unit: reshape ? 'none' : 'vector',
      name: op.name,
      op: op.op,
      outputTensor: op.output,
      outputShape: output.shape,
      residentInputs,
      outputResident,
      vectorOp,
      vectorInstructions,
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
