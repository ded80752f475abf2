/**
 * The graph: a quantized network as tensors and ops, NHWC activations. Like the hardware config,
 * this zod schema validates files, types the model and generates the published JSON Schema.
 */
import { z } from 'zod';
import { FLOAT32_MAX, FLOAT32_MIN_NORMAL, MAX_DIMENSION, MAX_STRIDE } from './bounds.js';
import type { GraphOp } from '../graph/ops.js';
import { REQUANT_MODES } from '../numeric/index.js';
import { TENSOR_TYPES, type TensorTypeName } from '../graph/ops.js';
import { boundedInt, boundedNumber } from './common.js';

/** The most bytes a graph's sidecars may hold (2 GiB): far beyond any edge model, and within what a typed array can address. */
export const MAX_SIDECAR_BYTES = 2 ** 31;

const DIMENSION = { min: 1, max: MAX_DIMENSION } as const;
const PADDING = { min: 0, max: MAX_DIMENSION } as const;
const AXIS = { min: 0, max: 3 } as const;

export { TENSOR_TYPES, type TensorTypeName };

// A float32 normal number: the libraries npusim reproduces store scales as float32.
const scale = boundedNumber('real value of one integer step, a normal float32 value', { min: FLOAT32_MIN_NORMAL, max: FLOAT32_MAX });

export const quantSchema = z
  .union([
    z.strictObject({
      scale: scale,
      zeroPoint: z.int().describe("integer that represents real 0, within the tensor type's range"),
    }),
    z.strictObject({
      scale: z.array(scale).min(1).describe('one scale per channel'),
      zeroPoint: z
        .union([z.int(), z.array(z.int()).min(1)])
        .default(0)
        .describe("one zero point, or one per channel, within the tensor type's range"),
      axis: boundedInt('the channel axis the scales run along', AXIS),
    }),
    z.strictObject({
      fractionalBits: z.number().min(-64).max(64).int().describe('dynamic fixed point: value = q * 2^-fractionalBits; range -64..64'),
      shiftBias: z
        .int()
        .min(-32)
        .max(32)
        .optional()
        .describe('S-DFP exponent bias: value = q * 2^-(fractionalBits + shiftBias); range -32..32'),
    }),
  ])
  .describe('quantization: per tensor (scale, zeroPoint), per channel (scale[], zeroPoint, axis), or dynamic fixed point (fractionalBits)');

export const sidecarSchema = z
  .strictObject({
    file: z.string().min(1).describe('little-endian binary file, relative to the graph file'),
    offset: boundedInt('byte offset of the first element', { min: 0, max: MAX_SIDECAR_BYTES }),
  })
  .describe('data in a sidecar binary file; int4 packs two values a byte, low nibble first');

export const tensorSchema = z
  .strictObject({
    shape: z
      .array(boundedInt('dimension', DIMENSION))
      .min(1)
      .max(4)
      .describe('NHWC for activations; OHWI conv weights; [1,KH,KW,C*M] depthwise; [O,K] fully connected; [C] bias'),
    type: z.enum(TENSOR_TYPES).describe('element type (s32 for biases)'),
    quant: quantSchema.optional(),
    data: z
      .union([z.array(z.int()), sidecarSchema])
      .optional()
      .describe('constant data: inline, or in a sidecar file'),
  })
  .describe('a tensor');

const tensorName = z.string().min(1).describe('name of a tensor in "tensors"');
const pair = (what: string, range: { readonly min: number; readonly max: number }) =>
  z.tuple([boundedInt(what, range), boundedInt(what, range)]).describe(`${what} [height, width]`);
const stridePair = (what: string) => pair(what, { min: 1, max: MAX_STRIDE });
export const explicitPaddingSchema = z.strictObject({
  top: boundedInt('rows above', PADDING),
  left: boundedInt('columns left', PADDING),
  bottom: boundedInt('rows below', PADDING),
  right: boundedInt('columns right', PADDING),
});
const padding = z
  .union([z.enum(['same', 'valid']), explicitPaddingSchema])
  .default('valid')
  .describe('same (TFLite rule: extra row/column at the bottom/right), valid, or explicit');
