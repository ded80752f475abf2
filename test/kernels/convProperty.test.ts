/**
 * The engine's convolution equals the reference convolution bit for bit on random small layers
 * and random numerics: dense, grouped and depthwise; 4-, 8- and 16-bit operands; accumulators of
 * 16..48 bits that wrap or saturate (where the order matters); each dataflow's fold size; every
 * requantization mode.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ConvGeometry, type ConvLayerInput, convolve } from '../../src/kernels/conv.js';
import { seededIntegers } from '../../src/engine/random.js';
import { simdKernels } from '../../src/kernels/simd/module.js';
import type { RequantParams } from '../../src/numeric/requant.js';
import { stochasticSite } from '../../src/numeric/stochastic.js';
import { type RefConvLayer, refConvolve } from '../oracles/layers/conv.js';
import { checkProperty, edgyInteger, signedRange, expectBe, expectEqual } from '../support/property.js';

const LAYER_CASES = 1_000;

const operand = fc.constantFrom(4, 8, 16).chain((bits) => fc.tuple(fc.constant(bits), fc.boolean()));

interface Case {
  readonly layer: RefConvLayer;
  readonly geometry: ConvGeometry;
  /** simd and plain: the kernels' fast paths (each output redone one add at a time where it must); checked: every add checked. */
  readonly path: 'simd' | 'plain' | 'checked';
}

const rounding = fc.constantFrom('floor', 'trunc', 'half-up', 'half-away', 'half-even') as fc.Arbitrary<
  'floor' | 'trunc' | 'half-up' | 'half-away' | 'half-even'
>;

const requantParams: fc.Arbitrary<RequantParams> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('gemmlowp', 'tflite-double', 'tflite-single', 'cmsis-nn', 'cmsis-nn-single'),
      fc.integer({ min: 2 ** 30, max: 2 ** 31 - 1 }),
      // Right shifts up to the libraries' 31 (a left shift that leaves int32 is outside TFLite's contract).
      fc.oneof(fc.integer({ min: -20, max: 0 }), fc.integer({ min: -31, max: 0 })),
    )
    .map(([mode, multiplier, shift]) => ({ mode, multiplier, shift }) as RequantParams),
  fc
    .tuple(fc.integer({ min: 2 ** 30, max: 2 ** 31 - 1 }), fc.integer({ min: -25, max: 2 }), rounding)
    .map(([multiplier, shift, r]) => ({ mode: 'hvx', multiplier, shift, rounding: r }) as RequantParams),
  fc.float({ min: Math.fround(2 ** -20), max: 1, noNaN: true }).map((scale) => ({ mode: 'ort-float', scale }) as RequantParams),
  fc.tuple(fc.integer({ min: -4, max: 30 }), rounding).map(([shift, r]) => ({ mode: 'shift-only', shift, rounding: r }) as RequantParams),
);

