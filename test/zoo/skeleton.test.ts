/**
 * A zoo network's skeleton (src/zoo/skeleton.ts) has the real graph's structure: the same ops, the
 * same tensors with the same shapes, types and kind of quantization, and so the same lowering on
 * every preset config (the same schedule, or the same error). A sweep trusts it to say which points
 * cannot run before it builds any network.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zooGraph } from '../../src/zoo/graph.js';
import { InputError } from '../../src/errors.js';
import { loadHardwareFile } from '../../src/formats/loadHardware.js';
import type { Graph, Tensor } from '../../src/graph/model.js';
import { checkAndLower } from '../../src/pipeline/index.js';
import type { ZooName, ZooOptions } from '../../src/zoo/index.js';
import { zooSkeleton } from '../../src/zoo/skeleton.js';
import { REPO } from '../support/files.js';

type Quant = Omit<ZooOptions, 'sidecarFile'>;
const DEFAULT: Quant = {
  seed: 1,
  weightBits: 8,
  activationBits: 8,
  perChannel: true,
  signedActivations: true,
  requant: 'tflite-double',
  rounding: 'half-away',
};

const PRESETS = readdirSync(join(REPO, 'configs'))
  .filter((name) => name.endsWith('.json'))
  .map((name) => loadHardwareFile(join(REPO, 'configs', name)));

/** What the structure checks can see of a tensor: everything but its numbers. */
function structureOf(tensor: Tensor): unknown {
  const quant = tensor.quant;
  const kind =
    quant === undefined
      ? 'none'
      : quant.kind === 'dfp'
        ? 'dfp'
        : { scales: quant.scales.length, zeroPoints: quant.zeroPoints.length, axis: quant.axis };
  return { name: tensor.name, shape: tensor.shape, type: tensor.type, quant: kind };
}

function lowered(graph: Graph, preset: (typeof PRESETS)[number]): unknown {
  try {
    return checkAndLower(graph, preset);
  } catch (error) {
    if (error instanceof InputError) return `error: ${error.describe()}`;
    throw error;
  }
}

function expectSameStructure(name: ZooName, quant: Quant): void {
  const real = zooGraph(name, quant);
  const skeleton = zooSkeleton(name, quant);
  expect(skeleton.file).toBe(real.file);
  expect(skeleton.name).toBe(real.name);
  expect(skeleton.inputs).toEqual(real.inputs);
  expect(skeleton.outputs).toEqual(real.outputs);
  expect(skeleton.ops).toEqual(real.ops);
  expect([...skeleton.tensors.values()].map(structureOf)).toEqual([...real.tensors.values()].map(structureOf));
  // Ops that move values keep their input's quantization in both (the vector-op rule compares them).
  for (const op of real.ops) {
    if (!('input' in op) || 'weights' in op) continue;
    const same = (graph: Graph) =>
      JSON.stringify(graph.tensors.get(op.input)?.quant) === JSON.stringify(graph.tensors.get(op.output)?.quant);
    expect(same(skeleton)).toBe(same(real));
  }
  for (const preset of PRESETS) expect(lowered(skeleton, preset)).toEqual(lowered(real, preset));
}

describe('zoo skeletons', () => {
  const variants: ReadonlyArray<Partial<Quant>> = [
    {},
    { weightBits: 4, perChannel: false, signedActivations: false },
    { weightBits: 16, activationBits: 16, requant: 'shift-only' },
    { activationBits: 4, requant: 'ort-float' },
    { activationBits: 16, requant: 'shift-only', perChannel: false },
    { weightBits: 4, requant: 'hvx', perChannel: false },
    { weightBits: 4, activationBits: 4, requant: 'gemmlowp', signedActivations: false },
    { requant: 'cmsis-nn', seed: 7, rounding: 'half-even' },
  ];
  for (const variant of variants) {
    it(`small_cnn ${JSON.stringify(variant)} has the real graph's structure and lowering`, () => {
      expectSameStructure('small_cnn', { ...DEFAULT, ...variant });
    });
  }

  it("mobilenet_v1 has the real graph's structure and lowering", () => {
    expectSameStructure('mobilenet_v1', DEFAULT);
  });
});
