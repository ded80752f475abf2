/**
 * SCALE-Sim's demand matrices (one row per cycle; cycle-model.md section 5.1), generated a row at a
 * time instead of materialised: for fold (fr, fc) and row t of that fold, the IFMAP and FILTER
 * addresses the array asks for, left to right, and the number of OFMAP words it writes. The
 * skew/flip/gap structure reduces to index arithmetic on each row's valid column range.
 * Also the USER-mode prefetch layouts (the order operands are laid out in DRAM lines).
 */
import type { FoldMapping, LayerGeometry } from './layerGeometry.js';

/** A stacked prefetch matrix, read along anti-diagonals (bottom-most row first) or row-major. */
export interface PrefetchLayout {
  rows: number;
  cols: number;
  diagonal: boolean;
  /** Address at (row, col) of the stacked matrix, or -1. */
  entry(row: number, col: number): number;
}

export interface DemandPattern {
  /** Writes row t's IFMAP addresses (no -1s) into `out`; returns how many. */
  fillIfmapRow(rowFold: number, colFold: number, t: number, out: Int32Array): number;
  fillFilterRow(rowFold: number, colFold: number, t: number, out: Int32Array): number;
  /** OFMAP words written in row t. */
  ofmapRowCount(rowFold: number, colFold: number, t: number): number;
  ifmapPrefetch: PrefetchLayout;
  filterPrefetch: PrefetchLayout;
}

/** Count of integers in [lo, hi]. */
function spanCount(lo: number, hi: number): number {
  return hi >= lo ? hi - lo + 1 : 0;
}

/** What every dataflow's demand rows are built from: the fold mapping, the address tables and the helpers on them. */
export interface DemandContext {
  readonly geometry: LayerGeometry;
  readonly mapping: FoldMapping;
  /**
   * Writes the IFMAP addresses of entries (pixel0 + j*pixelStep, k0 + j*kStep) for j = lo..hi into out
   * from index n, skipping positions past the input edge; returns the new n.
   */
  readonly fillIfmapRun: (
    out: Int32Array,
    n: number,
    lo: number,
    hi: number,
    pixel0: number,
    pixelStep: number,
    k0: number,
    kStep: number,
  ) => number;
  /** Array rows (columns) fold fr (fc) uses. */
  readonly rowsUsed: (fr: number) => number;
  readonly colsUsed: (fc: number) => number;
}

export function demandContext(geometry: LayerGeometry, mapping: FoldMapping): DemandContext {
  const { arrayRows: R, arrayCols: C, spatialRows: Sr, spatialCols: Sc } = mapping;
  const { pixelRow, pixelCol, pixelBase, windowRow, windowCol, windowOffset, height, width, overhangs } = geometry.ifmapTables;

  // Inlined arithmetic: this is the hottest loop of the model.
  const fillIfmapRun = (
    out: Int32Array,
    n: number,
    lo: number,
    hi: number,
    pixel0: number,
    pixelStep: number,
    k0: number,
    kStep: number,
  ): number => {
    let p = pixel0 + lo * pixelStep;
    let k = k0 + lo * kStep;
    if (!overhangs) {
      for (let j = lo; j <= hi; j += 1, p += pixelStep, k += kStep) out[n++] = (pixelBase[p] as number) + (windowOffset[k] as number);
      return n;
    }
    for (let j = lo; j <= hi; j += 1, p += pixelStep, k += kStep) {
      if ((pixelRow[p] as number) + (windowRow[k] as number) >= height || (pixelCol[p] as number) + (windowCol[k] as number) >= width)
        continue;
      out[n++] = (pixelBase[p] as number) + (windowOffset[k] as number);
    }
    return n;
  };
  const rowsUsed = (fr: number): number => Math.min(R, Sr - fr * R);
  const colsUsed = (fc: number): number => Math.min(C, Sc - fc * C);
  return { geometry, mapping, fillIfmapRun, rowsUsed, colsUsed };
}

// Skewed streams: array column j carries element t - j - delay of its stream, valid for 0 <= that < T,
// so each row's valid columns are lo = max(0, t - delay - T + 1) .. hi = min(used - 1, t - delay).

/** Output stationary: inputs and weights both stream, skewed; the outputs leave after the fold. */
export function osDemandPattern(context: DemandContext): DemandPattern {
  const { arrayRows: R, arrayCols: C, temporal: T, spatialRows: Sr, spatialCols: Sc, rowFolds, colFolds } = context.mapping;
  const { ifmapAddress, filterAddress, windowSize: K } = context.geometry;
  const { fillIfmapRun, rowsUsed, colsUsed } = context;
  return {
    // Array row j holds output pixel fr*R + j and streams its window k = 0..T-1, skewed by j.
    fillIfmapRow(fr, _fc, t, out) {
      const lo = Math.max(0, t - T + 1);
      const hi = Math.min(rowsUsed(fr) - 1, t);
      return fillIfmapRun(out, 0, lo, hi, fr * R, 1, t, -1);
    },
    // Array column j holds filter fc*C + j and streams its weights k = 0..T-1, skewed by j.
    fillFilterRow(_fr, fc, t, out) {
      const lo = Math.max(0, t - T + 1);
      const hi = Math.min(colsUsed(fc) - 1, t);
      let n = 0;
      for (let j = lo, address = filterAddress(t - lo, fc * C + lo); j <= hi; j += 1, address += K - 1) out[n++] = address;
      return n;
    },
    // After T-1 idle rows, the flipped R x C output tile leaves skewed by column.
    ofmapRowCount(fr, fc, t) {
      const base = t - (T - 1);
      return spanCount(Math.max(0, base - (R - 1)), Math.min(colsUsed(fc) - 1, base - (R - rowsUsed(fr))));
    },
    ifmapPrefetch: {
      rows: rowFolds * T,
      cols: R,
      diagonal: true,
      entry(row, col) {
        const fr = Math.floor(row / T);
        const pixel = fr * R + col;
        return pixel < Sr ? ifmapAddress(pixel, row - fr * T) : -1;
      },
    },
    filterPrefetch: {
      rows: colFolds * T,
      cols: C,
      diagonal: true,
      entry(row, col) {
        const fc = Math.floor(row / T);
        const filter = fc * C + col;
        return filter < Sc ? filterAddress(row - fc * T, filter) : -1;
      },
    },
  };
}