export const activationSchema = z
  .union([
    z.enum(['none', 'relu', 'relu6']),
    z.strictObject({
      min: boundedNumber('real lower bound', { min: -FLOAT32_MAX, max: FLOAT32_MAX }),
      max: boundedNumber('real upper bound', { min: -FLOAT32_MAX, max: FLOAT32_MAX }),
    }),
  ])
  .default('none')
  .describe('fused activation: none, relu, relu6, or a clamp {min, max} in real values');

const base = {
  name: z.string().min(1).describe('op name (unique)'),
};

const conv = {
  ...base,
  input: tensorName,
  weights: tensorName,
  bias: tensorName.optional(),
  output: tensorName,
  stride: stridePair('stride').default([1, 1]),
  dilation: stridePair('dilation').default([1, 1]),
  padding,
  activation: activationSchema,
};

export const opSchema = z.discriminatedUnion('op', [
  z
    .strictObject({ ...conv, op: z.literal('conv2d'), groups: boundedInt('groups', DIMENSION).default(1) })
    .describe('2-D convolution, weights OHWI'),
  z
    .strictObject({
      ...conv,
      op: z.literal('depthwise_conv2d'),
      depthMultiplier: boundedInt('output channels per input channel', DIMENSION).default(1),
    })
    .describe('depthwise convolution, weights [1,KH,KW,C*M]'),
  z
    .strictObject({
      ...base,
      op: z.literal('fully_connected'),
      input: tensorName,
      weights: tensorName,
      bias: tensorName.optional(),
      output: tensorName,
      activation: activationSchema,
    })
    .describe('fully connected, weights [O,K]'),
  z
    .strictObject({
      ...base,
      op: z.literal('add'),
      inputs: z.tuple([tensorName, tensorName]),
      output: tensorName,
      activation: activationSchema,
    })
    .describe('element-wise add, both inputs rescaled to the output'),
  z
    .strictObject({
      ...base,
      op: z.literal('max_pool'),
      input: tensorName,
      output: tensorName,
      filter: pair('window', DIMENSION),
      stride: stridePair('stride').default([1, 1]),
      dilation: stridePair('dilation').default([1, 1]),
      padding,
      activation: activationSchema,
    })
    .describe('max pooling'),
  z
    .strictObject({
      ...base,
      op: z.literal('avg_pool'),
      input: tensorName,
      output: tensorName,
      filter: pair('window', DIMENSION),
      stride: stridePair('stride').default([1, 1]),
      padding,
      activation: activationSchema,
    })
    .describe('average pooling over the valid taps'),
  z
    .strictObject({ ...base, op: z.literal('global_avg_pool'), input: tensorName, output: tensorName })
    .describe('average over the whole H x W'),
  z
    .strictObject({
      ...base,
      op: z.literal('concat'),
      inputs: z.array(tensorName).min(2),
      output: tensorName,
      axis: boundedInt('axis', AXIS).default(3),
    })
    .describe('concatenation along an axis (channels by default)'),
  z
    .strictObject({ ...base, op: z.literal('reshape'), input: tensorName, output: tensorName })
    .describe('reshape or flatten; the output tensor gives the shape'),
  z
    .strictObject({ ...base, op: z.literal('pad'), input: tensorName, output: tensorName, padding: explicitPaddingSchema })
    .describe('spatial zero padding (the zero point is the pad value)'),
  z
    .strictObject({
      ...base,
      op: z.literal('softmax'),
      input: tensorName,
      output: tensorName,
      beta: boundedNumber('real factor on the input before exp (float32)', { min: FLOAT32_MIN_NORMAL, max: FLOAT32_MAX }).default(1),
    })
    .describe("softmax along the last axis (TFLite's int8 fixed-point algorithm; int8 in, int8 out with scale 1/256 and zero point -128)"),
  z
    .strictObject({
      ...base,
      op: z.literal('mean'),
      input: tensorName,
      output: tensorName,
      axes: z.array(boundedInt('axis', AXIS)).min(1).max(4).describe('axes reduced, increasing'),
    })
    .describe(
      "mean over axes, rescaled to the output's quantization (TFLite's integer MEAN); the output keeps reduced axes as 1 or drops them",
    ),
  z
    .strictObject({ ...base, op: z.literal('quantize'), input: tensorName, output: tensorName })
    .describe("rescale every element to the output's quantization (TFLite's QUANTIZE between integer types)"),
  z
    .strictObject({
      ...base,
      op: z.literal('transpose'),
      input: tensorName,
      output: tensorName,
      perm: z.array(boundedInt('axis', AXIS)).min(1).max(4).describe('output axis i is input axis perm[i]'),
    })
    .describe('permute the axes (data movement)'),
]);

