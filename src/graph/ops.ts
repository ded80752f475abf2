/**
 * The ops of npusim's graph model and their parameters, NHWC activations. The graph file's schema
 * (src/formats/graphSchema.ts) produces exactly these (a compile-time check there keeps the two
 * equal); everything below formats/ reads these types.
 */

/** An element type as the field writes it: s (signed) or u (unsigned), then the width in bits. */
export const ELEMENT_TYPES = ['s4', 'u4', 's8', 'u8', 's16', 'u16'] as const;
export type ElementTypeName = (typeof ELEMENT_TYPES)[number];

/** Element types and s32 (biases). */
export const TENSOR_TYPES = [...ELEMENT_TYPES, 's32'] as const;
export type TensorTypeName = (typeof TENSOR_TYPES)[number];

export interface ExplicitPadding {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

/** same (TFLite's rule: the extra row/column at the bottom/right), valid, or explicit. */
export type Padding = 'same' | 'valid' | ExplicitPadding;

/** A fused activation: none, relu, relu6, or a clamp in real values. */
export type FusedActivation = 'none' | 'relu' | 'relu6' | { readonly min: number; readonly max: number };

type Pair = readonly [number, number];

interface OpBase {
  /** Unique within the graph. */
  readonly name: string;
  readonly output: string;
}

interface ConvBase extends OpBase {
  readonly input: string;
  readonly weights: string;
  readonly bias?: string | undefined;
  readonly stride: Pair;
  readonly dilation: Pair;
  readonly padding: Padding;
  readonly activation: FusedActivation;
}

/** 2-D convolution, weights OHWI. */
export interface Conv2dOp extends ConvBase {
  readonly op: 'conv2d';
  readonly groups: number;
}

/** Depthwise convolution, weights [1, KH, KW, C x M]. */
export interface DepthwiseConv2dOp extends ConvBase {
  readonly op: 'depthwise_conv2d';
  readonly depthMultiplier: number;
}

/** Fully connected, weights [O, K]. */
export interface FullyConnectedOp extends OpBase {
  readonly op: 'fully_connected';
  readonly input: string;
  readonly weights: string;
  readonly bias?: string | undefined;
  readonly activation: FusedActivation;
}

/** Element-wise add, both inputs rescaled to the output. */
export interface AddOp extends OpBase {
  readonly op: 'add';
  readonly inputs: readonly [string, string];
  readonly activation: FusedActivation;
}

export interface MaxPoolOp extends OpBase {
  readonly op: 'max_pool';
  readonly input: string;
  readonly filter: Pair;
  readonly stride: Pair;
  readonly dilation: Pair;
  readonly padding: Padding;
  readonly activation: FusedActivation;
}

/** Average pooling over the valid taps. */
export interface AvgPoolOp extends OpBase {
  readonly op: 'avg_pool';
  readonly input: string;
  readonly filter: Pair;
  readonly stride: Pair;
  readonly padding: Padding;
  readonly activation: FusedActivation;
}

/** The average over the whole H x W. */
export interface GlobalAvgPoolOp extends OpBase {
  readonly op: 'global_avg_pool';
  readonly input: string;
}

export interface ConcatOp extends OpBase {
  readonly op: 'concat';
  readonly inputs: readonly string[];
  readonly axis: number;
}

/** Reshape or flatten: the output tensor gives the shape. */
export interface ReshapeOp extends OpBase {
  readonly op: 'reshape';
  readonly input: string;
}

/** Spatial padding with the input's zero point. */
export interface PadOp extends OpBase {
  readonly op: 'pad';
  readonly input: string;
  readonly padding: ExplicitPadding;
}

/** Softmax along the last axis, TFLite's int8 fixed-point algorithm (docs/numerics.md, section 8). */
export interface SoftmaxOp extends OpBase {
  readonly op: 'softmax';
  readonly input: string;
  /** The real factor on the input before exp, as float32 (TFLite's beta). */
  readonly beta: number;
}

/** The mean over some axes, rescaled to the output's quantization (TFLite's integer MEAN). */
export interface MeanOp extends OpBase {
  readonly op: 'mean';
  readonly input: string;
  /** Axes reduced, increasing; the output keeps them as 1 or drops them (its shape says which). */
  readonly axes: readonly number[];
}

/** Every element rescaled from the input's quantization to the output's (TFLite's QUANTIZE between integer types). */
export interface QuantizeOp extends OpBase {
  readonly op: 'quantize';
  readonly input: string;
}

/** A permutation of the axes: output axis i is input axis perm[i] (data movement only). */
export interface TransposeOp extends OpBase {
  readonly op: 'transpose';
  readonly input: string;
  readonly perm: readonly number[];
}

export type GraphOp =
  | Conv2dOp
  | DepthwiseConv2dOp
  | FullyConnectedOp
  | AddOp
  | MaxPoolOp
  | AvgPoolOp
  | GlobalAvgPoolOp
  | ConcatOp
  | ReshapeOp
  | PadOp
  | SoftmaxOp
  | MeanOp
  | QuantizeOp
  | TransposeOp;
export type OpType = GraphOp['op'];

export const OP_TYPES: readonly OpType[] = [
  'conv2d',
  'depthwise_conv2d',
  'fully_connected',
  'add',
  'max_pool',
  'avg_pool',
  'global_avg_pool',
  'concat',
  'reshape',
  'pad',
  'softmax',
  'mean',
  'quantize',
  'transpose',
];

/** The ops the MAC array runs; the others run on the vector unit (reshape on neither). */
export type ArrayOp = Conv2dOp | DepthwiseConv2dOp | FullyConnectedOp;
export type PoolOp = MaxPoolOp | AvgPoolOp | GlobalAvgPoolOp;

export function isArrayOp(op: GraphOp): op is ArrayOp {
  return op.op === 'conv2d' || op.op === 'depthwise_conv2d' || op.op === 'fully_connected';
}

/** The tensors an op reads, by role. */
export function opInputs(op: GraphOp): string[] {
  switch (op.op) {
    case 'conv2d':
    case 'depthwise_conv2d':
    case 'fully_connected':
      return [op.input, op.weights, ...(op.bias === undefined ? [] : [op.bias])];
    case 'add':
    case 'concat':
      return [...op.inputs];
    default:
      return [op.input];
  }
}
