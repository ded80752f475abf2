/**
 * The float reference: every op of a float graph in float32 over NHWC tensors, in plain loops.
 * Sums are kept in double and stored as float32 once per output, so the result is within float32
 * rounding of any other correct float32 implementation (onnxruntime sums in float32 in its own
 * order; tests compare with a relative tolerance, never bit for bit).
 */
import type { FloatGraph } from '../graph/float.js';
import { convGeometry, poolGeometry, windowTaps } from '../graph/geometry.js';
import type { AddOp, ArrayOp, ConcatOp, FusedActivation, GraphOp, MeanOp, PadOp, PoolOp, SoftmaxOp, TransposeOp } from '../graph/ops.js';
import { elementCount } from '../graph/shapes.js';
import { floatConvSums } from '../kernels/simd/floatConv.js';
import { defaultKernels, simdKernels } from '../kernels/simd/module.js';

export type FloatValues = Map<string, Float32Array>;

function clampOf(activation: FusedActivation): { low: number; high: number } {
  if (activation === 'none') return { low: Number.NEGATIVE_INFINITY, high: Number.POSITIVE_INFINITY };
  if (activation === 'relu') return { low: 0, high: Number.POSITIVE_INFINITY };
  if (activation === 'relu6') return { low: 0, high: 6 };
  return { low: activation.min, high: activation.max };
}

function activate(value: number, clamp: { low: number; high: number }): number {
  return value < clamp.low ? clamp.low : value > clamp.high ? clamp.high : value;
}

class FloatRun {
  readonly values: FloatValues = new Map();

  constructor(private readonly graph: FloatGraph) {}

  private shape(name: string): readonly number[] {
    const tensor = this.graph.tensors.get(name);
    if (tensor === undefined) throw new Error(`float graph ${this.graph.name} has no tensor ${name}`);
    return tensor.shape;
  }

  value(name: string): Float32Array {
    const known = this.values.get(name);
    if (known !== undefined) return known;
    const data = this.graph.tensors.get(name)?.data;
    if (data === undefined) throw new Error(`float graph ${this.graph.name}: ${name} has no value yet`);
    return data;
  }

  run(op: GraphOp): void {
    this.values.set(op.output, this.compute(op));
  }

  private compute(op: GraphOp): Float32Array {
    switch (op.op) {
      case 'conv2d':
      case 'depthwise_conv2d':
      case 'fully_connected':
        return this.arrayOp(op);
      case 'add':
        return this.add(op);
      case 'max_pool':
      case 'avg_pool':
      case 'global_avg_pool':
        return this.pool(op);
      case 'concat':
        return this.concat(op);
      case 'reshape':
      case 'quantize':
        return Float32Array.from(this.value(op.input));
      case 'pad':
        return this.pad(op);
      case 'softmax':
        return this.softmax(op);
      case 'mean':
        return this.mean(op);
      case 'transpose':
        return this.transpose(op);
    }
  }

