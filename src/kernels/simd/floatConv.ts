/**
 * The float reference's convolutions (float/execute.ts) in the SIMD kernels: the same float64
 * operations in the same order per output (kernels.wat, "The float reference's convolutions"), so
 * the same doubles, then the same clamp and float32 rounding here. Depthwise layers need a channel
 * multiplier of 1; the caller keeps its loop for the rest.
 */
import type { ConvGeometry } from '../../graph/geometry.js';
import { Layout, sameWeightGeometry, writeGeometry } from './layout.js';
import type { SimdKernels } from './module.js';

const LANES = 8;

/** The words of floatRows()' layer description, by index. */
const FLOAT_WORD = {
  inHeight: 0,
  inWidth: 1,
  inChannels: 2,
  outHeight: 3,
  outWidth: 4,
  outChannels: 5,
  kernelHeight: 6,
  kernelWidth: 7,
  strideHeight: 8,
  strideWidth: 9,
  dilationHeight: 10,
  dilationWidth: 11,
  padTop: 12,
  padLeft: 13,
  groupChannels: 14,
  groupOutputs: 15,
  groups: 16,
  depth: 17,
  blocks: 18,
  depthwise: 19,
  input: 20,
  weights: 21,
  bias: 22,
  taps: 23,
  lanes: 24,
  out: 25,
  roundTaps: 26,
} as const;
const FLOAT_WORDS = 27;

/** Float weights and biases as the lanes take them (float64, 8 channels a block), made once per tensor. */
interface FloatLanes {
  readonly geometry: ConvGeometry;
  readonly bias: Float32Array | undefined;
  readonly weights: Float64Array;
  readonly biases: Float64Array;
}

const lanesByTensor = new WeakMap<Float32Array, FloatLanes>();

function floatLanes(g: ConvGeometry, weights: Float32Array, bias: Float32Array | undefined): FloatLanes {
  const cached = lanesByTensor.get(weights);
  if (cached !== undefined && cached.bias === bias && sameWeightGeometry(cached.geometry, g)) return cached;
  const tapCount = g.kernelHeight * g.kernelWidth;
  const depth = tapCount * g.groupChannels;
  const groups = g.depthwise ? 1 : g.outChannels / g.groupOutputs;
  const blocks = Math.ceil((g.depthwise ? g.outChannels : g.groupOutputs) / LANES);
  const lanes = blocks * LANES;
  const laid = new Float64Array(g.depthwise ? tapCount * lanes : groups * blocks * depth * LANES);
  const biases = new Float64Array(groups * lanes);
  for (let oc = 0; oc < g.outChannels; oc += 1) {
    const group = g.depthwise ? 0 : Math.floor(oc / g.groupOutputs);
    const lane = g.depthwise ? oc : oc % g.groupOutputs;
    biases[group * lanes + lane] = bias?.[oc] ?? 0;
    if (g.depthwise) {
      for (let tap = 0; tap < tapCount; tap += 1) laid[tap * lanes + oc] = weights[tap * g.outChannels + oc] as number;
      continue;
    }
    const base = (group * blocks + Math.floor(lane / LANES)) * depth * LANES + (lane % LANES);
    for (let k = 0; k < depth; k += 1) laid[base + k * LANES] = weights[oc * depth + k] as number;
  }
  const made = { geometry: g, bias, weights: laid, biases };
  lanesByTensor.set(weights, made);
  return made;
}

/** Where the sums round: once at the end (float/execute.ts), or to float32 after every tap (the zoo's calibration pass, zoo/float.ts). */
export type FloatSumOrder = 'float64' | 'float32-per-tap';

/**
 * The layer's sums before the activation, one float64 per output (NHWC), or undefined where the
 * kernels do not take the layer (a depthwise channel multiplier other than 1).
 */
export function floatConvSums(
  kernels: SimdKernels,
  g: ConvGeometry,
  input: Float32Array,
  weights: Float32Array,
  bias: Float32Array | undefined,
  order: FloatSumOrder = 'float64',
): Float64Array | undefined {
  if (g.depthwise && g.groupOutputs !== 1) return undefined;
  const prepared = floatLanes(g, weights, bias);
  const tapCount = g.kernelHeight * g.kernelWidth;
  const blocks = Math.ceil((g.depthwise ? g.outChannels : g.groupOutputs) / LANES);
  const count = g.batch * g.outHeight * g.outWidth * g.outChannels;
  const at = new Layout();
  // The depthwise kernel reads a block of channels past the last one: 32 bytes of slack.
  const inputAt = at.take(input.length * 4 + 32);
  const weightsAt = at.take(prepared.weights.length * 8);
  const biasAt = at.take(prepared.biases.length * 8);
  const tapsAt = at.take(tapCount * 4);
  const lanesAt = at.take(blocks * LANES * 8);
  const outAt = at.take(count * 8);
  const paramsAt = at.take(FLOAT_WORDS * 4);
  const buffer = kernels.reserve(at.bytes);
  new Float32Array(buffer, inputAt, input.length + 8).set(input);
  new Float32Array(buffer, inputAt + input.length * 4, 8).fill(0);
  new Float64Array(buffer, weightsAt, prepared.weights.length).set(prepared.weights);
  new Float64Array(buffer, biasAt, prepared.biases.length).set(prepared.biases);
  const words = new Int32Array(buffer, paramsAt, FLOAT_WORDS);
  const set = (word: keyof typeof FLOAT_WORD, value: number): void => {
    words[FLOAT_WORD[word]] = value;
  };
  writeGeometry(words, FLOAT_WORD, g);
  set('groups', g.depthwise ? 1 : g.outChannels / g.groupOutputs);
  set('depth', tapCount * g.groupChannels);
  set('blocks', blocks);
  set('depthwise', g.depthwise ? 1 : 0);
  set('input', inputAt);
  set('weights', weightsAt);
  set('bias', biasAt);
  set('taps', tapsAt);
  set('lanes', lanesAt);
  set('out', outAt);
  set('roundTaps', order === 'float32-per-tap' ? 1 : 0);
  kernels.floatRows(paramsAt, 0, g.batch * g.outHeight);
  return new Float64Array(buffer, outAt, count).slice();
}
