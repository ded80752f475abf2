/**
 * "First" overflow events are the earliest on the schedule's clock, not in the kernel's loop order:
 * a 1x1 convolution over two pixels where both overflow a 16-bit accumulator at k = 1.
 */
import { describe, expect, it } from 'vitest';
import { convolve, type ConvGeometry } from '../../src/kernels/conv.js';
import type { EventClock } from '../../src/lower/eventClock.js';

const GEOMETRY: ConvGeometry = {
  batch: 1,
  inHeight: 1,
  inWidth: 2,
  inChannels: 2,
  outHeight: 1,
  outWidth: 2,
  outChannels: 1,
  kernelHeight: 1,
  kernelWidth: 1,
  strideHeight: 1,
  strideWidth: 1,
  dilationHeight: 1,
  dilationWidth: 1,
  padTop: 0,
  padLeft: 0,
  groupChannels: 2,
  groupOutputs: 1,
  depthwise: false,
};

function run(eventClock?: EventClock) {
  return convolve(
    {
      geometry: GEOMETRY,
      input: Int32Array.from([30000, 30000, 30000, 30000]),
      inputZeroPoint: 0,
      weights: Int32Array.from([1, 1]),
      bias: undefined,
      accumulator: { bits: 16, overflow: 'wrap', kFold: undefined },
      requant: [{ mode: 'shift-only', shift: 0, rounding: 'floor' }],
      // An int8 output: the wrapped -5536 is clipped.
      output: { zeroPoint: 0, min: -128, max: 127 },
      activation: { min: -128, max: 127 },
      activationBounds: { low: -Infinity, high: Infinity },
      int32RequantInput: false,
    },
    eventClock === undefined ? {} : { eventClock },
  );
}

describe('first event locations follow the event clock', () => {
  it('without a clock, the loop order: output 0 first', () => {
    const { overflow } = run();
    expect([overflow.accumulatorTransient, overflow.firstTransient, overflow.firstFinal, overflow.firstClipped]).toEqual([
      2,
      { output: 0, k: 1 },
      { output: 0, k: 1 },
      { output: 0, k: 1 },
    ]);
  });

  it('with a clock on which output 1 happens earlier, output 1 is first', () => {
    const { overflow } = run((output, k) => (1 - output) * 100 + k);
    expect([overflow.firstTransient, overflow.firstFinal, overflow.firstClipped]).toEqual([
      { output: 1, k: 1 },
      { output: 1, k: 1 },
      { output: 1, k: 1 },
    ]);
  });
});
