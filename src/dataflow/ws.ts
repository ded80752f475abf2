/**
 * `ws`, weight stationary: a fold holds a block of weights (K down the rows, F across the columns)
 * while the output pixels stream through; K folds over the rows into partial sums, and grouped
 * layers pack block-diagonally, each group on its own K rows and F columns.
 */
import type { DataflowSpec } from './spec.js';

export const WS: DataflowSpec = {
  name: 'ws',
  title: 'weight stationary',
  stationary: 'weights',
  summary: 'a block of weights stays in the PEs while input pixels stream down the rows; each column sums one filter',
  axes: { rows: 'K', columns: 'F', temporal: 'P' },
  groupsPerFold: (gemm, array) =>
    gemm.groups > 1
      ? Math.max(1, Math.min(Math.floor(array.rowsPerFold / gemm.depth), Math.floor(array.columns / gemm.filters), gemm.groups))
      : 1,
  describeGroups: 'block-diagonal: min(floor(row capacity / K), floor(columns / F), G)',
  kFold: (array) => array.rowsPerFold,
  // Each step streams one input vector down the rows and produces one partial sum per column.
  tileDemand: (block) => ({
    fixed: { inputs: 0, weights: block.rows * block.columns * block.weightBytes, outputs: 0 },
    perStep: { inputs: block.rows * block.activationBytes, weights: 0, outputs: block.columns * block.partialSumBytes },
  }),
  // Every weight is loaded once; the inputs stream again for every column fold of filters.
  rereads: ({ columnFolds }) => ({ weights: 1, inputs: columnFolds }),
  place: ({ slot, position, pixel, filter, depth, filters }) => ({
    row: slot * depth + position,
    column: slot * filters + filter,
    step: pixel,
  }),
};