/** Weight stationary: the weights load in the fold's first R rows, then the inputs stream. */
export function wsDemandPattern(context: DemandContext): DemandPattern {
  const { arrayRows: R, arrayCols: C, temporal: T, spatialRows: Sr, spatialCols: Sc, rowFolds, colFolds } = context.mapping;
  const { ifmapAddress, filterAddress, windowSize: K } = context.geometry;
  const { fillIfmapRun, rowsUsed, colsUsed } = context;
  return {
    // R idle rows while weights load, then pixel p = 0..T-1 enters array row j at t = R + j + p.
    fillIfmapRow(fr, _fc, t, out) {
      const lo = Math.max(0, t - R - T + 1);
      const hi = Math.min(rowsUsed(fr) - 1, t - R);
      return fillIfmapRun(out, 0, lo, hi, t - R, -1, fr * R, 1);
    },
    // Weights load bottom row first in the fold's first R rows, no skew.
    fillFilterRow(fr, fc, t, out) {
      if (t >= R) return 0;
      const k = fr * R + (R - 1 - t);
      if (R - 1 - t >= rowsUsed(fr)) return 0;
      const used = colsUsed(fc);
      for (let j = 0; j < used; j += 1) out[j] = filterAddress(k, fc * C + j);
      return used;
    },
    ofmapRowCount(_fr, fc, t) {
      const lo = Math.max(0, t - 2 * R - T + 2);
      const hi = Math.min(colsUsed(fc) - 1, t - 2 * R + 1);
      return spanCount(lo, hi);
    },
    ifmapPrefetch: {
      rows: rowFolds * T,
      cols: R,
      diagonal: true,
      entry(row, col) {
        const fr = Math.floor(row / T);
        const k = fr * R + col;
        return k < Sr ? ifmapAddress(row - fr * T, k) : -1;
      },
    },
    filterPrefetch: {
      rows: colFolds * K,
      cols: C,
      diagonal: false,
      entry(row, col) {
        const fc = Math.floor(row / K);
        const filter = fc * C + col;
        return filter < Sc ? filterAddress(row - fc * K, filter) : -1;
      },
    },
  };
}

/** Input stationary: the inputs load in the fold's first R rows, then the weights stream. */
export function isDemandPattern(context: DemandContext): DemandPattern {
  const { arrayRows: R, arrayCols: C, temporal: T, spatialRows: Sr, spatialCols: Sc, rowFolds, colFolds } = context.mapping;
  const { ifmapAddress, filterAddress, windowSize: K } = context.geometry;
  const { fillIfmapRun, rowsUsed, colsUsed } = context;
  return {
    // Inputs load bottom row first in the fold's first R rows: array row r holds window index
    // fr*R + r, array column j holds pixel fc*C + j.
    fillIfmapRow(fr, fc, t, out) {
      if (t >= R || R - 1 - t >= rowsUsed(fr)) return 0;
      const k = fr * R + (R - 1 - t);
      return fillIfmapRun(out, 0, 0, colsUsed(fc) - 1, fc * C, 1, k, 0);
    },
    // R idle rows, then filter f = 0..T-1 enters array row j at t = R + j + f.
    fillFilterRow(fr, _fc, t, out) {
      const lo = Math.max(0, t - R - T + 1);
      const hi = Math.min(rowsUsed(fr) - 1, t - R);
      let n = 0;
      for (let j = lo, address = filterAddress(fr * R + lo, t - R - lo); j <= hi; j += 1, address += 1 - K) out[n++] = address;
      return n;
    },
    ofmapRowCount(_fr, fc, t) {
      const lo = Math.max(0, t - 2 * R - T + 2);
      const hi = Math.min(colsUsed(fc) - 1, t - 2 * R + 1);
      return spanCount(lo, hi);
    },
    ifmapPrefetch: {
      rows: colFolds * K,
      cols: C,
      diagonal: false,
      entry(row, col) {
        const fc = Math.floor(row / K);
        const pixel = fc * C + col;
        return pixel < Sc ? ifmapAddress(pixel, row - fc * K) : -1;
      },
    },
    filterPrefetch: {
      rows: rowFolds * T,
      cols: R,
      diagonal: true,
      entry(row, col) {
        const fr = Math.floor(row / T);
        const k = fr * R + col;
        return k < Sr ? filterAddress(k, row - fr * T) : -1;
      },
    },
  };
}

/** Visits a prefetch layout's entries in SCALE-Sim's order (-1 entries included). */
export function forEachPrefetchEntry(layout: PrefetchLayout, visit: (address: number) => void): void {
  const { rows: M, cols: N } = layout;
  if (!layout.diagonal) {
    for (let row = 0; row < M; row += 1) for (let col = 0; col < N; col += 1) visit(layout.entry(row, col));
    return;
  }
  for (let diagonal = 0; diagonal <= M + N - 2; diagonal += 1) {
    const lowestRow = Math.max(0, diagonal - N + 1);
    for (let row = Math.min(diagonal, M - 1); row >= lowestRow; row -= 1) visit(layout.entry(row, diagonal - row));
  }
}