const layerCase: fc.Arbitrary<Case> = fc
  .record({
    kind: fc.constantFrom('dense', 'grouped', 'depthwise'),
    inHeight: fc.integer({ min: 1, max: 5 }),
    inWidth: fc.integer({ min: 1, max: 5 }),
    // Past 4 channels the SIMD lanes requantize four at a time; below, one at a time.
    groups: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 4, max: 20 })),
    groupChannels: fc.integer({ min: 1, max: 4 }),
    groupOutputs: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 4, max: 20 })),
    kernel: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    stride: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    pad: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
    weight: operand,
    activation: operand,
    accumulatorBits: fc.constantFrom(16, 24, 32, 40, 48),
    overflow: fc.constantFrom('wrap' as const, 'saturate' as const),
    kFold: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
    output: operand,
    path: fc.constantFrom('simd' as const, 'plain' as const, 'checked' as const),
    seed: fc.integer({ min: 0, max: 2 ** 30 }),
  })
  .chain((p) => {
    const depthwise = p.kind === 'depthwise';
    // Grouped layers stay small: groups x outputs per group would otherwise reach 400 channels.
    const groups = p.kind === 'dense' ? 1 : p.kind === 'grouped' ? Math.min(p.groups, 3) : p.groups;
    const groupChannels = depthwise ? 1 : p.groupChannels;
    const inChannels = depthwise ? p.groups : groups * groupChannels;
    const outChannels = depthwise ? p.groups * p.groupOutputs : groups * p.groupOutputs;
    const effective = [(p.kernel[0] - 1) * p.dilation[0] + 1, (p.kernel[1] - 1) * p.dilation[1] + 1];
    const outHeight = Math.floor((p.inHeight + 2 * p.pad[0] - (effective[0] ?? 1)) / p.stride[0]) + 1;
    const outWidth = Math.floor((p.inWidth + 2 * p.pad[1] - (effective[1] ?? 1)) / p.stride[1]) + 1;
    if (outHeight < 1 || outWidth < 1) return fc.constant(undefined);
    const [wBits, wSigned] = p.weight;
    const [aBits, aSigned] = p.activation;
    const weightRange: [number, number] = wSigned ? signedRange(wBits) : [0, 2 ** wBits - 1];
    const activationRange: [number, number] = aSigned ? signedRange(aBits) : [0, 2 ** aBits - 1];
    const weightCount = depthwise ? p.kernel[0] * p.kernel[1] * outChannels : outChannels * p.kernel[0] * p.kernel[1] * groupChannels;
    return fc
      .record({
        input: fc.array(edgyInteger(...activationRange), {
          minLength: p.inHeight * p.inWidth * inChannels,
          maxLength: p.inHeight * p.inWidth * inChannels,
        }),
        weights: fc.array(edgyInteger(...weightRange), { minLength: weightCount, maxLength: weightCount }),
        bias: fc.option(
          fc.array(edgyInteger(...signedRange(Math.min(p.accumulatorBits, 32))), { minLength: outChannels, maxLength: outChannels }),
          { nil: undefined },
        ),
        zeroPoint: edgyInteger(...activationRange),
        outputZeroPoint: edgyInteger(...((p.output[1] ? signedRange(p.output[0]) : [0, 2 ** p.output[0] - 1]) as [number, number])),
        // One mode a layer, as the engine has it, with each channel's own parameters.
        requant: requantParams.chain((first) =>
          fc
            .array(requantParams, { minLength: outChannels - 1, maxLength: outChannels - 1 })
            .map((rest) => [first, ...rest.map((channel) => (channel.mode === first.mode ? channel : first))]),
        ),
        activation: fc.constantFrom('none', 'relu'),
      })
      .map((data): Case => {
        const geometry: ConvGeometry = {
          batch: 1,
          inHeight: p.inHeight,
          inWidth: p.inWidth,
          inChannels,
          outHeight,
          outWidth,
          outChannels,
          kernelHeight: p.kernel[0],
          kernelWidth: p.kernel[1],
          strideHeight: p.stride[0],
          strideWidth: p.stride[1],
          dilationHeight: p.dilation[0],
          dilationWidth: p.dilation[1],
          padTop: p.pad[0],
          padLeft: p.pad[1],
          groupChannels,
          groupOutputs: p.groupOutputs,
          depthwise,
        };
        // hvx produces up to 8 bits or signed 16 bits.
        const requant = data.requant.map((r) => r);
        const outputBits = requant[0]?.mode === 'hvx' && !p.output[1] && p.output[0] === 16 ? 8 : p.output[0];
        const layer: RefConvLayer = {
          shape: {
            inHeight: p.inHeight,
            inWidth: p.inWidth,
            inChannels,
            outHeight,
            outWidth,
            outChannels,
            kernelHeight: p.kernel[0],
            kernelWidth: p.kernel[1],
            stride: p.stride,
            dilation: p.dilation,
            padTop: p.pad[0],
            padLeft: p.pad[1],
            groupChannels,
            groupOutputs: p.groupOutputs,
            depthwise,
          },
          input: data.input,
          inputZeroPoint: data.zeroPoint,
          weights: data.weights,
          bias: data.bias,
          accumulatorBits: p.accumulatorBits,
          overflow: p.overflow,
          kFold: p.kFold,
          requant: requant as RefConvLayer['requant'],
          output: {
            bits: outputBits,
            signed: p.output[1],
            zeroPoint: Math.max(
              p.output[1] ? -(2 ** (outputBits - 1)) : 0,
              Math.min(data.outputZeroPoint, p.output[1] ? 2 ** (outputBits - 1) - 1 : 2 ** outputBits - 1),
            ),
          },
          activation: { low: -Infinity, high: Infinity },
        };
        // ReLU's lower bound is the output zero point (TFLite's activation range).
        if (data.activation === 'relu') layer.activation = { low: layer.output.zeroPoint, high: Infinity };
        return { layer, geometry, path: p.path };
      });
  })
  .filter((value): value is Case => value !== undefined);

