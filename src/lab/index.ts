/**
 * The quantization lab: float models in, post-training quantization under a scheme, and exact
 * evaluation of the quantized graph on the simulated NPU against its float model.
 */
export { type CalibrationMethod, calibrate, calibratedRange } from './calibrate.js';
export { type LabData, loadLabData } from './data.js';
export { equalizeGraph } from './equalize.js';
export { emptyTally, type EvaluationTally, evaluateImages, integerInputs, mergeTallies, quantizeReal } from './evaluate.js';
export { constantBytes, type Evaluation, type LayerEvaluation, summarizeEvaluation } from './evaluation.js';
export { floatModelOf, loadFloatModel } from './floatModel.js';
export { EVALUATION_CHUNK, type EvaluationJob, evaluateInParallel, loadEvaluation } from './parallel.js';
export { type QuantizedModel, quantizeModel } from './quantize.js';
export {
  calibrationName,
  containerBits,
  DEFAULT_SCHEME,
  isLabBits,
  LAB_BITS,
  type LabBits,
  type QuantizationScheme,
  schemeRecord,
} from './scheme.js';

import type { LabData } from './data.js';

/** The first `count` images of a data set as calibration inputs (deterministic: no sampling). */
export function calibrationInputs(data: LabData, count: number): Map<string, Float32Array>[] {
  return Array.from({ length: Math.min(count, data.count) }, (_, index) => data.input(index));
}
export { type SearchBudget, type SearchResult, type SearchStep, searchBits } from './search.js';
export { runStudy, type StudyFigures, type StudyRequest, type StudyRow, studyScheme } from './study.js';
