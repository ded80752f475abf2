/**
 * node scripts/train-cnn.mjs --data mnist|fashion-mnist --out models/NAME.onnx [--epochs N] [--seed S] [--force]
 * node scripts/train-cnn.mjs --verify models/NAME.onnx --data mnist|fashion-mnist [--verify-count N]
 *
 * Trains the small float CNN that the quantization lab runs (after `npm run build`: it reads the data
 * through dist/datasets), writes it as a float32 ONNX model and a training log beside it
 * (NAME.log), then checks the written file in onnxruntime-node against this script's own forward
 * pass. --verify runs that check alone on an existing model.
 *
 * Everything is plain loops over typed arrays, single-threaded, so a run is a pure function of its
 * flags: a seeded PRNG draws the He-normal initial weights and each epoch's shuffle.
 *
 * Network (NCHW, as the ONNX model has it): Conv 3x3 pad 1 (1 -> C1) -> Relu -> MaxPool 2x2 ->
 * Conv 3x3 pad 1 (C1 -> C2) -> Relu -> MaxPool 2x2 -> Flatten -> Gemm (-> H) -> Relu -> Gemm (-> 10).
 * Input: pixel / 255 as float32, no mean subtraction.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import onnxProto from 'onnx-proto';
import { loadImageDataset } from '../dist/datasets/index.js';

const { onnx } = onnxProto;
const SIDE = 28;
const CLASSES = 10;
const PREPROCESSING = 'input = pixel / 255 as float32, NCHW [1,1,28,28], no mean subtraction';
/** Epochs when --epochs is not given: fixed per data set, never picked by test accuracy. */
const DEFAULT_EPOCHS = { mnist: 12, 'fashion-mnist': 20 };
const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

// ---------------------------------------------------------------- command line

function options() {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string', default: '1' },
      force: { type: 'boolean', default: false },
      c1: { type: 'string', default: '8' },
      c2: { type: 'string', default: '16' },
      hidden: { type: 'string', default: '32' },
      batch: { type: 'string', default: '32' },
      lr: { type: 'string', default: '0.002' },
      'lr-decay': { type: 'string', default: '0.85' },
      limit: { type: 'string' },
      verify: { type: 'string' },
      'verify-count': { type: 'string', default: '10000' },
    },
  });
  if (values.data !== 'mnist' && values.data !== 'fashion-mnist') fail('--data must be mnist or fashion-mnist');
  if (!values.verify && !values.out) fail('--out FILE.onnx is required (or --verify FILE.onnx)');
  const int = (name) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < 0) fail(`--${name} must be a whole number, got ${values[name]}`);
    return value;
  };
  return {
    data: values.data,
    out: values.out,
    force: values.force,
    verify: values.verify,
    verifyCount: int('verify-count'),
    epochs: values.epochs === undefined ? DEFAULT_EPOCHS[values.data] : int('epochs'),
    seed: int('seed'),
    shape: { c1: int('c1'), c2: int('c2'), hidden: int('hidden') },
    batch: int('batch'),
    lr: Number(values.lr),
    lrDecay: Number(values['lr-decay']),
    limit: values.limit === undefined ? undefined : int('limit'),
  };
}

function fail(message) {
  process.stderr.write(`train-cnn: ${message}\n`);
  process.exit(1);
}

// ---------------------------------------------------------------- seeded randomness

/** mulberry32: a tiny 32-bit PRNG, uniform in [0, 1); the whole run's randomness comes from it. */
function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw by Box-Muller (one of the pair; simplicity over speed, it only initializes). */
function normal(random) {
  const u = 1 - random(); // in (0, 1], so the log is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function shuffle(order, random) {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
}

// ---------------------------------------------------------------- parameters

