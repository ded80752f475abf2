/**
 * A layer's operand matrices as SCALE-Sim builds them (im2col), kept implicit: address functions
 * over small per-pixel and per-window-position tables instead of P x K matrices.
 * IFMAP matrix P x K (address of the NHWC input word, or -1 where a rounded-up output window runs
 * past the input edge), FILTER matrix K x F (address f*K + k), OFMAP matrix P x F (address p*F + f).
 * Addresses are relative to each operand's base: the bases only shift SCALE-Sim's traces.
 */
import { dataflowSpec, type GemmAxis } from '../dataflow/index.js';
import type { ScaleSimDataflow } from './config.js';
import { scaleSimDataflow } from './dataflows.js';
import { outputSize, type ScaleSimLayer } from './topology.js';

export interface LayerGeometry {
  ofmapHeight: number;
  ofmapWidth: number;
  /** P: output pixels per filter. */
  ofmapPixels: number;
  /** K: filter height x width x channels. */
  windowSize: number;
  /** F. */
  numFilters: number;
  /** Size of each operand's address space (words). */
  ifmapWords: number;
  filterWords: number;
  /** Address of IFMAP matrix entry (p, k), or -1 (no request). */
  ifmapAddress(pixel: number, windowIndex: number): number;
  /** The tables behind ifmapAddress, for hot loops that inline it. */
  ifmapTables: IfmapTables;
  /** Address of FILTER matrix entry (k, f). */
  filterAddress(windowIndex: number, filter: number): number;
}

/**
 * IFMAP address of (p, k) = pixelBase[p] + windowOffset[k], unless the window position falls past the
 * input edge (pixelRow[p] + windowRow[k] >= height or the same for columns): only possible when the
 * output size was rounded up (`overhangs`).
 */
export interface IfmapTables {
  pixelRow: Int32Array;
  pixelCol: Int32Array;
  pixelBase: Int32Array;
  windowRow: Int32Array;
  windowCol: Int32Array;
  windowOffset: Int32Array;
  height: number;
  width: number;
  overhangs: boolean;
}

/** A layer's sizes, without the address tables. */
export type LayerSizes = Pick<
  LayerGeometry,
  'ofmapHeight' | 'ofmapWidth' | 'ofmapPixels' | 'windowSize' | 'numFilters' | 'ifmapWords' | 'filterWords'
>;

export function layerSizes(layer: ScaleSimLayer): LayerSizes {
  const ofmapHeight = outputSize(layer.ifmapHeight, layer.filterHeight, layer.strideHeight);
  const ofmapWidth = outputSize(layer.ifmapWidth, layer.filterWidth, layer.strideWidth);
  const windowSize = layer.filterHeight * layer.filterWidth * layer.channels;
  return {
    ofmapHeight,
    ofmapWidth,
    ofmapPixels: ofmapHeight * ofmapWidth,
    windowSize,
    numFilters: layer.numFilters,
    ifmapWords: layer.ifmapHeight * layer.ifmapWidth * layer.channels,
    filterWords: windowSize * layer.numFilters,
  };
}

/** Bytes of the address tables layerGeometry builds: three Int32Arrays per output pixel and per window position. */
export function geometryTableBytes(sizes: LayerSizes): number {
  return 3 * Int32Array.BYTES_PER_ELEMENT * (sizes.ofmapPixels + sizes.windowSize);
}

