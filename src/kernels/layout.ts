/** Data movement without arithmetic: a permutation of a row-major tensor's axes. */

/** Output axis i is input axis perm[i]; values are copied, not rescaled. */
export function transpose(input: Int32Array, shape: readonly number[], perm: readonly number[]): Int32Array {
  const rank = shape.length;
  const outShape = perm.map((axis) => shape[axis] as number);
  const inputStrides = new Array<number>(rank).fill(1);
  for (let axis = rank - 2; axis >= 0; axis -= 1) inputStrides[axis] = (inputStrides[axis + 1] as number) * (shape[axis + 1] as number);
  const output = new Int32Array(input.length);
  const coordinate = new Array<number>(rank).fill(0);
  for (let index = 0; index < output.length; index += 1) {
    let source = 0;
    for (let axis = 0; axis < rank; axis += 1) source += (coordinate[axis] as number) * (inputStrides[perm[axis] as number] as number);
    output[index] = input[source] as number;
    for (let axis = rank - 1; axis >= 0; axis -= 1) {
      coordinate[axis] = (coordinate[axis] as number) + 1;
      if ((coordinate[axis] as number) < (outShape[axis] as number)) break;
      coordinate[axis] = 0;
    }
  }
  return output;
}
