/** The shipped hardware presets (configs/*.json), and the default one under another requantization mode. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO, temporaryDirectory } from './files.js';

/** What configs/ ships, in name order: a preset added or gone fails the tests that list them. */
export const SHIPPED_PRESETS: readonly string[] = [
  'edge-npu-ort.json',
  'edge-npu.json',
  'ethos-u55-like.json',
  'eyeriss-like.json',
  'hexagon-like.json',
  'tpu-v1-like.json',
];

/**
 * A config file of edge-npu under the requantization `mode` (a library mode: it takes no rounding),
 * made from the parsed preset, which must still be tflite-double.
 */
export function edgeNpuUnder(mode: string): string {
  const file = join(temporaryDirectory(), `edge-npu-${mode}.json`);
  const config = JSON.parse(readFileSync(join(REPO, 'configs/edge-npu.json'), 'utf8')) as { $schema?: string; requant: { mode: string } };
  expect(config.requant.mode).toBe('tflite-double');
  config.requant.mode = mode;
  delete config.$schema;
  writeFileSync(file, JSON.stringify(config));
  return file;
}