/** The parameter tensors in ONNX's layouts (Conv OIHW, Gemm [out, in] with transB), with their fan-in. */
function tensorSpecs({ c1, c2, hidden }) {
  const flat = c2 * 7 * 7;
  return [
    { name: 'conv1.weight', dims: [c1, 1, 3, 3], fanIn: 9 },
    { name: 'conv1.bias', dims: [c1] },
    { name: 'conv2.weight', dims: [c2, c1, 3, 3], fanIn: c1 * 9 },
    { name: 'conv2.bias', dims: [c2] },
    { name: 'fc1.weight', dims: [hidden, flat], fanIn: flat },
    { name: 'fc1.bias', dims: [hidden] },
    { name: 'fc2.weight', dims: [CLASSES, hidden], fanIn: hidden },
    { name: 'fc2.bias', dims: [CLASSES] },
  ];
}

/**
 * All tensors as views into one buffer, so Adam runs over a single flat array. Weights are
 * Float32Array (they are what the ONNX file holds, so training and export compute the same
 * function); gradients and Adam's moments use Float64Array.
 */
function tensorViews(specs, buffer) {
  const views = {};
  let offset = 0;
  for (const { name, dims } of specs) {
    const size = dims.reduce((a, b) => a * b, 1);
    views[name] = buffer.subarray(offset, offset + size);
    offset += size;
  }
  return views;
}

function parameterCount(specs) {
  return specs.reduce((sum, { dims }) => sum + dims.reduce((a, b) => a * b, 1), 0);
}

/** He-normal weights (std sqrt(2 / fan-in), suited to ReLU), zero biases. */
function initialParameters(specs, random) {
  const flat = new Float32Array(parameterCount(specs));
  const views = tensorViews(specs, flat);
  for (const { name, fanIn } of specs) {
    if (fanIn === undefined) continue;
    const std = Math.sqrt(2 / fanIn);
    const view = views[name];
    for (let i = 0; i < view.length; i++) view[i] = normal(random) * std;
  }
  return flat;
}

/** Forward multiply-accumulates for one image. */
function forwardMacs({ c1, c2, hidden }) {
  return SIDE * SIDE * c1 * 9 + 14 * 14 * c2 * c1 * 9 + c2 * 49 * hidden + hidden * CLASSES;
}

// ---------------------------------------------------------------- forward and backward, one image

/**
 * Buffers for one image. A convolution's input is a stack of planes with a zero border one pixel
 * wide, and its output uses the same padded row width: output row y, column x sits at y * (w + 2) + x,
 * the last two columns of each row being junk that pooling never reads. That makes the 3x3 window
 * one contiguous loop over the whole plane instead of a loop per row.
 */
function workspace({ c1, c2, hidden }) {
  return {
    input: new Float64Array(30 * 30),
    conv1: new Float64Array(c1 * 28 * 30),
    pool1: new Float64Array(c1 * 16 * 16), // padded: conv2's input
    pool1From: new Int32Array(c1 * 14 * 14), // where each pooled value came from in conv1
    conv2: new Float64Array(c2 * 14 * 16),
    pool2: new Float64Array(c2 * 7 * 7), // NCHW order, as ONNX's Flatten gives it
    pool2From: new Int32Array(c2 * 7 * 7),
    hidden: new Float64Array(hidden),
    logits: new Float64Array(CLASSES),
    dLogits: new Float64Array(CLASSES),
    dHidden: new Float64Array(hidden),
    dPool2: new Float64Array(c2 * 7 * 7),
    dConv2: new Float64Array(c2 * 7 * 7), // per pooled value, see poolGradient
    dPool1: new Float64Array(c1 * 16 * 16),
    dConv1: new Float64Array(c1 * 14 * 14),
  };
}

/** pixel / 255 rounded to float32, exactly what the ONNX model is fed. */
const PIXEL_VALUE = Float32Array.from({ length: 256 }, (_, pixel) => pixel / 255);

function loadInput(pixels, input) {
  for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) input[(y + 1) * 30 + x + 1] = PIXEL_VALUE[pixels[y * SIDE + x]];
}

/**
 * 3x3 convolution, stride 1, pad 1, from padded planes (h + 2) x (w + 2) to h x (w + 2) rows (see
 * workspace). The nine taps are summed in one expression so that each output is loaded and stored
 * once per input channel: this loop is most of the run time.
 */
