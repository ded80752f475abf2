/**
 * One model, two runs: onnxruntime-node (CPU, every QDQ group fused) and npusim's ort-float run of
 * the same .onnx bytes imported as `run MODEL.onnx` imports them; every layer's tensor compared.
 */
import { expect } from 'vitest';
import { seededIntegers } from '../../src/engine/random.js';
import type { Graph } from '../../src/graph/model.js';
import { typeRange } from '../../src/graph/model.js';
import { importOnnx, nchwToNhwc, nhwcToNchw } from '../../src/importers/onnx/index.js';
import { simulate } from '../../src/pipeline/index.js';
import { FLOAT_COMPUTE_OPS, runOrt } from './onnx.js';
import type { ExportedModel } from './onnxExport.js';
import { ortHardware } from './ortHardware.js';

export interface Comparison {
  /** Tensors compared, and their elements. */
  readonly tensors: number;
  readonly elements: number;
  /** The op types onnxruntime ran. */
  readonly optimizedOps: string[];
  /** Elements strictly inside their type's range (the cases exercise requantization, not just saturation). */
  readonly interior: number;
}

/** Runs both and expects every tensor equal; QDQ models must leave no float compute op in onnxruntime. */
export async function compareWithOnnxruntime(model: ExportedModel, seed: number, level: 'disabled' | 'all'): Promise<Comparison> {
  const imported = importOnnx(model.bytes, 'model.onnx', 'model.bin');
  const graph: Graph = imported.graph;
  const inputName = graph.inputs[0] as string;
  const input = graph.tensors.get(inputName);
  if (input === undefined) throw new Error('no input');
  const { min, max } = typeRange(input.type);
  const nhwc = seededIntegers(
    seed,
    input.shape.reduce((a, b) => a * b, 1),
    min,
    max,
  );
  const nchw = input.shape.length === 4 ? nhwcToNchw(nhwc, model.input.dims) : nhwc;
  const quant = input.quant?.kind === 'affine' ? input.quant : undefined;
  const feed =
    model.input.type === 'float32'
      ? Array.from(nchw, (x) => Math.fround((x - (quant?.zeroPoints[0] ?? 0)) * (quant?.scales[0] ?? 1)))
      : Array.from(nchw);
  const theirs = await runOrt(
    model.bytes,
    { [model.input.name]: { type: model.input.type, data: feed, dims: model.input.dims } },
    { level },
  );
  if (model.input.type === 'float32') {
    // The QuantizeLinear at the input is the only one; every other group fused into its integer kernel.
    const leftover = theirs.optimizedOps.filter((op) => FLOAT_COMPUTE_OPS.includes(op) || op === 'DequantizeLinear');
    expect(leftover, `float ops onnxruntime did not fuse: ${theirs.optimizedOps.join(', ')}`).toEqual([]);
    expect(theirs.optimizedOps.filter((op) => op === 'QuantizeLinear')).toHaveLength(1);
  }
  const ours = simulate(graph, ortHardware(), { inputs: new Map([[inputName, nhwc]]) });
  let elements = 0;
  let interior = 0;
  for (const [name, dims] of model.outputs) {
    const expected = theirs.outputs[name];
    const values = ours.tensors.get(name);
    if (expected === undefined || values === undefined)
      throw new Error(`tensor ${name} missing (onnxruntime ${expected !== undefined}, npusim ${values !== undefined})`);
    const inOnnxOrder = dims.length === 4 ? nhwcToNchw(values, dims) : values;
    expect(Array.from(inOnnxOrder), `tensor "${name}"`).toEqual(expected.data);
    const type = graph.tensors.get(name)?.type;
    const range = type === undefined ? { min: 0, max: 0 } : typeRange(type);
    elements += expected.data.length;
    interior += expected.data.filter((value) => value > range.min && value < range.max).length;
  }
  void nchwToNhwc;
  return { tensors: model.outputs.size, elements, optimizedOps: theirs.optimizedOps, interior };
}
