/**
 * TFLite models npusim has never seen: small random int8 and 16x8 models (conv with dilation and
 * per-tensor or per-channel weights, depthwise with a multiplier, add, pools, pad, concatenation,
 * quantize, mean, reshape, fully connected, softmax, every fused activation), each with a random
 * input; two-input int8 models with PADV2, TRANSPOSE before a flatten, MEAN with kept axes and
 * SQUEEZE; and the real models of models/ on inputs nobody chose. Every op's output is as the real
 * TFLite Micro interpreter and reference kernels compute it. The fixtures under test/fixtures/tflm/ are made by scripts/tflm/ (build.sh compiles TFLM at
 * 90b983c with g++, generate.mjs writes the models and runs them), never by npusim.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../support/files.js';
import { edgeNpuUnder } from '../../support/presets.js';
import { expectEqualsAnchor } from '../../support/tflmAnchors.js';

const FIXTURES = join(REPO, 'test/fixtures/tflm');
const CASES = readdirSync(FIXTURES).sort();

describe('random TFLite models equal TFLite Micro on every op output', () => {
  it('the fixtures hold eight int8, eight 16x8 and four two-input layout models, and six runs of the real models', () => {
    expect(CASES.filter((name) => name.startsWith('int8_')).length).toBe(8);
    expect(CASES.filter((name) => name.startsWith('int16x8_')).length).toBe(8);
    expect(CASES.filter((name) => name.startsWith('layout_')).length).toBe(4);
    expect(CASES.filter((name) => name.startsWith('real_'))).toEqual([
      'real_add0_1',
      'real_conv0_1',
      'real_conv1_1',
      'real_hello_world_int8_1',
      'real_person_detect_1',
      'real_person_detect_2',
    ]);
  });

  for (const name of CASES) {
    it(name, async () => {
      const folder = join(FIXTURES, name);
      await expectEqualsAnchor(modelOf(folder), folder);
    });
  }
});

describe("the same models equal TFLite Micro's single-rounding build under tflite-single", () => {
  const singles = CASES.filter((name) => existsSync(join(FIXTURES, name, 'single')));
  it('every fixture but the second person_detect run has a single-rounding twin', () => {
    expect(singles).toEqual(CASES.filter((name) => name !== 'real_person_detect_2'));
  });

  for (const name of singles) {
    it(name, async () => {
      const folder = join(FIXTURES, name);
      await expectEqualsAnchor(modelOf(folder), join(folder, 'single'), { hw: edgeNpuUnder('tflite-single'), inputsFolder: folder });
    });
  }
});

/** A random model is beside its tensors; a real one is named by the manifest and read from models/. */
function modelOf(folder: string): string {
  if (existsSync(join(folder, 'model.tflite'))) return join(folder, 'model.tflite');
  return join(REPO, 'models', (JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as { model: string }).model);
}