function convForward(input, inChannels, h, w, weight, bias, outChannels, out) {
  const rowWidth = w + 2;
  const inPlane = (h + 2) * rowWidth;
  const outPlane = h * rowWidth;
  const span = outPlane - 2; // up to the last real output; reads stay inside the padded input plane
  for (let o = 0; o < outChannels; o++) {
    const outBase = o * outPlane;
    out.fill(bias[o], outBase, outBase + outPlane);
    for (let i = 0; i < inChannels; i++) {
      const k = (o * inChannels + i) * 9;
      const [w0, w1, w2, w3, w4, w5, w6, w7, w8] = weight.subarray(k, k + 9);
      const r0 = i * inPlane;
      const r1 = r0 + rowWidth;
      const r2 = r1 + rowWidth;
      for (let j = 0; j < span; j++) {
        out[outBase + j] +=
          w0 * input[r0 + j] +
          w1 * input[r0 + j + 1] +
          w2 * input[r0 + j + 2] +
          w3 * input[r1 + j] +
          w4 * input[r1 + j + 1] +
          w5 * input[r1 + j + 2] +
          w6 * input[r2 + j] +
          w7 * input[r2 + j + 1] +
          w8 * input[r2 + j + 2];
      }
    }
  }
}

/**
 * The convolution's backward pass, from the gradient of each pooled value (`dPooled`, see
 * poolGradient) and where its maximum was (`from`). Only those outputs have a gradient (at most one
 * in four, fewer after relu), so the loops run over them and skip the zeros. Accumulates the weight
 * and bias gradients and, when dInput is given, writes the gradient of the padded input.
 */
function convBackward(input, inChannels, h, w, weight, outChannels, from, dPooled, dWeight, dBias, dInput) {
  const rowWidth = w + 2;
  const inPlane = (h + 2) * rowWidth;
  const outPlane = h * rowWidth;
  const perChannel = from.length / outChannels;
  const taps = [0, 1, 2, rowWidth, rowWidth + 1, rowWidth + 2, 2 * rowWidth, 2 * rowWidth + 1, 2 * rowWidth + 2];
  if (dInput) dInput.fill(0);
  for (let o = 0; o < outChannels; o++) {
    const first = o * perChannel;
    const last = first + perChannel;
    for (let n = first; n < last; n++) dBias[o] += dPooled[n];
    for (let i = 0; i < inChannels; i++) {
      const k = (o * inChannels + i) * 9;
      const shift = i * inPlane - o * outPlane; // from[n] + shift: the window's corner in input plane i
      for (let n = first; n < last; n++) {
        const d = dPooled[n];
        if (d === 0) continue;
        const corner = from[n] + shift;
        for (let t = 0; t < 9; t++) {
          dWeight[k + t] += d * input[corner + taps[t]];
          if (dInput) dInput[corner + taps[t]] += d * weight[k + t];
        }
      }
    }
  }
}

/**
 * Where pooled values go: padded planes with a one-pixel zero border when they feed the next
 * convolution, dense planes (NCHW order, as ONNX's Flatten reads them) when they feed the Gemm.
 */
function pooledLayout(ph, pw, padded) {
  return padded ? { pitch: pw + 2, offset: pw + 3, plane: (ph + 2) * (pw + 2) } : { pitch: pw, offset: 0, plane: ph * pw };
}

/**
 * Relu then 2x2 max pooling, done as pooling then relu (the same values, as relu is monotonic).
 * Reads h x (w + 2) rows and records where each maximum came from, for the backward pass.
 */