export function layerGeometry(layer: ScaleSimLayer): LayerGeometry {
  const sizes = layerSizes(layer);
  const { ofmapHeight, ofmapWidth, ofmapPixels, windowSize } = sizes;
  const channels = layer.channels;
  const inputHeight = layer.ifmapHeight;
  const inputWidth = layer.ifmapWidth;

  // Per output pixel: the input row/column of its window's top-left corner and that word's address.
  const pixelRow = new Int32Array(ofmapPixels);
  const pixelCol = new Int32Array(ofmapPixels);
  const pixelBase = new Int32Array(ofmapPixels);
  for (let p = 0; p < ofmapPixels; p += 1) {
    const row = Math.floor(p / ofmapWidth) * layer.strideHeight;
    const col = (p % ofmapWidth) * layer.strideWidth;
    pixelRow[p] = row;
    pixelCol[p] = col;
    pixelBase[p] = (row * inputWidth + col) * channels;
  }
  // Per window position k = (filter row * filter width + filter col) * C + channel.
  const windowRow = new Int32Array(windowSize);
  const windowCol = new Int32Array(windowSize);
  const windowOffset = new Int32Array(windowSize);
  for (let k = 0; k < windowSize; k += 1) {
    const row = Math.floor(k / (layer.filterWidth * channels));
    const col = Math.floor((k % (layer.filterWidth * channels)) / channels);
    windowRow[k] = row;
    windowCol[k] = col;
    windowOffset[k] = (row * inputWidth + col) * channels + (k % channels);
  }
  const ifmapAddress = (pixel: number, windowIndex: number): number => {
    // Out of range in either dimension (only the rounded-up edge windows): no request.
    if ((pixelRow[pixel] as number) + (windowRow[windowIndex] as number) >= inputHeight) return -1;
    if ((pixelCol[pixel] as number) + (windowCol[windowIndex] as number) >= inputWidth) return -1;
    return (pixelBase[pixel] as number) + (windowOffset[windowIndex] as number);
  };
  return {
    ...sizes,
    ifmapAddress,
    ifmapTables: {
      pixelRow,
      pixelCol,
      pixelBase,
      windowRow,
      windowCol,
      windowOffset,
      height: inputHeight,
      width: inputWidth,
      overhangs:
        (ofmapHeight - 1) * layer.strideHeight + layer.filterHeight > inputHeight ||
        (ofmapWidth - 1) * layer.strideWidth + layer.filterWidth > inputWidth,
    },
    filterAddress: (windowIndex, filter) => filter * windowSize + windowIndex,
  };
}

/** How a dataflow lays the GEMM onto the R x C array (cycle-model.md section 2). */
export interface FoldMapping {
  /** Sr, Sc: the spatial extents mapped onto array rows and columns; T: the temporal extent. */
  spatialRows: number;
  spatialCols: number;
  temporal: number;
  arrayRows: number;
  arrayCols: number;
  rowFolds: number;
  colFolds: number;
  /** Demand-matrix rows (cycles) per fold: R + C + T - 2 (os) or 2R + C + T - 2 (ws, is). */
  rowsPerFold: number;
}

export function foldMapping(
  geometry: Pick<LayerSizes, 'ofmapPixels' | 'windowSize' | 'numFilters'>,
  dataflow: ScaleSimDataflow,
  arrayRows: number,
  arrayCols: number,
): FoldMapping {
  const extents: Record<GemmAxis, number> = { P: geometry.ofmapPixels, K: geometry.windowSize, F: geometry.numFilters };
  const { axes } = dataflowSpec(dataflow);
  const [spatialRows, spatialCols, temporal] = [extents[axes.rows], extents[axes.columns], extents[axes.temporal]];
  const preloadRows = scaleSimDataflow(dataflow).preloadsStationary ? arrayRows : 0;
  const rowsPerFold = preloadRows + arrayRows + arrayCols + temporal - 2;
  return {
    spatialRows,
    spatialCols,
    temporal,
    arrayRows,
    arrayCols,
    rowFolds: Math.ceil(spatialRows / arrayRows),
    colFolds: Math.ceil(spatialCols / arrayCols),
    rowsPerFold,
  };
}

/** Demand-matrix rows of a whole layer: the cycles SCALE-Sim simulates before stalls. */
export function demandRowCount(mapping: FoldMapping): number {
  return mapping.rowFolds * mapping.colFolds * mapping.rowsPerFold;
}
