/**
 * Cross-layer equalization of a depthwise convolution and the 1x1 convolution reading it (Nikolaev
 * et al., ICANN 2019; Nagel et al., "Data-Free Quantization", 2019): channel c of the depthwise
 * weights and bias is divided by s_c and input channel c of the pointwise weights multiplied by it,
 * with s_c = sqrt(r1_c / r2_c) (r1, r2 the channel's largest |weight| in each layer), so that both
 * layers' channel ranges become sqrt(r1_c x r2_c). For relu and none the float function is unchanged
 * (relu(x / s) = relu(x) / s for s > 0); a relu6 between them is not scale-equivariant and becomes
 * relu, as Nagel et al. do (the float reference the lab compares with stays the original model).
 */
import type { FloatGraph, FloatTensor } from '../graph/float.js';
import { type GraphOp, opInputs } from '../graph/ops.js';

export interface EqualizedPair {
  readonly depthwise: string;
  readonly pointwise: string;
  /** Whether the depthwise layer's relu6 became relu. */
  readonly relu6Dropped: boolean;
}

export function equalizeGraph(graph: FloatGraph): { graph: FloatGraph; pairs: EqualizedPair[] } {
  const tensors = new Map(graph.tensors);
  const ops: GraphOp[] = [...graph.ops];
  const readers = new Map<string, number>();
  for (const op of ops) for (const input of opInputs(op)) readers.set(input, (readers.get(input) ?? 0) + 1);
  const pairs: EqualizedPair[] = [];
  const data = (name: string | undefined): Float32Array | undefined => (name === undefined ? undefined : tensors.get(name)?.data);
  const replace = (name: string, values: Float32Array): void => {
    const tensor = tensors.get(name) as FloatTensor;
    tensors.set(name, { ...tensor, data: values });
  };
  ops.forEach((first, index) => {
    if (first.op !== 'depthwise_conv2d' || first.depthMultiplier !== 1) return;
    if (typeof first.activation !== 'string') return;
    const second = ops.find((op) => op.op === 'conv2d' && op.input === first.output);
    if (second === undefined || second.op !== 'conv2d' || second.groups !== 1) return;
    if ((readers.get(first.output) ?? 0) !== 1 || graph.outputs.includes(first.output)) return;
    const pointwiseShape = tensors.get(second.weights)?.shape ?? [];
    if (pointwiseShape[1] !== 1 || pointwiseShape[2] !== 1) return;
    const dw = data(first.weights);
    const pw = data(second.weights);
    if (dw === undefined || pw === undefined) return;
    const channels = pointwiseShape[3] ?? 1;
    const r1 = new Float64Array(channels);
    const r2 = new Float64Array(channels);
    dw.forEach((w, k) => {
      r1[k % channels] = Math.max(r1[k % channels] ?? 0, Math.abs(w));
    });
    pw.forEach((w, k) => {
      r2[k % channels] = Math.max(r2[k % channels] ?? 0, Math.abs(w));
    });
    const scales = Array.from(r1, (range, c) => (range > 0 && (r2[c] ?? 0) > 0 ? Math.sqrt(range / (r2[c] ?? 1)) : 1));
    replace(
      first.weights,
      Float32Array.from(dw, (w, k) => w / (scales[k % channels] ?? 1)),
    );
    const bias = data(first.bias);
    if (first.bias !== undefined && bias !== undefined)
      replace(
        first.bias,
        Float32Array.from(bias, (b, c) => b / (scales[c] ?? 1)),
      );
    replace(
      second.weights,
      Float32Array.from(pw, (w, k) => w * (scales[k % channels] ?? 1)),
    );
    const relu6Dropped = first.activation === 'relu6';
    if (relu6Dropped) ops[index] = { ...first, activation: 'relu' };
    pairs.push({ depthwise: first.name, pointwise: second.name, relu6Dropped });
  });
  return { graph: { ...graph, tensors, ops }, pairs };
}
