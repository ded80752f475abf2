#!/usr/bin/env node
/**
 * Makes the TFLite Micro fixtures under test/fixtures/tflm/: small random int8 and 16x8 TFLite
 * models npusim has never seen, each with a random input, and the real models of models/ on new
 * random inputs, with every op's output as the real TFLite Micro interpreter and reference kernels
 * compute it (tflm-dump, built by build.sh).
 *
 *   TFLM=<tensorflow/tflite-micro checkout> DUMP=<tflm-dump> DUMP_SINGLE=<tflm-dump-single> \
 *     node scripts/tflm/generate.mjs
 *
 * Each model is written as flatbuffer JSON and turned into a .tflite by flatc with TFLM's own
 * schema.fbs (Debian's flatc 2.0.8 reads it once two `(deprecated)` markers on enum values, which
 * do not change the binary, are dropped). Seeded: the same command writes the same files.
 * Not part of the package or of CI: the fixtures it writes are committed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const TFLM = process.env.TFLM ?? fail('set TFLM to a tensorflow/tflite-micro checkout');
const DUMP = process.env.DUMP ?? fail('set DUMP to the tflm-dump binary scripts/tflm/build.sh built');
// Both builds, always: the fixtures folder is replaced whole, single/ folders included.
const DUMP_SINGLE =
  process.env.DUMP_SINGLE ?? fail('set DUMP_SINGLE to the tflm-dump-single binary SINGLE_ROUNDING=1 scripts/tflm/build.sh built');
for (const binary of [DUMP, DUMP_SINGLE]) if (!existsSync(binary)) fail(`${binary} does not exist: build it with scripts/tflm/build.sh`);
// Not OUT, which build.sh takes for its build folder: this folder is replaced whole.
const FIXTURES = process.env.FIXTURES ?? join(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/tflm');
const MODELS_PER_MODE = Number(process.env.MODELS ?? 8);
const SEED = 20261204;

function fail(message) {
  console.error(`generate: ${message}`);
  process.exit(2);
}

/** mulberry32: a small seeded generator, so the fixtures are reproducible. */
function random(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (low, high) => low + Math.floor(next() * (high - low + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    uniform: (low, high) => low + next() * (high - low),
  };
}

const f32 = Math.fround;

/** One TFLite model under construction, in flatc's JSON form of schema.fbs. */
class ModelBuilder {
  constructor(name) {
    this.name = name;
    this.tensors = [];
    this.buffers = [{}];
    this.codes = [];
    this.operators = [];
  }

  constant(name, type, shape, bytes, quantization) {
    this.buffers.push({ data: Array.from(bytes) });
    return this.tensor(name, type, shape, quantization, this.buffers.length - 1);
  }

  tensor(name, type, shape, quantization, buffer = 0) {
    const tensor = { shape, type, buffer, name, has_rank: true };
    if (quantization !== undefined)
      tensor.quantization = {
        scale: quantization.scales.map(f32),
        zero_point: quantization.zeroPoints,
        quantized_dimension: quantization.axis ?? 0,
      };
    this.tensors.push(tensor);
    return { index: this.tensors.length - 1, shape, type, quantization };
  }

  op(code, builtin, inputs, outputs, optionsType, options) {
    let opcode = this.codes.findIndex((entry) => entry.builtin_code === builtin);
    if (opcode < 0) {
      this.codes.push({ deprecated_builtin_code: Math.min(code, 127), builtin_code: builtin, version: 1 });
      opcode = this.codes.length - 1;
    }
    const operator = { opcode_index: opcode, inputs: inputs.map((t) => t.index), outputs: outputs.map((t) => t.index) };
    if (optionsType !== undefined) Object.assign(operator, { builtin_options_type: optionsType, builtin_options: options });
    this.operators.push(operator);
  }

  json(input, output) {
    const inputs = Array.isArray(input) ? input : [input];
    return {
      version: 3,
      description: `npusim test model ${this.name} (scripts/tflm/generate.mjs)`,
      operator_codes: this.codes,
      subgraphs: [
        { tensors: this.tensors, inputs: inputs.map((t) => t.index), outputs: [output.index], operators: this.operators, name: 'main' },
      ],
      buffers: this.buffers,
    };
  }
}

const int8Bytes = (values) => new Uint8Array(Int8Array.from(values).buffer);
const int32Bytes = (values) => new Uint8Array(Int32Array.from(values).buffer);
const int64Bytes = (values) => new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer);

