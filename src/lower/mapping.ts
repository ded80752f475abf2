/**
 * Mapping a layer onto the MAC array (the chain's first stage): the GEMM view (P output pixels, F
 * filters, K window), laid on the array as the dataflow's spec says (src/dataflow/), and how many
 * folds that takes. The result is data: the schedule prints and tests it on its own.
 */
import { type Dataflow, type DataflowAxes, dataflowSpec, type GemmAxis } from '../dataflow/index.js';
import { InputError } from '../errors.js';
import { type ArrayOp, type ConvGeometry, convGeometry } from '../graph/geometry.js';
import type { Tensor } from '../graph/model.js';
import { type Hardware, type OperandMode, operandModeFor } from '../hardware/model.js';
import type { LayerSite } from './site.js';

/** A layer as the array sees it: G independent GEMMs of (P x K) x (K x F). */
export interface GemmShape {
  /** Output pixels (batch x height x width). */
  readonly pixels: number;
  /** Filters per group. */
  readonly filters: number;
  /** Window length per group: KH x KW x input channels per group. */
  readonly depth: number;
  /** Independent groups (1 for a dense layer, C for depthwise). */
  readonly groups: number;
}

export interface ArrayShape {
  readonly rows: number;
  readonly columns: number;
  /** MACs per PE per cycle of the layer's operand mode. */
  readonly macsPerPePerCycle: number;
}

export interface Mapping {
  readonly dataflow: Dataflow;
  /** The GEMM dimension laid along the rows, the columns, and streamed in time. */
  readonly spatialRows: DataflowAxes['rows'];
  readonly spatialColumns: DataflowAxes['columns'];
  readonly temporal: DataflowAxes['temporal'];
  /** Sizes of those dimensions (per group). */
  readonly rowsDemand: number;
  readonly columnsDemand: number;
  readonly temporalLength: number;
  /** Rows available to the row dimension: rows x MACs per PE when a PE packs several narrow operands. */
  readonly rowCapacity: number;
  /** Groups packed block-diagonally into one fold (depthwise and grouped layers). */
  readonly groupsPerFold: number;
  readonly rowFolds: number;
  readonly columnFolds: number;
  /** Folds over all groups: rowFolds x columnFolds x ceil(groups / groupsPerFold). */
  readonly folds: number;
  /** Cycles one MAC step takes (1, or 1/macsPerPePerCycle for operands wider than the PE). */
  readonly cyclesPerStep: number;
  /** Products each K fold holds for the accumulation order (ws, is); undefined for os. */
  readonly kFold: number | undefined;
  /** Useful MACs over PE-cycles of the streamed steps: the mapping's own efficiency. */
  readonly mappingEfficiency: number;
}

/** The GEMM extent along an axis, per group. */
function extent(gemm: GemmShape, axis: GemmAxis): number {
  return axis === 'P' ? gemm.pixels : axis === 'K' ? gemm.depth : gemm.filters;
}

/**
 * Rows one fold gives the row axis. A PE packing several narrow operands adds their products into
 * one sum, so only rows that hold K gain capacity; rows of pixels get one a PE.
 */
export function rowsPerFold(mapping: Pick<Mapping, 'spatialRows' | 'rowCapacity'>, rows: number): number {
  return mapping.spatialRows === 'K' ? mapping.rowCapacity : rows;
}

export function mapLayer(gemm: GemmShape, array: ArrayShape, dataflow: Dataflow): Mapping {
  const spec = dataflowSpec(dataflow);
  const packing = array.macsPerPePerCycle >= 1 ? Math.floor(array.macsPerPePerCycle) : 1;
  const cyclesPerStep = array.macsPerPePerCycle >= 1 ? 1 : 1 / array.macsPerPePerCycle;
  const rowCapacity = array.rows * packing;
  const { rows: spatialRows, columns: spatialColumns, temporal } = spec.axes;
  const [rowsDemand, columnsDemand, temporalLength] = [extent(gemm, spatialRows), extent(gemm, spatialColumns), extent(gemm, temporal)];
  const foldArray = { rowsPerFold: rowsPerFold({ spatialRows, rowCapacity }, array.rows), columns: array.columns };
  const groupsPerFold = spec.groupsPerFold(gemm, foldArray);
  const rowFolds = Math.ceil((rowsDemand * groupsPerFold) / foldArray.rowsPerFold) || 1;
  const columnFolds = Math.ceil((columnsDemand * groupsPerFold) / array.columns) || 1;
  const groupBlocks = Math.ceil(gemm.groups / groupsPerFold);
  const folds = rowFolds * columnFolds * groupBlocks;
  const usefulMacs = nominalMacs(gemm);
  const peSteps = folds * foldArray.rowsPerFold * array.columns * temporalLength;
  return {
    dataflow,
    spatialRows,
    spatialColumns,
    temporal,
    rowsDemand,
    columnsDemand,
    temporalLength,
    rowCapacity,
    groupsPerFold,
    rowFolds,
    columnFolds,
    folds,
    cyclesPerStep,
    kFold: spec.kFold(foldArray),
    mappingEfficiency: usefulMacs / peSteps,
  };
}

/** Nominal MACs: every output times its window, padded taps included. */
export function nominalMacs(gemm: GemmShape): number {
  return gemm.pixels * gemm.filters * gemm.depth * gemm.groups;
}

/** An array op as the map stage leaves it: its tensors, geometry, GEMM view, operand mode and mapping. */
export interface MappedArrayLayer {
  readonly op: ArrayOp;
  readonly input: Tensor;
  readonly weights: Tensor;
  readonly output: Tensor;
  readonly geometry: ConvGeometry;
  readonly gemm: GemmShape;
  readonly operandMode: OperandMode;
  readonly mapping: Mapping;
}

/** The map stage: an array op's GEMM on the machine's array. Throws InputError when the array has no operand mode for it. */
export function mapArrayOp(
  op: ArrayOp,
  tensors: { readonly input: Tensor; readonly weights: Tensor; readonly output: Tensor },
  hardware: Hardware,
  site: LayerSite,
): MappedArrayLayer {
  const { input, weights, output } = tensors;
  const operandMode = operandModeFor(hardware, weights.type.name, input.type.name);
  if (operandMode === undefined) {
    throw new InputError(
      `${op.op} "${op.name}" needs operand mode ${weights.type.name}x${input.type.name}, which ${hardware.name} (${hardware.file}) does not support`,
      site.graphFile,
      site.path,
    );
  }
  const geometry = convGeometry(op, input, weights, output);
  const groups = op.op === 'conv2d' ? op.groups : op.op === 'depthwise_conv2d' ? geometry.inChannels : 1;
  const gemm: GemmShape = {
    pixels: geometry.batch * geometry.outHeight * geometry.outWidth,
    filters: geometry.groupOutputs,
    depth: geometry.kernelHeight * geometry.kernelWidth * geometry.groupChannels,
    groups,
  };
  const { rows, columns, dataflow } = hardware.array;
  const mapping = mapLayer(gemm, { rows, columns, macsPerPePerCycle: operandMode.macsPerPePerCycle }, dataflow);
  return { op, input, weights, output, geometry, gemm, operandMode, mapping };
}
