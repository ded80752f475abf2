/**
 * The k-th smallest of a set of values (0-based), the element a sort would put at index k, found by
 * quickselect in linear expected time: a calibration needs two quantiles of each activation, and
 * sorting millions of values for them was a tenth of building a network. Three-way partitions keep
 * the many equal values of a ReLU output (all those zeros) from slowing it down. NaN-free input.
 */

/** Permutes `scratch` (pass a copy) and returns its k-th smallest value. */
export function orderStatistic(scratch: Float32Array, k: number): number {
  if (!(k >= 0 && k < scratch.length)) throw new RangeError(`order statistic ${k} of ${scratch.length} values`);
  let low = 0;
  let high = scratch.length - 1;
  while (low < high) {
    const pivot = medianOfThree(scratch[low] as number, scratch[(low + high) >>> 1] as number, scratch[high] as number);
    // [low, less) < pivot, [less, index) = pivot, (greater, high] > pivot.
    let less = low;
    let index = low;
    let greater = high;
    while (index <= greater) {
      const value = scratch[index] as number;
      if (value < pivot) {
        scratch[index] = scratch[less] as number;
        scratch[less] = value;
        less += 1;
        index += 1;
      } else if (value > pivot) {
        scratch[index] = scratch[greater] as number;
        scratch[greater] = value;
        greater -= 1;
      } else index += 1;
    }
    if (k < less) high = less - 1;
    else if (k > greater) low = greater + 1;
    else return pivot;
  }
  return scratch[k] as number;
}

function medianOfThree(a: number, b: number, c: number): number {
  if (a < b) return b < c ? b : Math.max(a, c);
  return a < c ? a : Math.max(b, c);
}