/**
 * Random layers whose scales keep most outputs inside the format (some clip, as real models do):
 * the output scale is the accumulator's expected spread in real units over a random target spread.
 */
function makeModel(name, wide, rng, layout = false) {
  const m = new ModelBuilder(name);
  const activationType = wide ? 'INT16' : 'INT8';
  const activationLimit = wide ? 32767 : 127;
  const zeroPoint = () => (wide ? 0 : rng.int(-20, 20));
  const spread = wide ? 9000 : 40;
  const fused = () => rng.pick(['NONE', 'NONE', 'RELU', 'RELU6', 'RELU_N1_TO_1']);
  const uniformInt8 = (count) => Array.from({ length: count }, () => rng.int(-127, 127));
  const activationStd = (tensor) => (tensor.type === 'INT16' ? 32767 / Math.sqrt(3) : 127 / Math.sqrt(3));
  let layer = 0;

  /** Weights and bias of a conv-like layer, and its output tensor. */
  const weighted = (input, weightShape, channelAxis, reduction, outShape, label) => {
    const outChannels = weightShape[channelAxis];
    const perChannel = rng.next() < 0.7;
    const weightScales = Array.from({ length: perChannel ? outChannels : 1 }, () => f32(rng.uniform(0.002, 0.02)));
    const weights = m.constant(`${label}/weights`, 'INT8', weightShape, int8Bytes(uniformInt8(weightShape.reduce((a, b) => a * b))), {
      scales: weightScales,
      zeroPoints: weightScales.map(() => 0),
      axis: channelAxis,
    });
    const inputScale = input.quantization.scales[0];
    const biasScales = weightScales.map((s) => f32(inputScale * s));
    const biasValues = Array.from({ length: outChannels }, () => rng.int(-4000, 4000) * (wide ? 64 : 1));
    const bias = m.constant(
      `${label}/bias`,
      wide ? 'INT64' : 'INT32',
      [outChannels],
      wide ? int64Bytes(biasValues) : int32Bytes(biasValues),
      {
        scales: biasScales,
        zeroPoints: biasScales.map(() => 0),
      },
    );
    const meanWeightScale = weightScales.reduce((a, b) => a + b) / weightScales.length;
    const accumulatorStd = Math.sqrt(reduction) * activationStd(input) * (127 / Math.sqrt(3)) * inputScale * meanWeightScale;
    const outScale = f32((accumulatorStd / spread) * rng.uniform(0.6, 1.6));
    const output = m.tensor(`${label}/out`, activationType, outShape, { scales: [outScale], zeroPoints: [zeroPoint()] });
    return { weights, bias, output };
  };

  const convOutSize = (size, kernel, stride, dilation, padding) => {
    const effective = (kernel - 1) * dilation + 1;
    return padding === 'SAME' ? Math.ceil(size / stride) : Math.floor((size - effective) / stride) + 1;
  };

  const conv = (input, outChannels, kernel, stride, dilation, padding) => {
    const [, h, w, c] = input.shape;
    const label = `conv${layer++}`;
    const outShape = [1, convOutSize(h, kernel, stride, dilation, padding), convOutSize(w, kernel, stride, dilation, padding), outChannels];
    const { weights, bias, output } = weighted(input, [outChannels, kernel, kernel, c], 0, kernel * kernel * c, outShape, label);
    m.op(3, 'CONV_2D', [input, weights, bias], [output], 'Conv2DOptions', {
      padding,
      stride_w: stride,
      stride_h: stride,
      fused_activation_function: fused(),
      dilation_w_factor: dilation,
      dilation_h_factor: dilation,
    });
    return output;
  };

  const depthwise = (input, multiplier, kernel, stride, padding) => {
    const [, h, w, c] = input.shape;
    const label = `depthwise${layer++}`;
    const outShape = [1, convOutSize(h, kernel, stride, 1, padding), convOutSize(w, kernel, stride, 1, padding), c * multiplier];
    const { weights, bias, output } = weighted(input, [1, kernel, kernel, c * multiplier], 3, kernel * kernel, outShape, label);
    m.op(4, 'DEPTHWISE_CONV_2D', [input, weights, bias], [output], 'DepthwiseConv2DOptions', {
      padding,
      stride_w: stride,
      stride_h: stride,
      depth_multiplier: multiplier,
      fused_activation_function: fused(),
      dilation_w_factor: 1,
      dilation_h_factor: 1,
    });
    return output;
  };

  const sameQuantization = (input, label, shape) => m.tensor(`${label}/out`, activationType, shape, input.quantization);

  const add = (a, b) => {
    const label = `add${layer++}`;
    const scale = f32(Math.max(a.quantization.scales[0], b.quantization.scales[0]) * rng.uniform(1.1, 2.2));
    const output = m.tensor(`${label}/out`, activationType, a.shape, { scales: [scale], zeroPoints: [zeroPoint()] });
    m.op(0, 'ADD', [a, b], [output], 'AddOptions', { fused_activation_function: fused(), pot_scale_int16: false });
    return output;
  };

  const pool = (input) => {
    const [, h, w, c] = input.shape;
    const average = rng.next() < 0.5;
    const filter = rng.int(2, 3);
    const stride = rng.int(1, 2);
    const padding = rng.pick(['SAME', 'VALID']);
    const label = `${average ? 'avgpool' : 'maxpool'}${layer++}`;
    const output = sameQuantization(input, label, [
      1,
      convOutSize(h, filter, stride, 1, padding),
      convOutSize(w, filter, stride, 1, padding),
      c,
    ]);
    m.op(average ? 1 : 17, average ? 'AVERAGE_POOL_2D' : 'MAX_POOL_2D', [input], [output], 'Pool2DOptions', {
      padding,
      stride_w: stride,
      stride_h: stride,
      filter_width: filter,
      filter_height: filter,
      fused_activation_function: 'NONE',
    });
    return output;
  };

  const pad = (input) => {
    const [, h, w, c] = input.shape;
    const [top, bottom, left, right] = [rng.int(0, 2), rng.int(0, 2), rng.int(0, 2), rng.int(0, 2)];
    const paddings = m.constant(`pad${layer}/paddings`, 'INT32', [4, 2], int32Bytes([0, 0, top, bottom, left, right, 0, 0]));
    const output = sameQuantization(input, `pad${layer++}`, [1, h + top + bottom, w + left + right, c]);
    m.op(34, 'PAD', [input, paddings], [output], 'PadOptions', {});
    return output;
  };

  const concat = (input) => {
    const [, h, w, c] = input.shape;
    const output = sameQuantization(input, `concat${layer++}`, [1, h, w, 2 * c]);
    m.op(2, 'CONCATENATION', [input, input], [output], 'ConcatenationOptions', {
      axis: rng.pick([3, -1]),
      fused_activation_function: 'NONE',
    });
    return output;
  };

  const requantize = (input) => {
    const scale = f32(input.quantization.scales[0] * rng.uniform(0.4, 2.5));
    const output = m.tensor(`quantize${layer++}/out`, activationType, input.shape, { scales: [scale], zeroPoints: [zeroPoint()] });
    m.op(114, 'QUANTIZE', [input], [output], 'QuantizeOptions', {});
    return output;
  };

  const mean = (input) => {
    const [, , , c] = input.shape;
    const axes = m.constant(`mean${layer}/axes`, 'INT32', [2], int32Bytes([1, 2]));
    const scale = f32(input.quantization.scales[0] * rng.uniform(0.3, 1.2));
    const output = m.tensor(`mean${layer++}/out`, activationType, [1, c], { scales: [scale], zeroPoints: [zeroPoint()] });
    m.op(40, 'MEAN', [input, axes], [output], 'ReducerOptions', { keep_dims: false });
    return output;
  };

  const flatten = (input) => {
    const features = input.shape.reduce((a, b) => a * b);
    const shape = m.constant(`reshape${layer}/shape`, 'INT32', [2], int32Bytes([1, features]));
    const output = sameQuantization(input, `reshape${layer++}`, [1, features]);
    m.op(22, 'RESHAPE', [input, shape], [output], 'ReshapeOptions', { new_shape: [1, features] });
    return output;
  };

  const fullyConnected = (input, outFeatures) => {
    const label = `fc${layer++}`;
    const inFeatures = input.shape[1];
    const { weights, bias, output } = weighted(input, [outFeatures, inFeatures], 0, inFeatures, [1, outFeatures], label);
    m.op(9, 'FULLY_CONNECTED', [input, weights, bias], [output], 'FullyConnectedOptions', {
      fused_activation_function: fused(),
      weights_format: 'DEFAULT',
      keep_num_dims: false,
    });
    return output;
  };

  const softmax = (input) => {
    const output = m.tensor(`softmax${layer++}/out`, 'INT8', input.shape, { scales: [f32(1 / 256)], zeroPoints: [-128] });
    m.op(25, 'SOFTMAX', [input], [output], 'SoftmaxOptions', { beta: f32(rng.pick([1, 1, 0.5, 2])) });
    return output;
  };

  const padV2 = (input) => {
    const [, h, w, c] = input.shape;
    const [top, bottom, left, right] = [rng.int(0, 2), rng.int(0, 2), rng.int(0, 2), rng.int(0, 2)];
    const paddings = m.constant(`padv2${layer}/paddings`, 'INT32', [4, 2], int32Bytes([0, 0, top, bottom, left, right, 0, 0]));
    // TFLite's converter pads with the zero point, the only constant npusim (and a real 0.0) takes.
    const constant = m.constant(`padv2${layer}/constant`, 'INT8', [], int8Bytes([input.quantization.zeroPoints[0]]), input.quantization);
    const output = sameQuantization(input, `padv2${layer++}`, [1, h + top + bottom, w + left + right, c]);
    m.op(60, 'PADV2', [input, paddings, constant], [output], 'PadV2Options', {});
    return output;
  };

  /** NHWC to NCHW, as a model exported from PyTorch flattens its features. */
  const toChannelsFirst = (input) => {
    const [n, h, w, c] = input.shape;
    const perm = m.constant(`transpose${layer}/perm`, 'INT32', [4], int32Bytes([0, 3, 1, 2]));
    const output = sameQuantization(input, `transpose${layer++}`, [n, c, h, w]);
    m.op(39, 'TRANSPOSE', [input, perm], [output], 'TransposeOptions', {});
    return output;
  };

  /** MEAN keeping its axes, then SQUEEZE of them. */
  const meanSqueezed = (input) => {
    const [, , , c] = input.shape;
    const axes = m.constant(`mean${layer}/axes`, 'INT32', [2], int32Bytes([1, 2]));
    const scale = f32(input.quantization.scales[0] * rng.uniform(0.3, 1.2));
    const kept = m.tensor(`mean${layer++}/out`, activationType, [1, 1, 1, c], { scales: [scale], zeroPoints: [zeroPoint()] });
    m.op(40, 'MEAN', [input, axes], [kept], 'ReducerOptions', { keep_dims: true });
    const output = sameQuantization(kept, `squeeze${layer++}`, [1, c]);
    m.op(43, 'SQUEEZE', [kept], [output], 'SqueezeOptions', { squeeze_dims: [1, 2] });
    return output;
  };

  if (layout) {
    // two inputs -> add -> padv2 -> conv -> transpose + reshape, or mean (kept) + squeeze -> fully connected -> [softmax]
    const shape = [1, rng.int(4, 10), rng.int(4, 10), rng.int(1, 5)];
    const inputs = [0, 1].map((slot) =>
      m.tensor(`input${slot}`, activationType, shape, { scales: [f32(rng.uniform(0.01, 0.05))], zeroPoints: [zeroPoint()] }),
    );
    let z = add(inputs[0], inputs[1]);
    z = padV2(z);
    const size = rng.int(1, 3);
    z = conv(z, rng.int(2, 8), size, 1, 1, rng.pick(['SAME', 'VALID']));
    z = rng.next() < 0.5 ? flatten(toChannelsFirst(z)) : meanSqueezed(z);
    z = fullyConnected(z, rng.int(3, 10));
    if (rng.next() < 0.5) z = softmax(z);
    const values = inputs.map(() =>
      Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.int(-activationLimit - 1, activationLimit)),
    );
    return { json: m.json(inputs, z), inputs: values.map((v) => ({ shape, wide, values: v })) };
  }

  // input -> [pad] -> conv -> depthwise (same shape) -> add(conv, depthwise) -> pool -> [concat]
  // -> [quantize] -> mean or reshape -> fully connected -> [softmax]
  const inputScale = f32(wide ? rng.uniform(0.0002, 0.002) : rng.uniform(0.01, 0.05));
  const input = m.tensor('input', activationType, [1, rng.int(5, 12), rng.int(5, 12), rng.int(1, 6)], {
    scales: [inputScale],
    zeroPoints: [zeroPoint()],
  });
  let x = input;
  if (rng.next() < 0.4) x = pad(x);
  const kernel = rng.int(1, 3);
  x = conv(x, rng.int(2, 10), kernel, rng.int(1, 2), kernel > 1 ? rng.int(1, 2) : 1, rng.pick(['SAME', 'VALID']));
  if (x.shape[1] < 2 || x.shape[2] < 2) return undefined;
  const y = depthwise(x, 1, 3, 1, 'SAME');
  x = add(x, y);
  x = depthwise(x, rng.int(1, 2), rng.int(2, 3), rng.int(1, 2), rng.pick(['SAME', 'VALID']));
  if (x.shape[1] < 3 || x.shape[2] < 3) return undefined;
  x = pool(x);
  if (!wide && rng.next() < 0.5) x = concat(x);
  if (rng.next() < 0.5) x = requantize(x);
  x = rng.next() < 0.5 ? mean(x) : flatten(x);
  x = fullyConnected(x, rng.int(3, 12));
  if (!wide && rng.next() < 0.6) x = softmax(x);
  const limit = activationLimit;
  const inputValues = Array.from({ length: input.shape.reduce((a, b) => a * b) }, () => rng.int(-limit - 1, limit));
  return { json: m.json(input, x), input: { shape: input.shape, wide, values: inputValues } };
}

