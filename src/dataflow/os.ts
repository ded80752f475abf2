/**
 * `os`, output stationary: a fold holds a block of outputs (P down the rows, F across the columns)
 * and streams K through them, so each output accumulates in one accumulator, in increasing k. The
 * rows carry pixels shared by every group, so groups cannot pack.
 */
import type { DataflowSpec } from './spec.js';

export const OS: DataflowSpec = {
  name: 'os',
  title: 'output stationary',
  stationary: 'outputs',
  summary: 'a block of outputs stays in the PEs while the window streams through; each PE accumulates one output in one accumulator',
  axes: { rows: 'P', columns: 'F', temporal: 'K' },
  groupsPerFold: () => 1,
  describeGroups: 'one',
  kFold: () => undefined,
  // Each step streams an input vector and a weight vector; the block's outputs are written once.
  tileDemand: (block) => ({
    fixed: { inputs: 0, weights: 0, outputs: block.rows * block.columns * block.outputBytes },
    perStep: { inputs: block.rows * block.activationBytes, weights: block.columns * block.weightBytes, outputs: 0 },
  }),
  // The weights stream again for every row fold of pixels, the inputs for every column fold of filters.
  rereads: ({ rowFolds, columnFolds }) => ({ weights: rowFolds, inputs: columnFolds }),
  place: ({ position, pixel, filter }) => ({ row: pixel, column: filter, step: position }),
};
