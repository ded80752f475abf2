/**
 * float32 arithmetic as onnxruntime's kernels perform it. Math.fround of a product or quotient of
 * two float32 values is the float32 result; a fused multiply-add needs the exact sum, recovered with
 * TwoSum, to round correctly when the double sum lands on a float32 midpoint.
 */

const view = new DataView(new ArrayBuffer(4));

/** The next float32 after f in the direction of target (f is a float32, f != target). */
function nextFloat32Toward(f: number, target: number): number {
  if (f === 0) return target > 0 ? 2 ** -149 : -(2 ** -149);
  view.setFloat32(0, f);
  const bits = view.getUint32(0);
  const awayFromZero = target > f === f > 0;
  view.setUint32(0, awayFromZero ? bits + 1 : bits - 1);
  return view.getFloat32(0);
}

/** fl32(a * b + c) with a single rounding, for float32 a, b, c (as fmaf computes it). */
export function fusedMultiplyAddFloat32(a: number, b: number, c: number): number {
  const product = a * b; // exact: two 24-bit significands fit in a double's 53
  const sum = product + c;
  // TwoSum: the rounding error of the double addition, exactly.
  const bVirtual = sum - product;
  const error = product - (sum - bVirtual) + (c - bVirtual);
  const rounded = Math.fround(sum);
  if (error === 0 || rounded === sum) return rounded;
  const other = nextFloat32Toward(rounded, sum);
  const midpoint = (rounded + other) / 2; // exact in double
  if (sum !== midpoint) return rounded;
  // The double sum is exactly a float32 midpoint: the exact sum lies on the side of the error.
  const above = error > 0;
  return other > rounded === above ? other : rounded;
}
