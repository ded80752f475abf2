/**
 * Mapping a layer onto the MAC array: the GEMM view (P output pixels, F filters, K window), which
 * dimension each dataflow makes spatial, how many folds that takes, and how grouped and depthwise
 * layers pack onto the array. The result is data: the schedule prints and tests it on its own.
 */
import type { Dataflow } from '../hardware/model.js';

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
  readonly spatialRows: 'K' | 'P';
  readonly spatialColumns: 'F' | 'P';
  readonly temporal: 'P' | 'K' | 'F';
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

export function mapLayer(gemm: GemmShape, array: ArrayShape, dataflow: Dataflow): Mapping {
  const packing = array.macsPerPePerCycle >= 1 ? Math.floor(array.macsPerPePerCycle) : 1;
  const cyclesPerStep = array.macsPerPePerCycle >= 1 ? 1 : 1 / array.macsPerPePerCycle;
  const rowCapacity = array.rows * packing;
  let spatialRows: Mapping['spatialRows'];
  let spatialColumns: Mapping['spatialColumns'];
  let temporal: Mapping['temporal'];
  let rowsDemand: number;
  let columnsDemand: number;
  let temporalLength: number;
  let groupsPerFold = 1;
  switch (dataflow) {
    case 'ws':
      [spatialRows, spatialColumns, temporal] = ['K', 'F', 'P'];
      [rowsDemand, columnsDemand, temporalLength] = [gemm.depth, gemm.filters, gemm.pixels];
      // Block-diagonal packing: each group takes its own K rows and F columns of one fold.
      if (gemm.groups > 1) groupsPerFold = Math.max(1, Math.min(Math.floor(rowCapacity / gemm.depth), Math.floor(array.columns / gemm.filters), gemm.groups));
      break;
    case 'os':
      [spatialRows, spatialColumns, temporal] = ['P', 'F', 'K'];
      [rowsDemand, columnsDemand, temporalLength] = [gemm.pixels, gemm.filters, gemm.depth];
      break;
    case 'is':
      [spatialRows, spatialColumns, temporal] = ['K', 'P', 'F'];
      [rowsDemand, columnsDemand, temporalLength] = [gemm.depth, gemm.pixels, gemm.filters];
      break;
  }
  const rowsPerFold = dataflow === 'os' ? array.rows : rowCapacity;
  const rowFolds = Math.ceil((rowsDemand * groupsPerFold) / rowsPerFold) || 1;
  const columnFolds = Math.ceil((columnsDemand * groupsPerFold) / array.columns) || 1;
  const groupBlocks = Math.ceil(gemm.groups / groupsPerFold);
  const folds = rowFolds * columnFolds * groupBlocks;
  const usefulMacs = gemm.pixels * gemm.filters * gemm.depth * gemm.groups;
  const peSteps = folds * rowsPerFold * array.columns * temporalLength;
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
    kFold: dataflow === 'os' ? undefined : rowCapacity,
    mappingEfficiency: usefulMacs / peSteps,
  };
}
