/**
 * `shift-only`: dynamic fixed point (docs/numerics.md, section 5.3). Every rescaling is a shift by
 * a power of two, rounded with the configured rounding (a negative shift is an exact left shift);
 * layers may give fractional bits instead of scales (a scale is taken at its nearest power of two);
 * S-DFP's shiftBias is added to every shift. Add aligns both inputs exactly to the finer exponent.
 */
import { addShiftOnly } from '../kernels/vector.js';
import { powerOfTwoShift, shiftOutsideDomain } from '../numeric/index.js';
import { ROUNDED_AVERAGE_POOL } from './hvx.js';
import type { RequantModeSpec, ScaleStepRequest, VectorOperand } from './spec.js';
import { formatReal } from './words.js';

/** The step's real multiplier (no float32 product here: it is taken at its nearest power of two). */
function stepReal(request: ScaleStepRequest): number {
  return (request.inputScale * request.weightScale) / request.outputScale;
}

/** The step's shift: from fractional bits, or the nearest power of two of its scale; the S-DFP bias added. */
function stepShift(request: ScaleStepRequest, shiftBias: number): number {
  const bits = request.fractionalBits;
  return (bits === undefined ? powerOfTwoShift(stepReal(request)) : bits.input + bits.weights - bits.output) + shiftBias;
}

function exponentOf(operand: VectorOperand): number {
  return operand.exponent ?? -powerOfTwoShift(operand.scale);
}

export const SHIFT_ONLY: RequantModeSpec = {
  name: 'shift-only',
  library: { name: 'dynamic fixed point', build: 'power-of-two scales' },
  summary: 'dynamic fixed point: R(acc / 2^shift) + zp with shift = fl_in + fl_w - fl_out (+ S-DFP shiftBias), the configured rounding R',
  formula: '`round(acc / 2^shift) + zp`, or `acc·2^-shift + zp` for `shift < 0`',
  shifts: '-32..63',
  fixedRounding: undefined,
  takesFixedPoint: true,
  int32RequantInput: false,
  wideAccumulator16x8: false,
  step: {
    refusal: (request, setting) => {
      const shift = stepShift(request, setting.shiftBias);
      const outside = shiftOutsideDomain(shift);
      if (outside === undefined) return undefined;
      if (request.fractionalBits !== undefined) return `shift ${shift} (${request.how}) is outside what shift-only can apply (${outside})`;
      const bias = setting.shiftBias;
      return `effective scale ${formatReal(stepReal(request))} (${request.how}) needs a shift of ${shift}${bias === 0 ? '' : ` (shiftBias ${bias} included)`}, outside what shift-only can apply (${outside})`;
    },
    params: (request, setting) => {
      if (setting.rounding === undefined) throw new Error('the shift-only mode needs a rounding; the hardware loader guarantees one');
      return { mode: 'shift-only', shift: stepShift(request, setting.shiftBias), rounding: setting.rounding };
    },
  },
  add: {
    maxInputBits: undefined,
    describe:
      'both inputs aligned exactly to the finer exponent, summed exactly, one shift to the output with the configured rounding (+ shiftBias), + zp',
    refusal: (a, b, output, setting) => {
      const [ea, eb, eo] = [exponentOf(a), exponentOf(b), exponentOf(output)];
      const finer = Math.min(ea, eb);
      const largest = (2 ** a.type.bits - 1) * 2 ** (ea - finer) + (2 ** b.type.bits - 1) * 2 ** (eb - finer);
      if (largest > Number.MAX_SAFE_INTEGER) {
        const coarser = ea > eb ? a : b;
        return {
          message: `aligning the inputs' exponents 2^${ea} and 2^${eb} shifts "${coarser.name}" left by ${Math.abs(ea - eb)} bits, and the sum of ${a.type.bits}- and ${b.type.bits}-bit values then passes 2^53, beyond exact arithmetic; bring the two inputs' scales within ${53 - 1 - Math.max(a.type.bits, b.type.bits)} powers of two`,
          tensor: coarser.name,
        };
      }
      const shift = eo - finer + setting.shiftBias;
      // A negative shift is an exact left shift of any size; only the right shift is bounded.
      const outside = shiftOutsideDomain(shift);
      if (outside !== undefined && shift > 0) {
        return {
          message: `the output exponent 2^${eo} is ${shift} powers of two above the inputs' 2^${finer}${setting.shiftBias === 0 ? '' : ' (shiftBias included)'}, outside what shift-only can apply (${outside})`,
          tensor: output.name,
        };
      }
      return undefined;
    },
    run: (a, b, output, context) => {
      const { rounding, shiftBias } = context.setting;
      if (rounding === undefined) throw new Error('the shift-only mode needs a rounding; the hardware loader guarantees one');
      const fixed = (operand: VectorOperand) => ({ data: operand.data, zeroPoint: operand.zeroPoint, exponent: exponentOf(operand) });
      return addShiftOnly(
        fixed(a),
        fixed(b),
        { zeroPoint: output.zeroPoint, exponent: exponentOf(output) },
        shiftBias,
        context.range,
        rounding,
        context.counter,
        context.site('add'),
      );
    },
  },
  averagePool: ROUNDED_AVERAGE_POOL,
};
