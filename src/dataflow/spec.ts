/**
 * What a dataflow is, in one place per dataflow: which GEMM axes it lays along the array's rows and
 * columns and which it streams in time, how grouped layers pack into a fold, the accumulation chunk
 * (K fold) that implies, what a fold keeps on chip and streams, which operands it rereads, and where
 * on the array an add happens (the event clock). Lowering, the engine, SCALE-Sim's fold mapping and
 * docs/cycle-model.md's table all read these specs (src/dataflow/index.ts), so adding a dataflow is
 * its spec file plus its tests.
 */

/** The dataflows npusim models (the list and the spec table are in index.ts). */
export type Dataflow = 'ws' | 'os' | 'is';

/** A GEMM axis of a layer's (P x K) x (K x F) products: output pixels, window length, filters. */
export type GemmAxis = 'P' | 'K' | 'F';

/** The axes a dataflow lays along the rows, along the columns and streams in time. */
export interface DataflowAxes {
  readonly rows: 'K' | 'P';
  readonly columns: 'F' | 'P';
  readonly temporal: GemmAxis;
}

/** The array one fold runs on, seen by a dataflow. */
export interface FoldArray {
  /** Rows the row axis gets: the array's rows, times the operands a PE packs when the rows hold K. */
  readonly rowsPerFold: number;
  readonly columns: number;
}

/** One group of a layer's GEMM as the dataflow packs it (per-group extents). */
export interface GroupedGemm {
  readonly depth: number;
  readonly filters: number;
  readonly groups: number;
}

/** Bytes per SRAM: a fixed part per fold and a part per streamed step. */
export interface TileDemand {
  readonly fixed: { readonly inputs: number; readonly weights: number; readonly outputs: number };
  readonly perStep: { readonly inputs: number; readonly weights: number; readonly outputs: number };
}

/** The part of the array one fold uses (groups packed included), and the bytes of one element of each kind. */
export interface FoldBlock {
  readonly rows: number;
  readonly columns: number;
  readonly weightBytes: number;
  readonly activationBytes: number;
  readonly outputBytes: number;
  /** A partial sum at the accumulator's width, whole bytes. */
  readonly partialSumBytes: number;
}

/** Where one add of one output's accumulation sits, before folding: an array row, column and streamed step. */
export interface EventPlace {
  readonly row: number;
  readonly column: number;
  readonly step: number;
}

/** An add as the event clock sees it: the output's coordinates in its group and the product's position. */
export interface EventSite {
  /** The group's slot inside its fold (0 unless groups pack). */
  readonly slot: number;
  /** Position along K of the product (clamped to the window for merges and final values). */
  readonly position: number;
  readonly pixel: number;
  readonly filter: number;
  /** K and F of one group. */
  readonly depth: number;
  readonly filters: number;
}

export interface DataflowSpec {
  readonly name: Dataflow;
  /** "weight stationary": the words the hardware schema and the docs table use. */
  readonly title: string;
  /** The operand a fold keeps in the PEs while the temporal axis streams. */
  readonly stationary: 'weights' | 'outputs' | 'inputs';
  /** One line for the docs table: what the dataflow keeps still and what it streams. */
  readonly summary: string;
  readonly axes: DataflowAxes;
  /** Groups packed block-diagonally into one fold; the docs table's words in `describeGroups`. */
  groupsPerFold(gemm: GroupedGemm, array: FoldArray): number;
  readonly describeGroups: string;
  /**
   * Products each K fold holds (the accumulation order, docs/numerics.md section 7): K split over
   * the rows folds into partial sums merged in order; undefined when K streams into one accumulator.
   */
  kFold(array: FoldArray): number | undefined;
  /** What one fold keeps on chip and what each streamed step adds (docs/cycle-model.md, section 3.1). */
  tileDemand(block: FoldBlock): TileDemand;
  /** How often a fold order reads the weights and the input from SRAM (and from DRAM when they do not fit). */
  rereads(folds: { readonly rowFolds: number; readonly columnFolds: number }): { readonly weights: number; readonly inputs: number };
  /** The event clock's order: the array row, column and step an add of (pixel, filter, position) happens at. */
  place(site: EventSite): EventPlace;
}
