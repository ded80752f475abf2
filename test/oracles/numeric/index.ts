// Barrel of the independent reference model of npusim's numeric core (see the individual files for sources).

export type { RefRoundingMode, RefStochastic } from './types.js';
export { refIntRange, refWrap, refSaturate } from './integers.js';
export { refStreamId, refStochasticBits } from './stochastic.js';
export { refRoundShiftRight, refRoundDivide, refRoundFloat } from './rounding.js';
export { refSrdhm, refRdbpot, refSrmbpot } from './gemmlowp.js';
export {
  refMbqmDouble,
  refMbqmSingle,
  refMbqmSmallerThanOneExp,
  refMbqmGreaterThanOne,
  refMbqm64,
  refQuantizeMultiplier,
} from './tflite.js';
export {
  refCmsisRequantize,
  refDoublingHighMult,
  refDoublingHighMultNoSat,
  refDivideByPowerOfTwo,
  refRequantizeS64,
} from './cmsisnn.js';
export { refVasrNarrow, refVrmpyAcc } from './hvx.js';
export { refOrtRequantFloat, refOrtQuantizeLinear } from './ort.js';
export { refFloat32 } from './float.js';
export {
  type RefRequantOutput,
  type RefRequantResult,
  refRequantTflite,
  refRequantGemmlowp,
  refRequantCmsis,
  refRequantOrt,
  refRequantShiftOnly,
  refRequantHvx,
} from './requant.js';
export { refPowerOfTwoShift } from './pow2.js';
export { type RefAccEvent, refAccumulate } from './accumulator.js';
