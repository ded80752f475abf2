/**
 * When the modelled array performs one add of one output's accumulation: the order in which a
 * report's "first" overflow events happen in hardware (docs/cycle-model.md, section 1). Folds run
 * in the order group block, column fold, row fold (so a ws or is output's K folds follow each other
 * and merge in order); inside a fold the step along the streamed dimension and the PE's place in
 * the systolic skew give the cycle; where an add sits on the array is the dataflow's (its spec's
 * `place`). The result only orders events; it is not a cycle count.
 */
import type { ConvGeometry } from '../graph/geometry.js';
import { dataflowSpec } from '../dataflow/index.js';
import { type Mapping, rowsPerFold } from './mapping.js';

import type { EventClock } from '../kernels/overflow.js';

export type { EventClock };

export function eventClock(mapping: Mapping, geometry: ConvGeometry, rows: number, columns: number): EventClock {
  const depth = geometry.kernelHeight * geometry.kernelWidth * geometry.groupChannels;
  const outChannels = geometry.outChannels;
  const filters = geometry.groupOutputs;
  const spec = dataflowSpec(mapping.dataflow);
  const foldRows = rowsPerFold(mapping, rows);
  const packing = foldRows / rows;
  const stepCycles = mapping.cyclesPerStep;
  // No in-fold time reaches this, so fold order dominates.
  const foldSpan = Math.ceil(mapping.temporalLength * stepCycles) + rows + columns + 2;
  return (output, k) => {
    const pixel = Math.floor(output / outChannels);
    const channel = output % outChannels;
    const group = Math.floor(channel / filters);
    const filter = channel % filters;
    const block = Math.floor(group / mapping.groupsPerFold);
    const slot = group % mapping.groupsPerFold;
    // The bias is loaded as the first fold starts; a merge happens with its fold's last product;
    // a final value or a clipped output is timed at its last product.
    const position = k < 0 ? 0 : k < depth ? k : Math.min(depth - 1, (k - depth + 1) * foldRows - 1);
    const { row: rowIndex, column: columnIndex, step } = spec.place({ slot, position, pixel, filter, depth, filters });
    const rowFold = Math.floor(rowIndex / foldRows);
    const columnFold = Math.floor(columnIndex / columns);
    const fold = (block * mapping.columnFolds + columnFold) * mapping.rowFolds + rowFold;
    const skew = k < 0 ? 0 : Math.floor((rowIndex % foldRows) / packing) + (columnIndex % columns);
    return fold * foldSpan + step * stepCycles + skew;
  };
}