function reluPool(conv, channels, h, w, out, padded, from) {
  const rowWidth = w + 2;
  const ph = h / 2;
  const pw = w / 2;
  const { pitch, offset, plane } = pooledLayout(ph, pw, padded);
  let n = 0;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < ph; y++) {
      for (let x = 0; x < pw; x++) {
        const top = (c * h + 2 * y) * rowWidth + 2 * x;
        const bottom = top + rowWidth;
        let best = conv[top + 1] > conv[top] ? top + 1 : top;
        if (conv[bottom] > conv[best]) best = bottom;
        if (conv[bottom + 1] > conv[best]) best = bottom + 1;
        out[c * plane + offset + y * pitch + x] = Math.max(conv[best], 0);
        from[n++] = best;
      }
    }
  }
}

/** The gradient of each pooled value, read from its (padded or dense) layout; zero where relu cut it. */
function poolGradient(dPooled, pooled, channels, ph, pw, padded, gradient) {
  const { pitch, offset, plane } = pooledLayout(ph, pw, padded);
  let n = 0;
  for (let c = 0; c < channels; c++)
    for (let y = 0; y < ph; y++)
      for (let x = 0; x < pw; x++) {
        const at = c * plane + offset + y * pitch + x;
        gradient[n++] = pooled[at] > 0 ? dPooled[at] : 0;
      }
}

/** out = W x + b for W [outSize, inSize], with relu when asked. */
function dense(x, weight, bias, out, relu) {
  const inSize = x.length;
  for (let o = 0; o < out.length; o++) {
    let sum = bias[o];
    const row = o * inSize;
    for (let i = 0; i < inSize; i++) sum += weight[row + i] * x[i];
    out[o] = relu && sum < 0 ? 0 : sum;
  }
}

/** Accumulates dense()'s weight and bias gradients and, when dX is given, writes dX = W^T dOut. */
function denseBackward(x, weight, dOut, dWeight, dBias, dX) {
  const inSize = x.length;
  if (dX) dX.fill(0);
  for (let o = 0; o < dOut.length; o++) {
    const g = dOut[o];
    if (g === 0) continue;
    dBias[o] += g;
    const row = o * inSize;
    for (let i = 0; i < inSize; i++) dWeight[row + i] += g * x[i];
    if (dX) for (let i = 0; i < inSize; i++) dX[i] += g * weight[row + i];
  }
}

function forward(net, w, pixels) {
  const { c1, c2 } = net.shape;
  loadInput(pixels, w.input);
  convForward(w.input, 1, 28, 28, net.p['conv1.weight'], net.p['conv1.bias'], c1, w.conv1);
  reluPool(w.conv1, c1, 28, 28, w.pool1, true, w.pool1From);
  convForward(w.pool1, c1, 14, 14, net.p['conv2.weight'], net.p['conv2.bias'], c2, w.conv2);
  reluPool(w.conv2, c2, 14, 14, w.pool2, false, w.pool2From);
  dense(w.pool2, net.p['fc1.weight'], net.p['fc1.bias'], w.hidden, true);
  dense(w.hidden, net.p['fc2.weight'], net.p['fc2.bias'], w.logits, false);
  return w.logits;
}

/** Softmax cross-entropy of the last forward(): writes dLogits, returns the loss. */
function crossEntropy(w, label) {
  const max = Math.max(...w.logits);
  let total = 0;
  for (let k = 0; k < CLASSES; k++) {
    w.dLogits[k] = Math.exp(w.logits[k] - max);
    total += w.dLogits[k];
  }
  for (let k = 0; k < CLASSES; k++) w.dLogits[k] = w.dLogits[k] / total - (k === label ? 1 : 0);
  return Math.log(total) - (w.logits[label] - max);
}

/** Adds the last forward()'s gradients (given dLogits) to net.g. */
function backward(net, w) {
  const { c1, c2 } = net.shape;
  const { p, g } = net;
  denseBackward(w.hidden, p['fc2.weight'], w.dLogits, g['fc2.weight'], g['fc2.bias'], w.dHidden);
  for (let i = 0; i < w.dHidden.length; i++) if (w.hidden[i] <= 0) w.dHidden[i] = 0;
  denseBackward(w.pool2, p['fc1.weight'], w.dHidden, g['fc1.weight'], g['fc1.bias'], w.dPool2);
  poolGradient(w.dPool2, w.pool2, c2, 7, 7, false, w.dConv2);
  convBackward(w.pool1, c1, 14, 14, p['conv2.weight'], c2, w.pool2From, w.dConv2, g['conv2.weight'], g['conv2.bias'], w.dPool1);
  poolGradient(w.dPool1, w.pool1, c1, 14, 14, true, w.dConv1);
  convBackward(w.input, 1, 28, 28, p['conv1.weight'], c1, w.pool1From, w.dConv1, g['conv1.weight'], g['conv1.bias'], null);
}

