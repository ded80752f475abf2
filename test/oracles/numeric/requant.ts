// npusim's per-output requantization modes, composed from the library models: TFLite MBQM, gemmlowp
// (SRDHM + RDBPOT), CMSIS-NN arm_nn_requantize, onnxruntime MlasRequantizeOutput, dynamic fixed point
// shift-only requantization, and an HVX-style vmpyo :<<1:rnd:sat + vasr narrowing pipeline.

import type { RefRoundingMode, RefStochastic } from './types.js';
import { checkInt, pow2 } from './bigmath.js';
import { refCheckRange, refIntRange, refSaturate } from './integers.js';
import { refMbqmDouble, refMbqmSingle } from './tflite.js';
import { refCmsisRequantize } from './cmsisnn.js';
import { refSrdhm } from './gemmlowp.js';
import { refRoundShiftRight } from './rounding.js';
import { clampRoundedPlusZp, ortScaledAccumulator } from './ort.js';

export interface RefRequantOutput {
  bits: number;
  signed: boolean;
  zeroPoint: bigint;
  /** activation clamp inside the type range; default = type range */
  min?: bigint;
  max?: bigint;
}

export interface RefRequantResult {
  value: bigint;
  clipped: boolean;
}

/** The final clamp bounds [min, max] of an output spec (validated against the type range). */
export function refOutputBounds(out: RefRequantOutput): { lo: bigint; hi: bigint } {
  const range = refIntRange(out.bits, out.signed);
  const lo = out.min ?? range.min;
  const hi = out.max ?? range.max;
  if (lo < range.min || hi > range.max || lo > hi) {
    throw new RangeError(`activation clamp [${lo}, ${hi}] is not inside the output type range`);
  }
  return { lo, hi };
}

function finish(y: bigint, out: RefRequantOutput): RefRequantResult {
  const { lo, hi } = refOutputBounds(out);
  const value = y < lo ? lo : y > hi ? hi : y;
  return { value, clipped: value !== y };
}

/** clamp(MBQM(acc) + zp) with the TFLite default (double) or single-rounding build. */
export function refRequantTflite(
  acc: bigint,
  multiplier: bigint,
  shift: number,
  build: 'double' | 'single',
  out: RefRequantOutput,
): RefRequantResult {
  const scaled = build === 'double' ? refMbqmDouble(acc, multiplier, shift) : refMbqmSingle(acc, multiplier, shift);
  return finish(scaled + out.zeroPoint, out);
}

/** gemmlowp: RDBPOT(SRDHM(acc * 2^ls, m), rs) + zp, clamped (same as TFLite double rounding). */
export function refRequantGemmlowp(acc: bigint, multiplier: bigint, shift: number, out: RefRequantOutput): RefRequantResult {
  return refRequantTflite(acc, multiplier, shift, 'double', out);
}

/** clamp(arm_nn_requantize(acc) + zp). */
export function refRequantCmsis(
  acc: bigint,
  multiplier: bigint,
  shift: number,
  build: 'double' | 'single',
  out: RefRequantOutput,
): RefRequantResult {
  return finish(refCmsisRequantize(acc, multiplier, shift, build) + out.zeroPoint, out);
}

/** f = fl32(fl32(acc) * scale); y = rne(f) + zp; clamp to [min, max]; clipped iff the clamp changed y. */
export function refRequantOrt(acc: bigint, scale: number, out: RefRequantOutput): RefRequantResult {
  checkInt('bits', out.bits, 2, 16);
  const { lo, hi } = refOutputBounds(out);
  const f = ortScaledAccumulator(acc, scale, 48);
  const { y, value } = clampRoundedPlusZp(f, out.zeroPoint, lo, hi);
  return { value, clipped: typeof y !== 'bigint' || y !== value };
}

/** Dynamic fixed point: right shift with rounding (shift > 0) or exact left shift (shift < 0), then + zp, clamp. */
export function refRequantShiftOnly(
  acc: bigint,
  shift: number,
  rounding: RefRoundingMode,
  out: RefRequantOutput,
  stochastic?: RefStochastic,
): RefRequantResult {
  if (!Number.isInteger(shift) || shift > 63) throw new RangeError(`shift must be an integer <= 63, got ${shift}`);
  const scaled = shift >= 0 ? refRoundShiftRight(acc, shift, rounding, stochastic) : acc * pow2(-shift);
  return finish(scaled + out.zeroPoint, out);
}

/** npusim's HVX-style pipeline (steps 1-6 of the spec). */
export function refRequantHvx(
  acc: bigint,
  multiplier: bigint,
  shift: number,
  rounding: RefRoundingMode,
  out: RefRequantOutput,
  stochastic?: RefStochastic,
): RefRequantResult {
  checkInt('shift', shift, -63, 31);
  refCheckRange('multiplier', multiplier, 32, true);
  const { lo, hi } = refOutputBounds(out);
  // 1. Left part of the shift, saturated to int32 (not counted as a clip).
  const ls = Math.max(shift, 0);
  const rs = Math.max(-shift, 0);
  const x = refSaturate(acc * pow2(ls), 32, true).value;
  // 2. Q31 rounding doubling multiply, saturated (gemmlowp SRDHM).
  let q = refSrdhm(x, multiplier, 32);
  // 3. Word-to-word pre-shift for right shifts beyond 15.
  let r1 = rs;
  if (rs > 15) {
    q = refRoundShiftRight(q, rs - 15, rounding, stochastic);
    r1 = 15;
  }
  // 4. Word -> half narrowing with rounding R and saturation.
  const s4 = refSaturate(refRoundShiftRight(q, r1, rounding, stochastic), 16, true);
  // 5. + zero point with int16 saturation.
  const s5 = refSaturate(s4.value + out.zeroPoint, 16, true);
  // 6. Saturate to the output type, then the activation clamp.
  const s6 = refSaturate(s5.value, out.bits, out.signed);
  const y = s6.value < lo ? lo : s6.value > hi ? hi : s6.value;
  const clipped = s4.saturated || s5.saturated || s6.saturated || y !== s6.value;
  return { value: y, clipped };
}
