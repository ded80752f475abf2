/** The options the lab commands (quantize, evaluate, study, search) share, declared once. */
import { availableParallelism } from 'node:os';
import {
  forceOption,
  hardwareOption,
  optionalWholeNumberOption,
  requiredStringOption,
  stringOption,
  wholeNumberOption,
} from './options.js';

export const LAB_FORMATS = ['table', 'json', 'csv'] as const;
export type LabFormat = (typeof LAB_FORMATS)[number];

export const DEFAULT_ALONE_IMAGES = 100;
export const DEFAULT_CALIBRATION_IMAGES = 500;

export const calibrationImagesOption = wholeNumberOption('calib-images', {
  describe: 'calibration images (the first N)',
  min: 1,
  max: 60000,
  default: DEFAULT_CALIBRATION_IMAGES,
});

/** What an exact evaluation over a data set takes: the hardware, the data, how much of it, workers, report. */
export const EVALUATION_OPTIONS = {
  hw: hardwareOption,
  data: requiredStringOption('data', 'mnist, fashion-mnist (test split) or a folder of .npy images with labels.json'),
  limit: optionalWholeNumberOption('limit', { describe: 'evaluate on the first N images', min: 1, max: 1_000_000 }),
  'sqnr-images': wholeNumberOption('sqnr-images', {
    describe: 'images on which each layer also runs alone',
    min: 0,
    max: 1_000_000,
    default: DEFAULT_ALONE_IMAGES,
  }),
  jobs: wholeNumberOption('jobs', {
    describe: 'worker threads, capped at the cores (results do not depend on it)',
    min: 1,
    max: 64,
    default: Math.min(4, availableParallelism()),
  }),
  format: { choices: LAB_FORMATS, default: 'table' as LabFormat, describe: 'report format' },
  out: stringOption('out', 'write the report to this file'),
  force: forceOption,
} as const;