function argmax(values) {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
  return best;
}

// ---------------------------------------------------------------- training

function network(shape, flat) {
  const specs = tensorSpecs(shape);
  const grads = new Float64Array(flat.length);
  return { shape, specs, flat, grads, p: tensorViews(specs, flat), g: tensorViews(specs, grads) };
}

function adam(net, state, lr, batchSize) {
  const { flat, grads } = net;
  const { beta1, beta2, epsilon } = ADAM;
  state.step++;
  const correction1 = 1 - beta1 ** state.step;
  const correction2 = 1 - beta2 ** state.step;
  for (let i = 0; i < flat.length; i++) {
    const grad = grads[i] / batchSize;
    state.m[i] = beta1 * state.m[i] + (1 - beta1) * grad;
    state.v[i] = beta2 * state.v[i] + (1 - beta2) * grad * grad;
    flat[i] -= (lr * (state.m[i] / correction1)) / (Math.sqrt(state.v[i] / correction2) + epsilon);
  }
  grads.fill(0);
}

/** One pass over `order` in minibatches; returns the mean loss and the accuracy seen while training. */
function trainEpoch(net, w, data, order, batchSize, lr, state) {
  const size = SIDE * SIDE;
  let loss = 0;
  let correct = 0;
  for (let start = 0; start < order.length; start += batchSize) {
    const end = Math.min(start + batchSize, order.length);
    for (let n = start; n < end; n++) {
      const index = order[n];
      const logits = forward(net, w, data.pixels.subarray(index * size, (index + 1) * size));
      if (argmax(logits) === data.labels[index]) correct++;
      loss += crossEntropy(w, data.labels[index]);
      backward(net, w);
    }
    adam(net, state, lr, end - start);
  }
  return { loss: loss / order.length, accuracy: correct / order.length };
}

function evaluate(net, data) {
  const w = workspace(net.shape);
  const size = SIDE * SIDE;
  let correct = 0;
  for (let i = 0; i < data.count; i++)
    if (argmax(forward(net, w, data.pixels.subarray(i * size, (i + 1) * size))) === data.labels[i]) correct++;
  return { correct, accuracy: correct / data.count };
}

function train(args, log) {
  const trainSet = loadImageDataset(args.data, 'train');
  const testSet = loadImageDataset(args.data, 'test');
  const random = prng(args.seed);
  const net = network(args.shape, initialParameters(tensorSpecs(args.shape), random));
  const order = Uint32Array.from({ length: args.limit ?? trainSet.count }, (_, i) => i);
  const state = { step: 0, m: new Float64Array(net.flat.length), v: new Float64Array(net.flat.length) };
  const w = workspace(args.shape);
  log(`training images: ${order.length} of ${trainSet.count}; test images: ${testSet.count}`);
  log('epoch  lr        mean-loss  train-acc  test-acc  seconds');
  const started = performance.now();
  let result;
  for (let epoch = 0; epoch < args.epochs; epoch++) {
    const epochStart = performance.now();
    const lr = args.lr * args.lrDecay ** epoch;
    shuffle(order, random);
    const { loss, accuracy } = trainEpoch(net, w, trainSet, order, args.batch, lr, state);
    result = evaluate(net, testSet);
    const seconds = (performance.now() - epochStart) / 1000;
    log(
      `${String(epoch + 1).padStart(5)}  ${lr.toExponential(2)}  ${loss.toFixed(5).padStart(9)}  ` +
        `${percent(accuracy).padStart(9)}  ${percent(result.accuracy).padStart(8)}  ${seconds.toFixed(1).padStart(7)}`,
    );
  }
  return { net, test: testSet, result, seconds: (performance.now() - started) / 1000 };
}

