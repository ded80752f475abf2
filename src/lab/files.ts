/**
 * The files the lab writes as JSON (`npusim study --format json`, `npusim evaluate --format json`):
 * each names its format and version, and has a schema, so `npusim report` reads one back with a
 * clear error on anything else. Field names are the ones scripts rely on (docs/quantization.md).
 */
import { z } from 'zod';
import type { Evaluation } from './evaluation.js';
import type { StudyRow } from './study.js';

export const STUDY_FORMAT = 'npusim-study';
export const EVALUATION_FORMAT = 'npusim-evaluation';
export const LAB_FILE_VERSION = 1;

const count = z.int().min(0);
const fraction = z.number().min(0).max(1);
/** dB, or null where the quantized tensor equals the float one (no error to measure). */
const decibels = z.number().nullable();

const schemeFields = {
  weightBits: z.int(),
  activationBits: z.int(),
  bitsPerLayer: z.string(),
  perChannel: z.boolean(),
  symmetric: z.boolean(),
  signed: z.boolean(),
  weightRounding: z.string(),
  calibration: z.string(),
  requant: z.string(),
  shiftBias: z.int(),
  equalize: z.boolean(),
  biasCorrection: z.boolean(),
};
/** The scheme's options in a study row, in the order the row holds them. */
export type SchemeField = keyof typeof schemeFields;
export const SCHEME_FIELDS = Object.keys(schemeFields) as readonly SchemeField[];

const studyFigureFields = {
  accuracy: fraction,
  floatAccuracy: fraction,
  accuracyDropPoints: z.number(),
  agreement: fraction,
  meanSqnrDb: decibels,
  worstSqnrDb: decibels,
  weightBytes: count,
  compression: z.number().positive(),
  cycles: count,
  energyPj: z.number().min(0),
  accumulatorOverflows: count,
  outputClipped: count,
  layers: z.array(z.strictObject({ name: z.string(), sqnrDb: decibels, sqnrDbAlone: decibels })),
};

const studyRowSchema = z.strictObject({
  index: count,
  ...schemeFields,
  ...Object.fromEntries(Object.entries(studyFigureFields).map(([key, schema]) => [key, schema.optional()])),
  error: z.string().nullable().describe('why the scheme could not run; null when it ran'),
}) as unknown as z.ZodType<StudyFileRow>;

export type StudyFileRow = { readonly index: number; readonly error: string | null } & {
  readonly [K in keyof typeof schemeFields]: z.infer<(typeof schemeFields)[K]>;
} & { readonly [K in keyof typeof studyFigureFields]?: z.infer<(typeof studyFigureFields)[K]> };

export const studyFileSchema = z.strictObject({
  format: z.literal(STUDY_FORMAT),
  version: z.literal(LAB_FILE_VERSION),
  floatModel: z.string(),
  data: z.string(),
  hardware: z.string(),
  energyTable: z.string(),
  images: count,
  schemes: count.describe('schemes in the grid (a shard holds some of them)'),
  rows: z.array(studyRowSchema),
});
export type StudyFile = z.infer<typeof studyFileSchema>;

/** A row as JSON and CSV carry it: the scheme's options, then the figures (fractions in 0..1). */
export function studyFileRow(row: StudyRow): StudyFileRow {
  return { index: row.index, ...row.scheme, ...(row.figures ?? {}), error: row.error ?? null } as StudyFileRow;
}

export interface StudyHeader {
  readonly floatModel: string;
  readonly data: string;
  readonly hardware: string;
  readonly energyTable: string;
  readonly images: number;
  readonly schemes: number;
}

export function studyFile(header: StudyHeader, rows: readonly StudyRow[]): StudyFile {
  return { format: STUDY_FORMAT, version: LAB_FILE_VERSION, ...header, rows: rows.map(studyFileRow) };
}

const layerEvaluationSchema = z.strictObject({
  name: z.string(),
  op: z.string(),
  tensor: z.string(),
  type: z.string(),
  sqnrDb: decibels,
  sqnrDbAlone: decibels,
  formatRange: z.tuple([z.number(), z.number()]),
  floatRange: z.tuple([z.number(), z.number()]),
  clippedFraction: fraction,
  usedBits: count,
  unusedBits: count,
  accumulatorTransient: count,
  accumulatorFinal: count,
  outputClipped: count,
  partialBits: count,
});

export const evaluationFileSchema = z.strictObject({
  format: z.literal(EVALUATION_FORMAT),
  version: z.literal(LAB_FILE_VERSION),
  energyTable: z.string(),
  graph: z.string(),
  floatModel: z.string(),
  hardware: z.string(),
  data: z.string(),
  images: count,
  classes: count,
  floatAccuracy: fraction,
  accuracy: fraction,
  accuracyDropPoints: z.number(),
  agreement: fraction,
  top5: z.strictObject({ floatAccuracy: fraction, accuracy: fraction }).optional(),
  weightBytes: count,
  floatWeightBytes: count,
  compression: z.number().positive(),
  cycles: count,
  energyPj: z.number().min(0),
  latencyMs: z.number().min(0),
  smallestSafeAccumulatorBits: z.int().min(1),
  overflow: z.strictObject({ accumulatorTransient: count, accumulatorFinal: count, outputClipped: count }),
  sqnrThresholdDb: z.number(),
  firstLayerBelowThreshold: z.string().nullable(),
  meanSqnrDb: decibels,
  worstSqnrDb: decibels,
  aloneImages: count,
  layers: z.array(layerEvaluationSchema),
});
export type EvaluationFile = z.infer<typeof evaluationFileSchema>;

export function evaluationFile(evaluation: Evaluation, energyTable: string): EvaluationFile {
  return { format: EVALUATION_FORMAT, version: LAB_FILE_VERSION, energyTable, ...evaluation } as EvaluationFile;
}