/** A version 1.0 .npy file of int8 or int16 values. */
function npy(shape, wide, values) {
  let header = `{'descr': '${wide ? '<i2' : '|i1'}', 'fortran_order': False, 'shape': (${shape.join(', ')},), }`;
  header += `${' '.repeat(63 - ((10 + header.length) % 64))}\n`;
  const prefix = Buffer.alloc(10);
  Buffer.from('\x93NUMPY', 'latin1').copy(prefix);
  prefix[6] = 1;
  prefix.writeUInt16LE(header.length, 8);
  const data = wide ? Buffer.from(Int16Array.from(values).buffer) : Buffer.from(Int8Array.from(values).buffer);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), data]);
}

const work = mkdtempSync(join(tmpdir(), 'tflm-generate-'));
const schema = join(work, 'schema.fbs');
writeFileSync(
  schema,
  readFileSync(join(TFLM, 'tensorflow/compiler/mlir/lite/schema/schema.fbs'), 'utf8')
    .replace('= 205 (deprecated),', '= 205,')
    .replace(/^ {2}ReduceWindowOptions \(deprecated\),/m, '  ReduceWindowOptions,'),
);
// Replace only a folder of fixtures (or none): never one that holds anything else.
if (existsSync(FIXTURES)) {
  const strangers = readdirSync(FIXTURES).filter((name) => !/^((int8|int16x8|layout)_\d\d|real_[a-z0-9_]+_\d)$/.test(name));
  if (strangers.length > 0) fail(`${FIXTURES} holds ${strangers.join(', ')}, not only fixtures: set FIXTURES to a folder of its own`);
}
rmSync(FIXTURES, { recursive: true, force: true });