  private arrayOp(op: ArrayOp): Float32Array {
    const input = this.value(op.input);
    const weights = this.value(op.weights);
    const bias = op.bias === undefined ? undefined : this.value(op.bias);
    const g = convGeometry(op, { shape: this.shape(op.input) }, { shape: this.shape(op.weights) }, { shape: this.shape(op.output) });
    const clamp = clampOf(op.activation);
    const output = new Float32Array(g.batch * g.outHeight * g.outWidth * g.outChannels);
    // The SIMD kernels compute the same doubles in the same order (kernels/simd/floatConv.ts).
    const kernels = defaultKernels() === 'simd' ? simdKernels() : undefined;
    const sums = kernels === undefined ? undefined : floatConvSums(kernels, g, input, weights, bias);
    if (sums !== undefined) {
      for (let index = 0; index < output.length; index += 1) output[index] = activate(sums[index] as number, clamp);
      return output;
    }
    const taps = g.kernelHeight * g.kernelWidth;
    for (let n = 0; n < g.batch; n += 1) {
      for (let oh = 0; oh < g.outHeight; oh += 1) {
        for (let ow = 0; ow < g.outWidth; ow += 1) {
          const outBase = ((n * g.outHeight + oh) * g.outWidth + ow) * g.outChannels;
          for (let oc = 0; oc < g.outChannels; oc += 1) {
            const group = Math.floor(oc / g.groupOutputs);
            let sum = bias?.[oc] ?? 0;
            for (let ky = 0; ky < g.kernelHeight; ky += 1) {
              const ih = oh * g.strideHeight - g.padTop + ky * g.dilationHeight;
              if (ih < 0 || ih >= g.inHeight) continue;
              for (let kx = 0; kx < g.kernelWidth; kx += 1) {
                const iw = ow * g.strideWidth - g.padLeft + kx * g.dilationWidth;
                if (iw < 0 || iw >= g.inWidth) continue;
                const inBase = ((n * g.inHeight + ih) * g.inWidth + iw) * g.inChannels;
                const tap = ky * g.kernelWidth + kx;
                if (g.depthwise) {
                  sum += (input[inBase + group] ?? 0) * (weights[tap * g.outChannels + oc] ?? 0);
                } else {
                  const weightBase = (oc * taps + tap) * g.groupChannels;
                  const channelBase = inBase + group * g.groupChannels;
                  for (let c = 0; c < g.groupChannels; c += 1) sum += (input[channelBase + c] ?? 0) * (weights[weightBase + c] ?? 0);
                }
              }
            }
            output[outBase + oc] = activate(sum, clamp);
          }
        }
      }
    }
    return output;
  }

  private add(op: AddOp): Float32Array {
    const [a, b] = op.inputs.map((name) => this.value(name)) as [Float32Array, Float32Array];
    const clamp = clampOf(op.activation);
    return a.map((value, index) => activate(value + (b[index] ?? 0), clamp));
  }

  private pool(op: PoolOp): Float32Array {
    const input = this.value(op.input);
    const g = poolGeometry(op, { shape: this.shape(op.input) }, { shape: this.shape(op.output) });
    const clamp = clampOf(op.op === 'global_avg_pool' ? 'none' : op.activation);
    const output = new Float32Array(g.batch * g.outHeight * g.outWidth * g.channels);
    // Channels innermost, each with its own maximum and sum over the taps in window order.
    const channels = g.channels;
    const bases = new Int32Array(g.filterHeight * g.filterWidth);
    const best = new Float64Array(channels);
    const sum = new Float64Array(channels);
    const isMax = op.op === 'max_pool';
    for (let n = 0; n < g.batch; n += 1) {
      for (let oh = 0; oh < g.outHeight; oh += 1) {
        for (let ow = 0; ow < g.outWidth; ow += 1) {
          best.fill(Number.NEGATIVE_INFINITY);
          sum.fill(0);
          const count = windowTaps(g, n, oh, ow, bases);
          for (let tap = 0; tap < count; tap += 1) {
            const base = bases[tap] as number;
            for (let c = 0; c < channels; c += 1) {
              const value = input[base + c] as number;
              if (value > (best[c] as number)) best[c] = value;
              sum[c] = (sum[c] as number) + value;
            }
          }
          const outBase = ((n * g.outHeight + oh) * g.outWidth + ow) * channels;
          for (let c = 0; c < channels; c += 1)
            output[outBase + c] = activate(isMax ? (best[c] as number) : (sum[c] as number) / count, clamp);
        }
      }
    }
    return output;
  }

  /** Concatenation along one axis: each input's blocks of (its extent x inner) interleaved in input order. */
  private concat(op: ConcatOp): Float32Array {
    const shape = this.shape(op.output);
    const axis = op.axis < 0 ? shape.length + op.axis : op.axis;
    const outer = elementCount(shape.slice(0, axis));
    const inner = elementCount(shape.slice(axis + 1));
    const output = new Float32Array(elementCount(shape));
    let position = 0;
    for (let o = 0; o < outer; o += 1) {
      for (const name of op.inputs) {
        const block = (this.shape(name)[axis] ?? 1) * inner;
        output.set(this.value(name).subarray(o * block, (o + 1) * block), position);
        position += block;
      }
    }
    return output;
  }

