/**
 * A study: one float model quantized under every scheme of a grid and each graph evaluated exactly
 * on the simulated NPU; one row per scheme with its accuracy, SQNR, memory, cycles, energy and
 * overflow. A scheme the hardware cannot run (an operand mode it lacks, a mode's rule) gets its
 * reason in the row instead of stopping the study.
 */
import { InputError } from '../errors.js';
import type { FloatGraph } from '../graph/float.js';
import type { LabData } from './data.js';
import { summarizeEvaluation } from './evaluation.js';
import { type EvaluationJob, evaluateInParallel, type LoadedEvaluation } from './parallel.js';
import { prepareRun } from '../pipeline/index.js';
import type { TensorStatistics } from './calibrate.js';
import { quantizeModel } from './quantize.js';
import { type QuantizationScheme, schemeRecord } from './scheme.js';
import type { Hardware } from '../hardware/model.js';

export interface StudyFigures {
  readonly accuracy: number;
  readonly floatAccuracy: number;
  readonly accuracyDropPoints: number;
  readonly agreement: number;
  readonly meanSqnrDb: number | null;
  readonly worstSqnrDb: number | null;
  readonly weightBytes: number;
  readonly compression: number;
  readonly cycles: number;
  readonly energyPj: number;
  readonly accumulatorOverflows: number;
  readonly outputClipped: number;
  /** Per layer: name, SQNR cumulative and alone. */
  readonly layers: readonly { readonly name: string; readonly sqnrDb: number | null; readonly sqnrDbAlone: number | null }[];
}

export interface StudyRow {
  readonly index: number;
  readonly scheme: Readonly<Record<string, string | number | boolean>>;
  readonly figures: StudyFigures | undefined;
  /** Why the scheme could not be run, when it could not. */
  readonly error: string | undefined;
}

export interface StudyRequest {
  readonly float: FloatGraph;
  readonly floatReference: string;
  readonly calibration: readonly ReadonlyMap<string, Float32Array>[];
  readonly data: LabData;
  readonly dataSpec: string;
  readonly hardware: Hardware;
  readonly hardwareFile: string;
  readonly images: number;
  readonly aloneImages: number;
  readonly jobs: number;
  readonly onRow?: (row: StudyRow) => void;
  /** Calibration statistics shared by every scheme of the study (lab/quantize.ts). */
  readonly statisticsCache?: Map<'plain' | 'equalized', ReadonlyMap<string, TensorStatistics>>;
}

/** Quantizes and evaluates one scheme (the row's figures, or the reason it cannot run). */
export async function studyScheme(request: StudyRequest, scheme: QuantizationScheme, index: number): Promise<StudyRow> {
  const record = schemeRecord(scheme);
  let quantized: ReturnType<typeof quantizeModel>;
  try {
    quantized = quantizeModel({
      float: request.float,
      scheme,
      calibration: request.calibration,
      modelReference: request.floatReference,
      sidecarFile: 'memory',
      statisticsCache: request.statisticsCache,
    });
    // The hardware's verdict on the graph (operand modes, the mode's rules) before any image runs.
    prepareRun(quantized.graph, request.hardware);
    const job: EvaluationJob = {
      graph: `${request.float.name} scheme ${index}`,
      graphData: { file: quantized.file, sidecarFile: 'memory', sidecar: quantized.sidecar },
      hardware: request.hardwareFile,
      float: request.floatReference,
      data: request.dataSpec,
      end: Math.min(request.images, request.data.count),
      aloneImages: request.aloneImages,
    };
    const loaded: LoadedEvaluation = { graph: quantized.graph, hardware: request.hardware, float: request.float, data: request.data };
    const tally = await evaluateInParallel(job, loaded, request.jobs, () => undefined);
    const evaluation = summarizeEvaluation(tally, quantized.graph, request.float, {
      graph: job.graph,
      floatModel: request.floatReference,
      hardware: request.hardwareFile,
      data: request.data.name,
      classes: request.data.classes,
      sqnrThresholdDb: 20,
    });
    return {
      index,
      scheme: record,
      error: undefined,
      figures: {
        accuracy: evaluation.accuracy,
        floatAccuracy: evaluation.floatAccuracy,
        accuracyDropPoints: evaluation.accuracyDropPoints,
        agreement: evaluation.agreement,
        meanSqnrDb: evaluation.meanSqnrDb,
        worstSqnrDb: evaluation.worstSqnrDb,
        weightBytes: evaluation.weightBytes,
        compression: evaluation.compression,
        cycles: evaluation.cycles,
        energyPj: evaluation.energyPj,
        accumulatorOverflows: evaluation.overflow.accumulatorTransient + evaluation.overflow.accumulatorFinal,
        outputClipped: evaluation.overflow.outputClipped,
        layers: evaluation.layers.map((layer) => ({ name: layer.name, sqnrDb: layer.sqnrDb, sqnrDbAlone: layer.sqnrDbAlone })),
      },
    };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { index, scheme: record, figures: undefined, error: error.message };
  }
}

/**
 * Every scheme's row, in order. Rows in `finished` (a resumed study's) are taken as they are; each
 * row computed now is handed to `onComputed` (the journal) as soon as it is done.
 */
export async function runStudy(
  request: StudyRequest,
  schemes: readonly { readonly index: number; readonly scheme: QuantizationScheme }[],
  finished: ReadonlyMap<number, StudyRow> = new Map(),
  onComputed?: (row: StudyRow) => void,
): Promise<StudyRow[]> {
  const rows: StudyRow[] = [];
  for (const { index, scheme } of schemes) {
    const earlier = finished.get(index);
    if (earlier !== undefined) {
      rows.push(earlier);
      continue;
    }
    const row = await studyScheme(request, scheme, index);
    onComputed?.(row);
    request.onRow?.(row);
    rows.push(row);
  }
  return rows;
}
