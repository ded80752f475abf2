/**
 * TFLite models npusim has never seen: small random int8 and 16x8 models (conv with dilation and
 * per-tensor or per-channel weights, depthwise with a multiplier, add, pools, pad, concatenation,
 * quantize, mean, reshape, fully connected, softmax, every fused activation), each with a random
 * input, and every op's output as the real TFLite Micro interpreter and reference kernels compute
 * it. The fixtures under test/fixtures/tflm/ are made by scripts/tflm/ (build.sh compiles TFLM at
 * 90b983c with g++, generate.mjs writes the models and runs them), never by npusim.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../support/files.js';
import { expectEqualsAnchor } from '../../support/tflmAnchors.js';

const FIXTURES = join(REPO, 'test/fixtures/tflm');
const CASES = readdirSync(FIXTURES).sort();

describe('random TFLite models equal TFLite Micro on every op output', () => {
  it('the fixtures hold eight int8 and eight 16x8 models', () => {
    expect(CASES.filter((name) => name.startsWith('int8_')).length).toBe(8);
    expect(CASES.filter((name) => name.startsWith('int16x8_')).length).toBe(8);
  });

  for (const name of CASES) {
    it(name, async () => {
      await expectEqualsAnchor(join(FIXTURES, name, 'model.tflite'), join(FIXTURES, name));
    });
  }
});
