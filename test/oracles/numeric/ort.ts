// onnxruntime MLAS quantize.cpp: MlasRequantizeOutput (float-scale requantization) and MlasQuantizeLinear,
// with float32 arithmetic emulated exactly on rationals (no Math.fround) and round-half-to-even to integer.

import { clampBig } from './bigmath.js';
import { refCheckRange, refIntRange } from './integers.js';
import { divExt, doubleToExt, intToFloat32, mulExt, rneExt, roundToFloat32, type ExtReal } from './float.js';

/** Throws unless v is a float32 value (given as a double). Checked by exact rounding, not Math.fround. */
export function checkFloat32(name: string, v: number): ExtReal {
  const e = doubleToExt(v);
  const r = roundToFloat32(e);
  const same = e.kind === 'inf' ? r.kind === 'inf' && r.neg === e.neg : r.kind === 'finite' && r.n * e.d === e.n * r.d;
  if (!same) throw new RangeError(`${name} = ${v} is not a float32 value`);
  return e;
}

/**
 * f = fl32(fl32(acc) * scale), as an exact extended real. MLAS's accumulator is int32; npusim's
 * ort-float mode applies the same conversion to accumulators of up to 48 bits.
 */
export function ortScaledAccumulator(acc: bigint, scale: number, accumulatorBits = 32): ExtReal {
  refCheckRange('acc', acc, accumulatorBits, true);
  const s = checkFloat32('scale', scale);
  return roundToFloat32(mulExt(intToFloat32(acc), s));
}

/** Integer result of clamp(rne(f) + zp, lo, hi) for f possibly infinite. */
export function clampRoundedPlusZp(f: ExtReal, zp: bigint, lo: bigint, hi: bigint): { y: bigint | 'inf' | '-inf'; value: bigint } {
  const r = rneExt(f);
  if (r === 'inf') return { y: r, value: hi };
  if (r === '-inf') return { y: r, value: lo };
  const y = r + zp;
  return { y, value: clampBig(y, lo, hi) };
}

function outRange(outType: 'int8' | 'uint8'): { min: bigint; max: bigint; signed: boolean } {
  const signed = outType === 'int8';
  return { ...refIntRange(8, signed), signed };
}

/** MlasRequantizeOutput: clamp fl32(fl32(acc)*scale) to [lo-zp, hi-zp], round half to even, add zp. */
export function refOrtRequantFloat(acc: bigint, scale: number, zeroPoint: bigint, outType: 'int8' | 'uint8'): bigint {
  const { min, max, signed } = outRange(outType);
  refCheckRange('zeroPoint', zeroPoint, 8, signed);
  const f = ortScaledAccumulator(acc, scale);
  // The clamp bounds lo-zp and hi-zp are integers, so clamp-then-round equals round-then-clamp.
  return clampRoundedPlusZp(f, zeroPoint, min, max).value;
}

/** MlasQuantizeLinear: clamp(round_half_even(fl32(x / scale)) + zp, lo, hi); x may be +-Infinity. */
export function refOrtQuantizeLinear(x: number, scale: number, zeroPoint: bigint, outType: 'int8' | 'uint8'): bigint {
  const { min, max, signed } = outRange(outType);
  refCheckRange('zeroPoint', zeroPoint, 8, signed);
  const xe = checkFloat32('x', x);
  const s = checkFloat32('scale', scale);
  if (s.kind !== 'finite' || s.n <= 0n) throw new RangeError(`scale must be a finite float32 > 0, got ${scale}`);
  const f = roundToFloat32(divExt(xe, s));
  return clampRoundedPlusZp(f, zeroPoint, min, max).value;
}