/** The engine's geometry of a reference layer's shape (one image). */
function geometryOf(shape: RefConvLayer['shape']): ConvGeometry {
  const { stride, dilation, ...rest } = shape;
  return {
    ...rest,
    batch: 1,
    strideHeight: stride[0],
    strideWidth: stride[1],
    dilationHeight: dilation[0],
    dilationWidth: dilation[1],
  };
}

/** The engine's input for a reference layer, with these requantization parameters. */
function engineLayer(layer: RefConvLayer, geometry: ConvGeometry, requant: RequantParams[], int32RequantInput: boolean): ConvLayerInput {
  const typeMin = layer.output.signed ? -(2 ** (layer.output.bits - 1)) : 0;
  const typeMax = layer.output.signed ? 2 ** (layer.output.bits - 1) - 1 : 2 ** layer.output.bits - 1;
  return {
    geometry,
    input: Int32Array.from(layer.input),
    inputZeroPoint: layer.inputZeroPoint,
    weights: Int32Array.from(layer.weights),
    bias: layer.bias === undefined ? undefined : Int32Array.from(layer.bias),
    accumulator: { bits: layer.accumulatorBits, overflow: layer.overflow, kFold: layer.kFold },
    requant,
    output: { zeroPoint: layer.output.zeroPoint, min: typeMin, max: typeMax },
    activation: { min: Math.max(typeMin, layer.activation.low), max: Math.min(typeMax, layer.activation.high) },
    activationBounds: layer.activation,
    int32RequantInput,
  };
}

describe('convolution: engine equals reference', () => {
  it('has the SIMD kernels built (npm run build assembles them)', () => {
    expect(simdKernels()).toBeDefined();
  });

  it(`random small layers and numerics, SIMD, plain and checked paths (${LAYER_CASES} cases)`, () => {
    const kernelsUsed = { simd: 0, plain: 0 };
    const runs = checkProperty(
      'convolve',
      layerCase,
      ({ layer, geometry, path }) => {
        const expected = refConvolve(layer);
        const int32RequantInput = ['gemmlowp', 'tflite-double', 'tflite-single', 'cmsis-nn', 'cmsis-nn-single'].includes(
          layer.requant[0]?.mode ?? '',
        );
        const result = convolve(
          engineLayer(layer, geometry, layer.requant as RequantParams[], int32RequantInput),
          path === 'checked' ? { forceChecked: true } : { kernels: path },
        );
        kernelsUsed[result.kernel] += 1;
        if (path !== 'simd') expectBe(result.kernel, 'plain');
        expectEqual(Array.from(result.accumulators ?? []).map(BigInt), expected.accumulators);
        expectEqual(Array.from(result.output), expected.output);
        expectEqual(
          [
            result.overflow.accumulatorTransient,
            result.overflow.accumulatorFinal,
            result.overflow.outputClipped,
            result.overflow.vectorSaturated,
          ],
          [expected.transient, expected.final, expected.clipped, expected.vectorSaturated],
        );
        expectEqual(result.overflow.firstVectorSaturated, expected.firstVectorSaturated);
        expectEqual(
          [result.overflow.firstTransient, result.overflow.firstFinal, result.overflow.firstClipped],
          [expected.firstTransient, expected.firstFinal, expected.firstClipped],
        );
        expectEqual([result.overflow.finalBits, result.overflow.partialBits], [expected.finalBits, expected.partialBits]);
        expectBe(result.zeroOperandMacs, expected.zeroOperandMacs);
      },
      LAYER_CASES,
    );
    expect(runs).toBeGreaterThanOrEqual(LAYER_CASES);
    // A third of the cases ask for SIMD; those with operands past int16 (16-bit values less a zero point) stay plain.
    expect(kernelsUsed.simd).toBeGreaterThan(LAYER_CASES / 8);
  });
});

