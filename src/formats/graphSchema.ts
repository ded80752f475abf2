/**
 * The graph: a quantized network as tensors and ops, NHWC activations. Like the hardware config,
 * this zod schema validates files, types the model and generates the published JSON Schema.
 */
import { z } from 'zod';
import { ELEMENT_TYPES, nonNegativeInt, positiveInt } from './common.js';

export const TENSOR_TYPES = [...ELEMENT_TYPES, 's32'] as const;
export type TensorTypeName = (typeof TENSOR_TYPES)[number];

const scale = z.number().positive().describe('real value of one integer step');

export const quantSchema = z
  .union([
    z.strictObject({
      scale: scale,
      zeroPoint: z.int().describe('integer that represents real 0'),
    }),
    z.strictObject({
      scale: z.array(scale).min(1).describe('one scale per channel'),
      zeroPoint: z.union([z.int(), z.array(z.int()).min(1)]).default(0).describe('one zero point, or one per channel'),
      axis: nonNegativeInt('the channel axis the scales run along'),
    }),
    z.strictObject({
      fractionalBits: z.int().min(-64).max(64).describe('dynamic fixed point: value = q * 2^-fractionalBits'),
      shiftBias: z.int().min(-32).max(32).optional().describe('S-DFP exponent bias: value = q * 2^-(fractionalBits + shiftBias)'),
    }),
  ])
  .describe('quantization: per tensor (scale, zeroPoint), per channel (scale[], zeroPoint, axis), or dynamic fixed point (fractionalBits)');

export const sidecarSchema = z
  .strictObject({
    file: z.string().min(1).describe('little-endian binary file, relative to the graph file'),
    offset: nonNegativeInt('byte offset of the first element'),
  })
  .describe('data in a sidecar binary file; int4 packs two values a byte, low nibble first');

export const tensorSchema = z
  .strictObject({
    shape: z.array(positiveInt('dimension')).min(1).max(4).describe('NHWC for activations; OHWI conv weights; [1,KH,KW,C*M] depthwise; [O,K] fully connected; [C] bias'),
    type: z.enum(TENSOR_TYPES).describe('element type (s32 for biases)'),
    quant: quantSchema.optional(),
    data: z.union([z.array(z.int()), sidecarSchema]).optional().describe('constant data: inline, or in a sidecar file'),
  })
  .describe('a tensor');

const tensorName = z.string().min(1).describe('name of a tensor in "tensors"');
const pair = (what: string) => z.tuple([positiveInt(what), positiveInt(what)]).describe(`${what} [height, width]`);
export const explicitPaddingSchema = z.strictObject({
  top: nonNegativeInt('rows above'),
  left: nonNegativeInt('columns left'),
  bottom: nonNegativeInt('rows below'),
  right: nonNegativeInt('columns right'),
});
const padding = z
  .union([z.enum(['same', 'valid']), explicitPaddingSchema])
  .default('valid')
  .describe('same (TFLite rule: extra row/column at the bottom/right), valid, or explicit');
export const activationSchema = z
  .union([
    z.enum(['none', 'relu', 'relu6']),
    z.strictObject({ min: z.number().describe('real lower bound'), max: z.number().describe('real upper bound') }),
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
  stride: pair('stride').default([1, 1]),
  dilation: pair('dilation').default([1, 1]),
  padding,
  activation: activationSchema,
};

export const opSchema = z.discriminatedUnion('op', [
  z.strictObject({ ...conv, op: z.literal('conv2d'), groups: positiveInt('groups').default(1) }).describe('2-D convolution, weights OHWI'),
  z
    .strictObject({ ...conv, op: z.literal('depthwise_conv2d'), depthMultiplier: positiveInt('output channels per input channel').default(1) })
    .describe('depthwise convolution, weights [1,KH,KW,C*M]'),
  z
    .strictObject({ ...base, op: z.literal('fully_connected'), input: tensorName, weights: tensorName, bias: tensorName.optional(), output: tensorName, activation: activationSchema })
    .describe('fully connected, weights [O,K]'),
  z
    .strictObject({ ...base, op: z.literal('add'), inputs: z.tuple([tensorName, tensorName]), output: tensorName, activation: activationSchema })
    .describe('element-wise add, both inputs rescaled to the output'),
  z
    .strictObject({ ...base, op: z.literal('max_pool'), input: tensorName, output: tensorName, filter: pair('window'), stride: pair('stride').default([1, 1]), dilation: pair('dilation').default([1, 1]), padding, activation: activationSchema })
    .describe('max pooling'),
  z
    .strictObject({ ...base, op: z.literal('avg_pool'), input: tensorName, output: tensorName, filter: pair('window'), stride: pair('stride').default([1, 1]), padding, activation: activationSchema })
    .describe('average pooling over the valid taps'),
  z.strictObject({ ...base, op: z.literal('global_avg_pool'), input: tensorName, output: tensorName }).describe('average over the whole H x W'),
  z
    .strictObject({ ...base, op: z.literal('concat'), inputs: z.array(tensorName).min(2), output: tensorName, axis: nonNegativeInt('axis').default(3) })
    .describe('concatenation along an axis (channels by default)'),
  z.strictObject({ ...base, op: z.literal('reshape'), input: tensorName, output: tensorName }).describe('reshape or flatten; the output tensor gives the shape'),
  z
    .strictObject({ ...base, op: z.literal('pad'), input: tensorName, output: tensorName, padding: explicitPaddingSchema })
    .describe('spatial zero padding (the zero point is the pad value)'),
]);

export const graphSchema = z
  .strictObject({
    $schema: z.string().optional().describe('path or URL of this JSON Schema, for editors'),
    name: z.string().min(1).describe('network name'),
    description: z.string().optional(),
    inputs: z.array(tensorName).min(1).describe('graph inputs'),
    outputs: z.array(tensorName).min(1).describe('graph outputs'),
    tensors: z.record(z.string().min(1), tensorSchema).describe('every tensor, by name'),
    ops: z.array(opSchema).min(1).describe('ops in execution order'),
  })
  .describe('an npusim graph');

export type GraphFile = z.infer<typeof graphSchema>;
export type GraphOp = z.infer<typeof opSchema>;
export type TensorSpec = z.infer<typeof tensorSchema>;
export type QuantSpec = z.infer<typeof quantSchema>;