function percent(fraction) {
  return `${(fraction * 100).toFixed(2)}%`;
}

// ---------------------------------------------------------------- ONNX

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const intsAttribute = (name, values) => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: values });
const intAttribute = (name, value) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });

function onnxNodes() {
  const conv = (name, input) => ({
    name,
    opType: 'Conv',
    input: [input, `${name}.weight`, `${name}.bias`],
    output: [name],
    attribute: [intsAttribute('kernel_shape', [3, 3]), intsAttribute('pads', [1, 1, 1, 1]), intsAttribute('strides', [1, 1])],
  });
  const pool = (name, input) => ({
    name,
    opType: 'MaxPool',
    input: [input],
    output: [name],
    attribute: [intsAttribute('kernel_shape', [2, 2]), intsAttribute('strides', [2, 2])],
  });
  const relu = (name, input) => ({ name, opType: 'Relu', input: [input], output: [name] });
  const gemm = (name, input, output) => ({
    name,
    opType: 'Gemm',
    input: [input, `${name}.weight`, `${name}.bias`],
    output: [output],
    attribute: [intAttribute('transB', 1)],
  });
  return [
    conv('conv1', 'input'),
    relu('relu1', 'conv1'),
    pool('pool1', 'relu1'),
    conv('conv2', 'pool1'),
    relu('relu2', 'conv2'),
    pool('pool2', 'relu2'),
    { name: 'flatten', opType: 'Flatten', input: ['pool2'], output: ['flatten'], attribute: [intAttribute('axis', 1)] },
    gemm('fc1', 'flatten', 'fc1'),
    relu('relu3', 'fc1'),
    gemm('fc2', 'relu3', 'logits'),
  ];
}

function valueInfo(name, dims) {
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } } };
}