describe('convolution: stochastic rounding, SIMD equals plain', () => {
  // The reference convolution has no stochastic rounding; the plain kernels' (numeric/stochastic.ts)
  // is held to the reference's hash and rounding in test/oracles/numeric, and the SIMD kernels to it here.
  const stochasticCase = fc.tuple(
    layerCase,
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.constantFrom('hvx' as const, 'shift-only' as const),
  );
  it(`random small layers with hvx and shift-only under stochastic rounding (${LAYER_CASES / 2} cases)`, () => {
    let simdRuns = 0;
    const runs = checkProperty(
      'convolve stochastic',
      stochasticCase,
      ([{ layer, geometry }, seed, site, mode]) => {
        // hvx produces up to 8 bits or signed 16 bits; shift-only shifts 0..30 here.
        if (mode === 'hvx' && !layer.output.signed && layer.output.bits === 16) return;
        const requant: RequantParams[] = Array.from({ length: geometry.outChannels }, (_, oc) =>
          mode === 'hvx'
            ? { mode, multiplier: 2 ** 30 + oc * 7919, shift: -((oc * 5) % 26), rounding: 'stochastic' }
            : { mode, shift: (oc * 3) % 31, rounding: 'stochastic' },
        );
        const input = { ...engineLayer(layer, geometry, requant, false), stochasticSite: stochasticSite(seed, `${site}/requant`) };
        const simd = convolve(input, { kernels: 'simd' });
        const plain = convolve(input, { kernels: 'plain' });
        if (simd.kernel === 'simd') simdRuns += 1;
        expectEqual(simd.output, plain.output);
        expectEqual(simd.accumulators, plain.accumulators);
        expectEqual(simd.overflow, plain.overflow);
        expectBe(simd.zeroOperandMacs, plain.zeroOperandMacs);
      },
      LAYER_CASES / 2,
    );
    expect(runs).toBeGreaterThanOrEqual(LAYER_CASES / 2);
    expect(simdRuns).toBeGreaterThan(LAYER_CASES / 8);
  });
});

describe('convolution reporting progress from inside a layer', () => {
  // A layer run in slices, reporting after each (as a huge layer does for the progress bar), gives
  // exactly what it gives in one go.
  it(`random small layers: the same result, fractions rising to 1 (${LAYER_CASES / 4} cases)`, () => {
    let simdRuns = 0;
    checkProperty(
      'convolve progress',
      layerCase,
      ({ layer, geometry }) => {
        const input = engineLayer(layer, geometry, layer.requant as RequantParams[], true);
        const whole = convolve(input, { kernels: 'simd' });
        const fractions: number[] = [];
        const sliced = convolve(input, { kernels: 'simd', onProgress: (fraction) => fractions.push(fraction) });
        expectEqual(sliced.output, whole.output);
        expectEqual(sliced.accumulators, whole.accumulators);
        expectEqual(sliced.overflow, whole.overflow);
        expectBe(sliced.zeroOperandMacs, whole.zeroOperandMacs);
        if (whole.kernel !== 'simd') return;
        simdRuns += 1;
        expectBe(fractions.at(-1), 1);
        expectBe(
          fractions.every((fraction, index) => index === 0 || fraction > (fractions[index - 1] as number)),
          true,
        );
      },
      LAYER_CASES / 4,
    );
    expect(simdRuns).toBeGreaterThan(LAYER_CASES / 16);
  });
});