  private pad(op: PadOp): Float32Array {
    const input = this.value(op.input);
    const [batch = 1, height = 1, width = 1, channels = 1] = this.shape(op.input);
    const [, outHeight = 1, outWidth = 1] = this.shape(op.output);
    const output = new Float32Array(batch * outHeight * outWidth * channels);
    for (let n = 0; n < batch; n += 1)
      for (let h = 0; h < height; h += 1)
        for (let w = 0; w < width; w += 1) {
          const from = ((n * height + h) * width + w) * channels;
          const to = ((n * outHeight + h + op.padding.top) * outWidth + w + op.padding.left) * channels;
          output.set(input.subarray(from, from + channels), to);
        }
    return output;
  }

  private softmax(op: SoftmaxOp): Float32Array {
    const input = this.value(op.input);
    const shape = this.shape(op.input);
    const depth = shape[shape.length - 1] ?? 1;
    const output = new Float32Array(input.length);
    for (let row = 0; row < input.length / depth; row += 1) {
      const slice = input.subarray(row * depth, (row + 1) * depth);
      const peak = slice.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
      const exps = Array.from(slice, (value) => Math.exp(op.beta * (value - peak)));
      const total = exps.reduce((a, b) => a + b, 0);
      exps.forEach((value, index) => {
        output[row * depth + index] = value / total;
      });
    }
    return output;
  }

  private mean(op: MeanOp): Float32Array {
    const input = this.value(op.input);
    const shape = this.shape(op.input);
    const kept = shape.map((extent, axis) => (op.axes.includes(axis) ? 1 : extent));
    const sums = new Float64Array(elementCount(kept));
    const strides = kept.map((_, axis) => elementCount(kept.slice(axis + 1)));
    const index = shape.map(() => 0);
    for (let flat = 0; flat < input.length; flat += 1) {
      let target = 0;
      for (let axis = 0; axis < shape.length; axis += 1) if (!op.axes.includes(axis)) target += (index[axis] ?? 0) * (strides[axis] ?? 0);
      sums[target] = (sums[target] ?? 0) + (input[flat] ?? 0);
      for (let axis = shape.length - 1; axis >= 0; axis -= 1) {
        index[axis] = (index[axis] ?? 0) + 1;
        if ((index[axis] ?? 0) < (shape[axis] ?? 1)) break;
        index[axis] = 0;
      }
    }
    const count = input.length / sums.length;
    return Float32Array.from(sums, (sum) => sum / count);
  }

  private transpose(op: TransposeOp): Float32Array {
    const input = this.value(op.input);
    const shape = this.shape(op.input);
    const outShape = op.perm.map((axis) => shape[axis] ?? 1);
    const inStrides = shape.map((_, axis) => elementCount(shape.slice(axis + 1)));
    const output = new Float32Array(input.length);
    const index = outShape.map(() => 0);
    for (let flat = 0; flat < output.length; flat += 1) {
      let from = 0;
      for (let axis = 0; axis < outShape.length; axis += 1) from += (index[axis] ?? 0) * (inStrides[op.perm[axis] ?? 0] ?? 0);
      output[flat] = input[from] ?? 0;
      for (let axis = outShape.length - 1; axis >= 0; axis -= 1) {
        index[axis] = (index[axis] ?? 0) + 1;
        if ((index[axis] ?? 0) < (outShape[axis] ?? 1)) break;
        index[axis] = 0;
      }
    }
    return output;
  }
}

/**
 * Runs a float graph on its inputs (NHWC float32, by input name) and returns every tensor it
 * computes, inputs included, by name.
 */
export function runFloat(graph: FloatGraph, inputs: ReadonlyMap<string, Float32Array>): FloatValues {
  const run = new FloatRun(graph);
  for (const name of graph.inputs) {
    const values = inputs.get(name);
    const expected = elementCount(graph.tensors.get(name)?.shape ?? []);
    if (values === undefined) throw new Error(`float graph ${graph.name}: no value for input ${name}`);
    if (values.length !== expected)
      throw new Error(`float graph ${graph.name}: input ${name} has ${values.length} values, expected ${expected}`);
    run.values.set(name, values);
  }
  for (const op of graph.ops) run.run(op);
  return run.values;
}
