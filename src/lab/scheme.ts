/** A post-training quantization scheme: every knob `npusim quantize` turns (docs/quantization.md). */
import type { SchemeField } from './files.js';
import type { RequantMode, RoundingMode } from '../numeric/index.js';
import type { CalibrationMethod } from './calibrate.js';

/**
 * The widths a scheme quantizes to: any from 2 to 16 bits. A width the hardware has no element
 * type for (2, 3, 5-7, 9-15) lives in the next wider one (4, 8 or 16 bits: `containerBits`) with its
 * values confined to its own range, as an 8-bit datapath runs a 6-bit network (docs/quantization.md).
 */
export const LAB_BITS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16] as const;
export type LabBits = (typeof LAB_BITS)[number];

/** The element type width that holds values of a width: 4, 8 or 16. */
export function containerBits(bits: LabBits): 4 | 8 | 16 {
  return bits <= 4 ? 4 : bits <= 8 ? 8 : 16;
}

export function isLabBits(value: unknown): value is LabBits {
  return (LAB_BITS as readonly unknown[]).includes(value);
}

export interface LayerBits {
  readonly weights?: LabBits | undefined;
  readonly activations?: LabBits | undefined;
}

export interface QuantizationScheme {
  readonly weightBits: LabBits;
  readonly activationBits: LabBits;
  /** Per op name: its weights' bits and its output's bits, where they differ from the defaults. */
  readonly bitsPerLayer: ReadonlyMap<string, LayerBits>;
  readonly perChannel: boolean;
  /** Activations with zero point 0 (symmetric) or placed by the range (asymmetric). Weights are always symmetric. */
  readonly symmetric: boolean;
  /** Signed (s) or unsigned (u) activation and output types. */
  readonly signed: boolean;
  /** How float weights and biases round to integers. */
  readonly weightRounding: RoundingMode;
  readonly calibration: CalibrationMethod;
  /** shift-only writes dynamic fixed point (power-of-two scales); the other modes write scales. */
  readonly requant: RequantMode;
  /** S-DFP: the exponent bias every activation's power-of-two scale takes (shift-only only). */
  readonly shiftBias: number;
  readonly equalize: boolean;
  readonly biasCorrection: boolean;
  /** Seed of stochastic weight rounding. */
  readonly seed: number;
}

export const DEFAULT_SCHEME: QuantizationScheme = {
  weightBits: 8,
  activationBits: 8,
  bitsPerLayer: new Map(),
  perChannel: true,
  symmetric: false,
  signed: true,
  weightRounding: 'half-even',
  calibration: { kind: 'minmax' },
  requant: 'tflite-double',
  shiftBias: 0,
  equalize: false,
  biasCorrection: false,
  seed: 1,
};

export function calibrationName(method: CalibrationMethod): string {
  return method.kind === 'percentile' ? `percentile:${method.percentile}` : method.kind;
}

/** The scheme's options as a study row holds them: exactly the fields of the study file's schema (lab/files.ts). */
export function schemeRecord(scheme: QuantizationScheme): Record<SchemeField, string | number | boolean> {
  return {
    weightBits: scheme.weightBits,
    activationBits: scheme.activationBits,
    bitsPerLayer: [...scheme.bitsPerLayer].map(([name, bits]) => `${name}:w${bits.weights ?? '-'}a${bits.activations ?? '-'}`).join(' '),
    perChannel: scheme.perChannel,
    symmetric: scheme.symmetric,
    signed: scheme.signed,
    weightRounding: scheme.weightRounding,
    calibration: calibrationName(scheme.calibration),
    requant: scheme.requant,
    shiftBias: scheme.shiftBias,
    equalize: scheme.equalize,
    biasCorrection: scheme.biasCorrection,
  };
}