/** Writes a model's flatbuffer JSON as folder/model.tflite (flatc names it after the JSON, with the schema's extension). */
function writeModel(folder, name, json) {
  writeFileSync(join(work, `${name}.json`), JSON.stringify(json));
  execFileSync('flatc', ['-b', '-o', folder, schema, join(work, `${name}.json`)]);
  renameSync(join(folder, `${name}.tflite`), join(folder, 'model.tflite'));
  return join(folder, 'model.tflite');
}

/** Runs `model` on `inputs` with a TFLM build into `folder`: manifest.json and tensors.bin.gz. */
function dump(binary, model, folder, inputs) {
  execFileSync(binary, [model, folder, ...inputs]);
  writeFileSync(join(folder, 'tensors.bin.gz'), gzipSync(readFileSync(join(folder, 'tensors.bin')), { level: 9 }));
  rmSync(join(folder, 'tensors.bin'));
}
const rng = random(SEED);
for (const wide of [false, true]) {
  for (let made = 0; made < MODELS_PER_MODE; ) {
    const name = `${wide ? 'int16x8' : 'int8'}_${String(made).padStart(2, '0')}`;
    const model = makeModel(name, wide, rng);
    if (model === undefined) continue;
    const folder = join(FIXTURES, name);
    mkdirSync(folder, { recursive: true });
    const file = writeModel(folder, name, model.json);
    writeFileSync(join(folder, 'input.npy'), npy(model.input.shape, wide, model.input.values));
    dump(DUMP, file, folder, [join(folder, 'input.npy')]);
    made += 1;
    console.log(`${name}: ${model.json.subgraphs[0].operators.length} ops`);
  }
}

