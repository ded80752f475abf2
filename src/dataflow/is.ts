/**
 * `is`, input stationary: a fold holds a block of input windows (K down the rows, P across the
 * columns) while the filters stream through; K folds over the rows into partial sums. The columns
 * carry pixels shared by every group, so groups cannot pack.
 */
import type { DataflowSpec } from './spec.js';

export const IS: DataflowSpec = {
  name: 'is',
  title: 'input stationary',
  stationary: 'inputs',
  summary: 'a block of input windows stays in the PEs while the filters stream down the rows; each column sums one pixel',
  axes: { rows: 'K', columns: 'P', temporal: 'F' },
  groupsPerFold: () => 1,
  describeGroups: 'one',
  kFold: (array) => array.rowsPerFold,
  // Each step streams one weight vector and produces one partial sum per column.
  tileDemand: (block) => ({
    fixed: { inputs: block.rows * block.columns * block.activationBytes, weights: 0, outputs: 0 },
    perStep: { inputs: 0, weights: block.rows * block.weightBytes, outputs: block.columns * block.partialSumBytes },
  }),
  // The inputs are loaded once; the weights stream again for every column fold of pixels.
  rereads: ({ columnFolds }) => ({ weights: columnFolds, inputs: 1 }),
  place: ({ position, pixel, filter }) => ({ row: position, column: pixel, step: filter }),
};
