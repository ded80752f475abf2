/** Values between npusim's order and a source model's (graph/model.ts `SourceTensor`): data movement only. */
import type { SourceTensor } from '../graph/model.js';
import { transpose } from '../kernels/layout.js';

/** npusim's values of a tensor in the source model's order (to be read as `source.shape`). */
export function toSourceOrder(values: Int32Array, source: SourceTensor): Int32Array {
  return transpose(values, source.view, source.permutation);
}

/** A source model's values (row-major in `source.shape`) in npusim's order. */
export function fromSourceOrder(values: Int32Array, source: SourceTensor): Int32Array {
  const expanded = source.permutation.map((axis) => source.view[axis] as number);
  const inverse = new Array<number>(source.permutation.length);
  source.permutation.forEach((axis, position) => {
    inverse[axis] = position;
  });
  return transpose(values, expanded, inverse);
}