const axisList = (what: string) => z.array(boundedInt(what, DIMENSION)).min(1).max(4);

export const sourceTensorSchema = z
  .strictObject({
    name: z.string().min(1).describe("the source model's tensor name"),
    shape: axisList('dimension').describe("the source model's shape"),
    layout: z.string().min(1).max(40).describe('the axis order, for people: NCHW, NHWC, NC, ...'),
    view: axisList('dimension').describe("npusim's values read as this shape (its element count)"),
    permutation: z
      .array(boundedInt('axis', AXIS))
      .min(1)
      .max(4)
      .describe('source axis j is view axis permutation[j]; the result, read as shape, is the source tensor'),
  })
  .describe("a tensor in the source model's terms");

export const sourceModelSchema = z
  .strictObject({
    format: z.enum(['tflite', 'onnx']).describe('the format of the model the graph was imported from'),
    model: z.string().min(1).describe("the model file's name"),
    inputs: z
      .array(
        z.strictObject({
          tensor: tensorName,
          dtype: z.enum(['int8', 'uint8', 'int16', 'float32']).describe('the dtype the model takes this input in'),
          quantizeLinear: z
            .strictObject({ scale, zeroPoint: z.int() })
            .optional()
            .describe("a float32 input becomes integers as onnxruntime's QuantizeLinear does"),
        }),
      )
      .min(1),
    tensors: z.record(z.string().min(1), sourceTensorSchema).describe('every activation tensor, by npusim tensor name'),
  })
  .describe('the model the graph was imported from, for --input (read in its terms) and --dump (written in its terms)');

export const graphSchema = z
  .strictObject({
    $schema: z.string().optional().describe('path or URL of this JSON Schema, for editors'),
    name: z.string().min(1).describe('network name'),
    description: z.string().optional(),
    inputs: z.array(tensorName).min(1).describe('graph inputs'),
    outputs: z.array(tensorName).min(1).describe('graph outputs'),
    tensors: z.record(z.string().min(1), tensorSchema).describe('every tensor, by name'),
    ops: z.array(opSchema).min(1).describe('ops in execution order'),
    quantizedFor: z
      .enum(REQUANT_MODES)
      .optional()
      .describe("the requantization mode the graph's scales were made for (reports name it beside the mode a run uses)"),
    source: sourceModelSchema.optional(),
    quantizedFrom: z
      .strictObject({
        model: z.string().min(1).describe("the float model: zoo:NAME, or a path relative to this graph file's folder"),
        scheme: z
          .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
          .describe('the quantization scheme npusim quantize used, option by option'),
      })
      .optional()
      .describe('for a graph written by npusim quantize: its float model and scheme (npusim evaluate compares with that model)'),
  })
  .describe('an npusim graph');

export type GraphFile = z.infer<typeof graphSchema>;
export type { GraphOp };
/** The schema produces the graph model's ops exactly: a compile error here means they drifted apart. */
type Produces<T extends GraphOp> = T;
export type GraphOpFile = Produces<z.infer<typeof opSchema>>;
export type TensorSpec = z.infer<typeof tensorSchema>;
export type QuantSpec = z.infer<typeof quantSchema>;
