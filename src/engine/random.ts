/** A seeded generator for input tensors: splitmix32, the same sequence on every machine. */

export function seededIntegers(seed: number, count: number, min: number, max: number): Int32Array {
  const values = new Int32Array(count);
  let state = seed >>> 0;
  const span = max - min + 1;
  for (let index = 0; index < count; index += 1) {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    values[index] = min + (z % span);
  }
  return values;
}
