/**
 * What SCALE-Sim v2 does differently per dataflow, in one place: its demand rows, whether a fold
 * preloads its stationary operand through the array, its SRAM access counts (quirks kept, docs/scalesim.md) and
 * the compute utilisation's denominator. The GEMM axes each dataflow lays on the array are
 * npusim's own (src/dataflow/): SCALE-Sim's mapping is the same. The demand rows' builders are
 * in src/scalesim/demandRows.ts, one per dataflow.
 */
import type { ScaleSimDataflow } from './config.js';
import { type DemandContext, type DemandPattern, isDemandPattern, osDemandPattern, wsDemandPattern } from './demandRows.js';

/** A layer's folds and GEMM extents, as the counts below need them. */
export interface FoldCounts {
  readonly rowFolds: number;
  readonly colFolds: number;
  readonly arrayRows: number;
  readonly arrayCols: number;
  /** Output pixels, window length and filters (SCALE-Sim's P, K, F). */
  readonly p: number;
  readonly k: number;
  readonly f: number;
}

export interface ScaleSimDataflowSpec {
  /**
   * Whether each fold first loads its stationary operand (weights or inputs) through the array in
   * R demand rows: a fold then takes 2R + C + T - 2 rows, else R + C + T - 2 (os: outputs start at zero).
   */
  readonly preloadsStationary: boolean;
  /** SRAM IFMAP reads, FILTER reads and OFMAP writes as SCALE-Sim counts them. */
  sramAccesses(counts: FoldCounts): readonly [ifmapReads: number, filterReads: number, ofmapWrites: number];
  /** The cycles one fold's Compute Util % divides by (a fold's rows, plus C - 1 on ws and is: a quirk kept). */
  utilisationCycles(rowsPerFold: number, arrayCols: number): number;
  /** The addresses each demand row asks for and the prefetch layouts (src/scalesim/demandRows.ts). */
  demandPattern(context: DemandContext): DemandPattern;
}

export const SCALE_SIM_DATAFLOWS: Readonly<Record<ScaleSimDataflow, ScaleSimDataflowSpec>> = {
  os: {
    demandPattern: osDemandPattern,
    preloadsStationary: false,
    // Quirk kept: the OFMAP writes count an extra R + C per fold.
    sramAccesses: ({ rowFolds, colFolds, arrayRows: R, arrayCols: C, p, k, f }) => [
      colFolds * p * k,
      rowFolds * k * f,
      p * f + rowFolds * colFolds * (R + C),
    ],
    utilisationCycles: (rowsPerFold) => rowsPerFold,
  },
  ws: {
    demandPattern: wsDemandPattern,
    preloadsStationary: true,
    sramAccesses: ({ rowFolds, colFolds, p, k, f }) => [colFolds * p * k, k * f, rowFolds * p * f],
    utilisationCycles: (rowsPerFold, arrayCols) => rowsPerFold + arrayCols - 1,
  },
  is: {
    demandPattern: isDemandPattern,
    preloadsStationary: true,
    sramAccesses: ({ rowFolds, colFolds, p, k, f }) => [k * p, colFolds * k * f, rowFolds * p * f],
    utilisationCycles: (rowsPerFold, arrayCols) => rowsPerFold + arrayCols - 1,
  },
};

export function scaleSimDataflow(dataflow: ScaleSimDataflow): ScaleSimDataflowSpec {
  return SCALE_SIM_DATAFLOWS[dataflow];
}
