/**
 * npusim equals onnxruntime on models neither has seen: random small networks (a fixed fast-check
 * seed, NPUSIM_SEED replays or explores) exported to QOperator and to QDQ, int8 and uint8, every
 * layer compared; QDQ runs with every group fused (no float compute op left).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareWithOnnxruntime } from '../../support/onnxCompare.js';
import { exportOnnx, type OnnxForm } from '../../support/onnxExport.js';
import { PROPERTY_SEED } from '../../support/property.js';
import { randomModel } from '../../support/randomModels.js';

const MODELS = 60;

describe('random quantized models: onnxruntime equals npusim on every layer', () => {
  it.each(['qoperator', 'qdq'] as OnnxForm[])(
    `%s (${MODELS} models)`,
    async (form) => {
      let ran = 0;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
          const { graph } = randomModel(seed, form);
          const model = exportOnnx(graph, { form });
          const result = await compareWithOnnxruntime(model, seed, form === 'qdq' ? 'all' : 'disabled');
          expect(result.tensors).toBe(graph.ops.length);
          ran += 1;
        }),
        { seed: PROPERTY_SEED, numRuns: MODELS },
      );
      expect(ran).toBe(MODELS);
    },
    300_000,
  );
});