describe('convolution: 16-bit operands whose sums can pass int32', () => {
  // The static bound fails for these layers, so the SIMD kernels take int32 lanes optimistically
  // and redo every output whose values left +-(2^30 - 1) (kernels/simd/convLayer.ts): some outputs
  // here reach past 2^31 in a 48-bit accumulator, where an int32 lane wraps, and the rest do not.
  // Zero point 0 keeps x - zp in int16 (narrow lanes); -32768 takes it to 0..65535 (mid lanes,
  // int32 operands), with weights small enough that each product stays within 2^30.
  const cases = [
    { name: 'dense 3x3', depthwise: false, channels: 8, outputs: 12, kFold: undefined, zeroPoint: 0, weightMax: 32767 },
    { name: 'dense 3x3, folds of 5', depthwise: false, channels: 8, outputs: 12, kFold: 5, zeroPoint: 0, weightMax: 32767 },
    { name: 'depthwise 3x3', depthwise: true, channels: 16, outputs: 16, kFold: undefined, zeroPoint: 0, weightMax: 32767 },
    { name: 'dense 3x3, mid lanes', depthwise: false, channels: 8, outputs: 12, kFold: undefined, zeroPoint: -32768, weightMax: 16384 },
    { name: 'dense 3x3, folds of 4, mid lanes', depthwise: false, channels: 8, outputs: 12, kFold: 4, zeroPoint: -32768, weightMax: 16384 },
    { name: 'depthwise 3x3, mid lanes', depthwise: true, channels: 16, outputs: 16, kFold: undefined, zeroPoint: -32768, weightMax: 16384 },
  ] as const;
  it.each(cases)(
    '$name: SIMD equals the reference, with outputs past int32 and outputs inside',
    ({ depthwise, channels, outputs, kFold, zeroPoint, weightMax }) => {
      const size = 6;
      const outSize = size - 2;
      const weightCount = depthwise ? 9 * outputs : outputs * 9 * channels;
      // Large x - zp in the first rows, small below: sums past 2^31 and sums well inside.
      const input = Array.from(seededIntegers(11, size * size * channels, -32768 - zeroPoint, 32767 - zeroPoint), (shifted, index) =>
        Math.max(-32768, Math.min(32767, (index < size * channels * 3 ? shifted : shifted >> 8) + zeroPoint)),
      );
      const weights = Array.from(seededIntegers(12, weightCount, -weightMax, weightMax));
      const layer: RefConvLayer = {
        shape: {
          inHeight: size,
          inWidth: size,
          inChannels: channels,
          outHeight: outSize,
          outWidth: outSize,
          outChannels: outputs,
          kernelHeight: 3,
          kernelWidth: 3,
          stride: [1, 1],
          dilation: [1, 1],
          padTop: 0,
          padLeft: 0,
          groupChannels: depthwise ? 1 : channels,
          groupOutputs: depthwise ? 1 : outputs,
          depthwise,
        },
        input,
        inputZeroPoint: zeroPoint,
        weights,
        bias: Array.from(seededIntegers(13, outputs, -(2 ** 20), 2 ** 20)),
        accumulatorBits: 48,
        overflow: 'wrap',
        kFold,
        requant: Array.from({ length: outputs }, () => ({ mode: 'shift-only' as const, shift: 24, rounding: 'half-even' as const })),
        output: { bits: 16, signed: true, zeroPoint: 0 },
        activation: { low: -Infinity, high: Infinity },
      };
      const geometry = geometryOf(layer.shape);
      const expected = refConvolve(layer);
      const pastInt32 = expected.accumulators.filter((value) => value > 2n ** 31n - 1n || value < -(2n ** 31n)).length;
      expect(pastInt32).toBeGreaterThan(0);
      expect(pastInt32).toBeLessThan(expected.accumulators.length / 2);
      // shift-only requantizes in the kernels; CMSIS-NN's mode is finished here from the lanes' sums.
      const cmsis: RefConvLayer = {
        ...layer,
        requant: Array.from({ length: outputs }, () => ({ mode: 'cmsis-nn' as const, multiplier: 2 ** 30, shift: -24 })),
      };
      for (const [variant, int32RequantInput] of [
        [layer, false],
        [cmsis, true],
      ] as const) {
        const reference = variant === layer ? expected : refConvolve(variant);
        const result = convolve(engineLayer(variant, geometry, variant.requant as RequantParams[], int32RequantInput), { kernels: 'simd' });
        expectBe(result.kernel, 'simd');
        expectEqual(Array.from(result.accumulators ?? []).map(BigInt), reference.accumulators);
        expectEqual(Array.from(result.output), reference.output);
        expectEqual([result.overflow.finalBits, result.overflow.partialBits], [reference.finalBits, reference.partialBits]);
        expectEqual([result.overflow.outputClipped, result.overflow.firstClipped], [reference.clipped, reference.firstClipped]);
        expectBe(result.zeroOperandMacs, reference.zeroOperandMacs);
      }
    },
  );
});
