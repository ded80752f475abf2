/**
 * The zoo networks exported to ONNX (test/support/onnxExport.ts) run in onnxruntime-node and
 * through `npusim run` of the same bytes: every tensor of the dump manifest equal. Each network runs
 * in both forms (QOperator and QDQ), with int8 and uint8 activations and per-tensor and per-channel
 * weights between them.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ZOO_QUANT, zooGraph } from '../../../src/zoo/graph.js';
import { runOrt } from '../../support/onnx.js';
import { compareWithOnnxruntime } from '../../support/onnxCompare.js';
import { exportOnnx, type OnnxForm } from '../../support/onnxExport.js';

const cases: { name: string; form: OnnxForm; signed: boolean; perChannel: boolean }[] = [
  { name: 'small_cnn', form: 'qoperator', signed: true, perChannel: true },
  { name: 'small_cnn', form: 'qoperator', signed: false, perChannel: false },
  { name: 'small_cnn', form: 'qdq', signed: true, perChannel: false },
  { name: 'small_cnn', form: 'qdq', signed: false, perChannel: true },
  // Each 224 x 224 network in both forms, with both signednesses and both weight granularities.
  { name: 'mobilenet_v1', form: 'qoperator', signed: false, perChannel: true },
  { name: 'mobilenet_v1', form: 'qdq', signed: true, perChannel: false },
  { name: 'mobilenet_v2', form: 'qdq', signed: true, perChannel: true },
  { name: 'mobilenet_v2', form: 'qoperator', signed: false, perChannel: false },
  { name: 'resnet18', form: 'qdq', signed: false, perChannel: false },
  { name: 'resnet18', form: 'qoperator', signed: true, perChannel: true },
];

describe('zoo networks as ONNX: onnxruntime equals npusim on every layer', () => {
  it.each(cases)(
    '$name $form signed=$signed perChannel=$perChannel',
    async ({ name, form, signed, perChannel }) => {
      const graph = zooGraph(name, { ...DEFAULT_ZOO_QUANT, requant: 'ort-float', signedActivations: signed, perChannel });
      const model = exportOnnx(graph, { form, sevenBitWeights: !signed });
      const result = await compareWithOnnxruntime(model, 7, form === 'qdq' ? 'all' : 'disabled');
      expect(result.tensors).toBe(graph.ops.length);
      // Mostly requantized values, not saturation (uint8 ReLU outputs sit at 0 often).
      expect(result.interior / result.elements).toBeGreaterThan(0.3);
    },
    600_000,
  );

  it('adding every layer as a graph output does not change which integer kernels onnxruntime fuses a QDQ model into', async () => {
    const graph = zooGraph('small_cnn', { ...DEFAULT_ZOO_QUANT, requant: 'ort-float' });
    const ops = async (everyOutput: boolean) => {
      const model = exportOnnx(graph, { form: 'qdq', everyOutput });
      const feed = {
        [model.input.name]: {
          type: 'float32' as const,
          data: new Array(model.input.dims.reduce((a, b) => a * b, 1)).fill(0.25),
          dims: model.input.dims,
        },
      };
      // The NHWC layout transformer adds Transposes back to NCHW for every tensor that is a graph output: layout, not compute.
      return (await runOrt(model.bytes, feed, { level: 'all' })).optimizedOps.filter((op) => op !== 'Transpose');
    };
    expect(await ops(true)).toEqual(await ops(false));
  });
});
