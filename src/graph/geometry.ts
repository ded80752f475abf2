/**
 * The geometry of array and pooling layers, from the graph's shapes: what both the schedule and the
 * kernels work from.
 */
/** What the geometry reads of a tensor: its shape (integer and float tensors alike). */
type Shaped = { readonly shape: readonly number[] };
import { type ArrayOp, isArrayOp, type PoolOp } from './ops.js';
import { windowedOutput } from './shapes.js';

export { type ArrayOp, isArrayOp, type PoolOp };

export interface ConvGeometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
  /** Input channels each output channel reads (C / groups; 1 for depthwise). */
  readonly groupChannels: number;
  /** Output channels per group (O / groups; the depth multiplier for depthwise). */
  readonly groupOutputs: number;
  /** Depthwise weights are [1, KH, KW, C*M]; others are OHWI. */
  readonly depthwise: boolean;
}

export interface PoolGeometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly channels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
  /** Window dilation (onnxruntime's MaxPool has it); 1 when absent. */
  readonly dilationHeight?: number;
  readonly dilationWidth?: number;
}

/**
 * The valid taps of output pixel (n, oh, ow)'s window in row-major order (rows outer), padded taps
 * left out: each tap's input pixel, as the NHWC element index of its channel 0, into `bases`
 * (room for filterHeight x filterWidth). Returns how many there are.
 */
export function windowTaps(g: PoolGeometry, n: number, oh: number, ow: number, bases: Int32Array): number {
  const dh = g.dilationHeight ?? 1;
  const dw = g.dilationWidth ?? 1;
  let taps = 0;
  for (let fh = 0; fh < g.filterHeight; fh += 1) {
    const ih = oh * g.strideHeight - g.padTop + fh * dh;
    if (ih < 0 || ih >= g.inHeight) continue;
    for (let fw = 0; fw < g.filterWidth; fw += 1) {
      const iw = ow * g.strideWidth - g.padLeft + fw * dw;
      if (iw < 0 || iw >= g.inWidth) continue;
      bases[taps] = ((n * g.inHeight + ih) * g.inWidth + iw) * g.channels;
      taps += 1;
    }
  }
  return taps;
}

/** A fully connected layer as the 1 x 1 convolution the array runs: `batch` rows of `depth` in, `outputs` out. */
export function fullyConnectedGeometry(batch: number, depth: number, outputs: number): ConvGeometry {
  return {
    batch,
    inHeight: 1,
    inWidth: 1,
    inChannels: depth,
    outHeight: 1,
    outWidth: 1,
    outChannels: outputs,
    kernelHeight: 1,
    kernelWidth: 1,
    strideHeight: 1,
    strideWidth: 1,
    dilationHeight: 1,
    dilationWidth: 1,
    padTop: 0,
    padLeft: 0,
    groupChannels: depth,
    groupOutputs: outputs,
    depthwise: false,
  };
}

export function convGeometry(op: ArrayOp, input: Shaped, weights: Shaped, output: Shaped): ConvGeometry {
  if (op.op === 'fully_connected') return fullyConnectedGeometry(input.shape[0] ?? 1, weights.shape[1] ?? 1, weights.shape[0] ?? 1);
  const [batch = 1, inHeight = 1, inWidth = 1, inChannels = 1] = input.shape;
  const [, outHeight = 1, outWidth = 1, outChannels = 1] = output.shape;
  const [, kernelHeight = 1, kernelWidth = 1, weightChannels = 1] = weights.shape;
  const window = windowedOutput(inHeight, inWidth, [kernelHeight, kernelWidth], op.stride, op.dilation, op.padding);
  const depthwise = op.op === 'depthwise_conv2d';
  return {
    batch,
    inHeight,
    inWidth,
    inChannels,
    outHeight,
    outWidth,
    outChannels,
    kernelHeight,
    kernelWidth,
    strideHeight: op.stride[0],
    strideWidth: op.stride[1],
    dilationHeight: op.dilation[0],
    dilationWidth: op.dilation[1],
    padTop: window.padding.top,
    padLeft: window.padding.left,
    groupChannels: depthwise ? 1 : weightChannels,
    groupOutputs: depthwise ? op.depthMultiplier : outChannels / op.groups,
    depthwise,
  };
}

export function poolGeometry(op: PoolOp, input: Shaped, output: Shaped): PoolGeometry {
  const [batch = 1, inHeight = 1, inWidth = 1, channels = 1] = input.shape;
  const [, outHeight = 1, outWidth = 1] = output.shape;
  if (op.op === 'global_avg_pool') {
    return {
      batch,
      inHeight,
      inWidth,
      channels,
      outHeight,
      outWidth,
      filterHeight: inHeight,
      filterWidth: inWidth,
      strideHeight: 1,
      strideWidth: 1,
      padTop: 0,
      padLeft: 0,
    };
  }
  const dilation: readonly [number, number] = op.op === 'max_pool' ? op.dilation : [1, 1];
  const window = windowedOutput(inHeight, inWidth, op.filter, op.stride, dilation, op.padding);
  return {
    batch,
    inHeight,
    inWidth,
    channels,
    outHeight,
    outWidth,
    filterHeight: op.filter[0],
    filterWidth: op.filter[1],
    strideHeight: op.stride[0],
    strideWidth: op.stride[1],
    padTop: window.padding.top,
    padLeft: window.padding.left,
    dilationHeight: dilation[0],
    dilationWidth: dilation[1],
  };
}
