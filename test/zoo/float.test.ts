/**
 * The zoo's calibration convolutions (src/zoo/float.ts) in the SIMD kernels give the plain loop's
 * float32 values bit for bit (zeros' signs included): the kernels round to float32 after each tap as
 * the loop's Float32Array stores do. Random dense and depthwise layers with strides and every padding.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { convFloat } from '../../src/zoo/float.js';
import type { Padding } from '../../src/zoo/topology.js';
import { checkProperty } from '../support/property.js';

afterEach(() => {
  delete process.env.NPUSIM_KERNELS;
});

const floats = (length: number) =>
  fc.array(fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }), { minLength: length, maxLength: length });

const layer = fc
  .record({
    height: fc.integer({ min: 1, max: 9 }),
    width: fc.integer({ min: 1, max: 9 }),
    channels: fc.integer({ min: 1, max: 19 }),
    filters: fc.integer({ min: 1, max: 21 }),
    kernel: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    stride: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    padding: fc.constantFrom<Padding>('same', 'valid', { top: 1, left: 0, bottom: 0, right: 1 }),
    depthwise: fc.boolean(),
  })
  .filter((l) => l.padding !== 'valid' || (l.height >= l.kernel[0] && l.width >= l.kernel[1]))
  .chain((l) => {
    const filters = l.depthwise ? l.channels : l.filters;
    const weightCount = l.kernel[0] * l.kernel[1] * l.channels * (l.depthwise ? 1 : filters);
    return fc.record({
      layer: fc.constant({ ...l, filters }),
      input: floats(l.height * l.width * l.channels),
      weights: floats(weightCount),
      bias: floats(filters),
    });
  });

describe('the zoo float convolution', () => {
  it('gives the plain loop bytes from the SIMD kernels', () => {
    checkProperty(
      'zoo.convFloat simd = plain',
      layer,
      ({ layer: l, input, weights, bias }) => {
        const run = (kernels: 'simd' | 'plain') => {
          process.env.NPUSIM_KERNELS = kernels;
          const result = convFloat(
            Float32Array.from(input),
            [1, l.height, l.width, l.channels],
            { weights: Float32Array.from(weights), bias: Float32Array.from(bias) },
            l.filters,
            l.kernel,
            l.stride,
            l.padding,
            l.depthwise,
          );
          return { shape: result.shape, bytes: Buffer.from(result.values.buffer) };
        };
        const simd = run('simd');
        const plain = run('plain');
        expect(simd.shape).toEqual(plain.shape);
        expect(simd.bytes.equals(plain.bytes)).toBe(true);
      },
      1000,
    );
  });
});
