/**
 * A quantized graph back in float: every weight becomes scale x (q - zero point) with its own
 * channel's scale, every bias q x input scale x weight scale (the scale the integer kernels give
 * it), and the activations lose their quantization. Ops, names and fused activations stay as they
 * are (fused bounds are real values already), so the lab can requantize a real int8 model under
 * any scheme and compare each tensor with its float twin.
 */
import type { FloatGraph, FloatTensor } from '../graph/float.js';
import type { Graph, Tensor } from '../graph/model.js';
import { isArrayOp } from '../graph/ops.js';
import { realScaleOf } from '../graph/quantization.js';

/** The real value of one step in channel `channel` of a tensor (its only scale when per tensor). */
function channelScale(tensor: Tensor, channel: number): number {
  const quant = tensor.quant;
  if (quant?.kind === 'affine') return quant.scales[quant.scales.length === 1 ? 0 : channel] ?? 1;
  return realScaleOf(tensor);
}

function channelZeroPoint(tensor: Tensor, channel: number): number {
  const quant = tensor.quant;
  return quant?.kind === 'affine' ? (quant.zeroPoints[quant.zeroPoints.length === 1 ? 0 : channel] ?? 0) : 0;
}

/** The channel of each element along the quantization axis (0 when per tensor). */
function channelOf(tensor: Tensor): (index: number) => number {
  const quant = tensor.quant;
  if (quant?.kind !== 'affine' || quant.scales.length === 1 || quant.axis === undefined) return () => 0;
  const axis = quant.axis;
  const inner = tensor.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const extent = tensor.shape[axis] ?? 1;
  return (index) => Math.floor(index / inner) % extent;
}

function dequantizeWeights(tensor: Tensor): Float32Array {
  const data = tensor.data ?? new Int32Array(0);
  const channel = channelOf(tensor);
  return Float32Array.from(data, (q, index) => channelScale(tensor, channel(index)) * (q - channelZeroPoint(tensor, channel(index))));
}

export function dequantizeGraph(graph: Graph): FloatGraph {
  const tensors = new Map<string, FloatTensor>();
  for (const [name, tensor] of graph.tensors) {
    tensors.set(name, { name, shape: tensor.shape, data: tensor.data === undefined ? undefined : dequantizeWeights(tensor) });
  }
  for (const op of graph.ops) {
    if (!isArrayOp(op) || op.bias === undefined) continue;
    const bias = graph.tensors.get(op.bias);
    const input = graph.tensors.get(op.input);
    const weights = graph.tensors.get(op.weights);
    if (bias?.data === undefined || input === undefined || weights === undefined) continue;
    const inputScale = realScaleOf(input);
    const values = Float32Array.from(bias.data, (q, channel) => q * inputScale * channelScale(weights, channel));
    tensors.set(op.bias, { name: op.bias, shape: bias.shape, data: values });
  }
  return {
    name: graph.name,
    file: graph.file,
    origin: {
      kind: 'dequantized',
      from: graph.file,
      inputs: graph.inputs.map((name) => {
        const tensor = graph.tensors.get(name) as Tensor;
        return { tensor: name, scale: channelScale(tensor, 0), zeroPoint: channelZeroPoint(tensor, 0) };
      }),
    },
    inputs: graph.inputs,
    outputs: graph.outputs,
    tensors,
    ops: graph.ops,
    source:
      graph.source === undefined
        ? undefined
        : { ...graph.source, inputs: graph.source.inputs.map((input) => ({ tensor: input.tensor, dtype: 'float32' as const })) },
  };
}

/** A quantized graph input's real values: scale x (q - zero point), as the float twin takes them. */
export function dequantizeInput(tensor: Tensor, values: ArrayLike<number>): Float32Array {
  const scale = channelScale(tensor, 0);
  const zeroPoint = channelZeroPoint(tensor, 0);
  return Float32Array.from(values as ArrayLike<number>, (q) => scale * (q - zeroPoint));
}
