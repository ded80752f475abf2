/** Every requantization mode's spec, by name: what validation, the engine and the docs table read. */
import type { RequantMode } from '../numeric/index.js';
import { HVX } from './hvx.js';
import { CMSIS_NN, CMSIS_NN_SINGLE, GEMMLOWP, TFLITE_DOUBLE, TFLITE_SINGLE } from './library.js';
import { ORT_FLOAT } from './ortFloat.js';
import { SHIFT_ONLY } from './shiftOnly.js';
import type { RequantModeSpec } from './spec.js';

export type * from './spec.js';
export { formatReal } from './words.js';

export const REQUANT_SPECS: Readonly<Record<RequantMode, RequantModeSpec>> = {
  gemmlowp: GEMMLOWP,
  'tflite-double': TFLITE_DOUBLE,
  'tflite-single': TFLITE_SINGLE,
  'cmsis-nn': CMSIS_NN,
  'cmsis-nn-single': CMSIS_NN_SINGLE,
  hvx: HVX,
  'ort-float': ORT_FLOAT,
  'shift-only': SHIFT_ONLY,
};

export function requantSpec(mode: RequantMode): RequantModeSpec {
  return REQUANT_SPECS[mode];
}