function onnxModel(net, docString) {
  const initializer = net.specs.map(({ name, dims }) => {
    const view = net.p[name];
    return { name, dataType: FLOAT, dims, rawData: new Uint8Array(view.buffer, view.byteOffset, view.byteLength) };
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'npusim scripts/train-cnn.mjs',
    docString,
    graph: {
      name: 'cnn',
      node: onnxNodes(),
      initializer,
      input: [valueInfo('input', [1, 1, SIDE, SIDE])],
      output: [valueInfo('logits', [1, CLASSES])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Reads an exported model's weights back, so verification checks the file, not the trainer's memory. */
function networkFromOnnx(bytes) {
  const tensors = new Map(
    onnx.ModelProto.decode(bytes).graph.initializer.map((t) => [t.name, new Float32Array(Uint8Array.from(t.rawData).buffer)]),
  );
  const shape = {
    c1: tensors.get('conv1.bias').length,
    c2: tensors.get('conv2.bias').length,
    hidden: tensors.get('fc1.bias').length,
  };
  const specs = tensorSpecs(shape);
  const flat = new Float32Array(parameterCount(specs));
  const views = tensorViews(specs, flat);
  for (const { name } of specs) views[name].set(tensors.get(name));
  return network(shape, flat);
}

/**
 * Runs the model file in onnxruntime-node on the first `count` test images and compares it with this
 * script's forward pass: the argmax must agree on every image, the logits to 1e-4 of each image's
 * largest logit.
 */
async function verify(bytes, test, count) {
  const ort = createRequire(import.meta.url)('onnxruntime-node');
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  const net = networkFromOnnx(bytes);
  const w = workspace(net.shape);
  const size = SIDE * SIDE;
  const n = Math.min(count, test.count);
  let argmaxMismatches = 0;
  let worstRelative = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const pixels = test.pixels.subarray(i * size, (i + 1) * size);
    const input = Float32Array.from(pixels, (pixel) => PIXEL_VALUE[pixel]);
    const { logits } = await session.run({ input: new ort.Tensor('float32', input, [1, 1, SIDE, SIDE]) });
    const ours = forward(net, w, pixels);
    const scale = Math.max(...Array.from(logits.data, Math.abs));
    for (let k = 0; k < CLASSES; k++) worstRelative = Math.max(worstRelative, Math.abs(ours[k] - logits.data[k]) / scale);
    if (argmax(ours) !== argmax(logits.data)) argmaxMismatches++;
    if (argmax(logits.data) === test.labels[i]) correct++;
  }
  const ok = argmaxMismatches === 0 && worstRelative <= 1e-4;
  return {
    ok,
    text:
      `onnxruntime-node ${ort.env.versions.node} on ${n} test images: argmax mismatches ${argmaxMismatches}, ` +
      `worst logit difference ${worstRelative.toExponential(2)} of the largest logit, ` +
      `onnxruntime accuracy ${percent(correct / n)} -> ${ok ? 'PASS' : 'FAIL'}`,
  };
}

// ---------------------------------------------------------------- main

function describe(shape) {
  const { c1, c2, hidden } = shape;
  return (
    `Conv3x3 pad1 (1->${c1}) Relu MaxPool2x2 -> Conv3x3 pad1 (${c1}->${c2}) Relu MaxPool2x2 -> ` +
    `Flatten (${c2 * 49}) -> Gemm (${hidden}) Relu -> Gemm (${CLASSES})`
  );
}

async function main() {
  const args = options();
  if (args.verify) {
    const result = await verify(new Uint8Array(readFileSync(args.verify)), loadImageDataset(args.data, 'test'), args.verifyCount);
    process.stdout.write(`${args.verify}: ${result.text}\n`);
    process.exit(result.ok ? 0 : 1);
  }
  const logFile = join(dirname(args.out), `${basename(args.out, '.onnx')}.log`);
  for (const file of [args.out, logFile]) if (existsSync(file) && !args.force) fail(`${file} exists; pass --force to overwrite it`);
  const lines = [];
  const log = (line) => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
    writeFileSync(logFile, `${lines.join('\n')}\n`); // rewritten each line, so a long run shows its progress
  };
  const specs = tensorSpecs(args.shape);
  log(`command: node ${process.argv.slice(1).join(' ')}`);
  log(`node ${process.version}; data set ${args.data}; seed ${args.seed}; epochs ${args.epochs}; single-threaded`);
  log(`preprocessing: ${PREPROCESSING}`);
  log(`architecture: ${describe(args.shape)}`);
  log(`parameters: ${parameterCount(specs)}; forward MACs per image: ${forwardMacs(args.shape)}`);
  log(`optimizer: Adam lr ${args.lr} x ${args.lrDecay}^epoch, minibatch ${args.batch}, softmax cross-entropy; He-normal init`);
  log('train-acc is measured on each minibatch before its update; test-acc by this script on the whole test split');

  const { net, test, result, seconds } = train(args, log);
  const accuracy = `${percent(result.accuracy)} (${result.correct}/${test.count})`;
  const docString =
    `Float32 CNN trained on ${args.data} (${args.limit ?? 60000} training images) by npusim scripts/train-cnn.mjs. ` +
    `Preprocessing: ${PREPROCESSING}. Architecture: ${describe(args.shape)}. Epochs ${args.epochs}, seed ${args.seed}, ` +
    `Adam lr ${args.lr} x ${args.lrDecay}^epoch, minibatch ${args.batch}. ` +
    `Test accuracy ${accuracy} on the test split by the trainer's own float forward pass.`;
  const bytes = onnxModel(net, docString);
  writeFileSync(args.out, bytes);
  log(`total training time: ${seconds.toFixed(1)} s`);
  log(`final test accuracy: ${accuracy}`);
  log(`wrote ${args.out} (${bytes.length} bytes)`);
  const check = await verify(readFileSync(args.out), test, args.verifyCount);
  log(`verification: ${check.text}`);
  if (!check.ok) process.exit(1);
}

await main();