/**
 * The real models of models/ on inputs nobody chose: seeded uniform values over each input's whole
 * range (the shared anchors hold one such input for the 16x8 layers; these are others). The model
 * is not copied: the manifest names it, and the test reads it from models/.
 */
const MODELS = join(dirname(fileURLToPath(import.meta.url)), '../../models');
const REAL_MODELS = [
  ['person_detect', 2],
  ['hello_world_int8', 1],
  ['conv0', 1],
  ['conv1', 1],
  ['add0', 1],
];
const TYPE_BITS = { INT8: 8, INT16: 16 };
for (const [model, inputs] of REAL_MODELS) {
  const file = join(MODELS, `${model}.tflite`);
  execFileSync('flatc', ['--json', '--strict-json', '--raw-binary', '-o', work, schema, '--', file]);
  const subgraph = JSON.parse(readFileSync(join(work, `${model}.json`), 'utf8')).subgraphs[0];
  for (let k = 1; k <= inputs; k += 1) {
    const name = `real_${model}_${k}`;
    const folder = join(FIXTURES, name);
    mkdirSync(folder, { recursive: true });
    const files = subgraph.inputs.map((index, slot) => {
      const tensor = subgraph.tensors[index];
      const bits = TYPE_BITS[tensor.type] ?? fail(`${model}: input ${tensor.name} is ${tensor.type}`);
      const limit = 2 ** (bits - 1);
      const values = Array.from({ length: tensor.shape.reduce((a, b) => a * b, 1) }, () => rng.int(-limit, limit - 1));
      const input = join(folder, `input${slot}.npy`);
      writeFileSync(input, npy(tensor.shape, bits === 16, values));
      return input;
    });
    dump(DUMP, file, folder, files);
    console.log(`${name}: ${subgraph.operators.length} ops`);
  }
}
// Layout and two-input models (int8): TRANSPOSE before a flatten, MEAN with kept axes and SQUEEZE,
// PADV2, an ADD of the two graph inputs. After the others, so their fixtures stay as they were.
for (let made = 0; made < 4; ) {
  const name = `layout_${String(made).padStart(2, '0')}`;
  const model = makeModel(name, false, rng, true);
  const folder = join(FIXTURES, name);
  mkdirSync(folder, { recursive: true });
  const file = writeModel(folder, name, model.json);
  const inputs = model.inputs.map((input, slot) => {
    const npyFile = join(folder, `input${slot}.npy`);
    writeFileSync(npyFile, npy(input.shape, false, input.values));
    return npyFile;
  });
  dump(DUMP, file, folder, inputs);
  made += 1;
  console.log(`${name}: ${model.json.subgraphs[0].operators.length} ops`);
}

/**
 * Every fixture but the second person_detect run again under TFLite's single-rounding build
 * (build.sh's SINGLE_ROUNDING=1 binary), into <fixture>/single/, for tflite-single.
 */
{
  for (const name of readdirSync(FIXTURES).sort()) {
    if (name === 'real_person_detect_2') continue;
    const folder = join(FIXTURES, name);
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
    const model = existsSync(join(folder, 'model.tflite')) ? join(folder, 'model.tflite') : join(MODELS, manifest.model);
    const inputs = readdirSync(folder)
      .filter((file) => file.endsWith('.npy'))
      .sort()
      .map((file) => join(folder, file));
    const single = join(folder, 'single');
    mkdirSync(single);
    dump(DUMP_SINGLE, model, single, inputs);
    console.log(`${name}/single`);
  }
}
rmSync(work, { recursive: true, force: true });
