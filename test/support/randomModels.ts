/**
 * Random small quantized networks from a seed, as npusim graphs the ONNX exporter writes in either
 * form: convolutions (dense, grouped, depthwise with multipliers, strided, dilated, padded),
 * max and windowed average pooling, residual adds, channel concatenations, and an optional head
 * (global average pool, flatten, fully connected); int8 or uint8 activations, per-tensor or
 * per-channel weights, integer clamps (QOperator) or Relu at the zero point's minimum (QDQ), and
 * output scales near the layer's spread so most values are interior.
 */
import { resolveGraph } from '../../src/formats/loadGraph.js';
import type { GraphFile, TensorSpec } from '../../src/formats/graphSchema.js';
import type { Graph } from '../../src/graph/model.js';
import type { OnnxForm } from './onnxExport.js';

type Random = (low: number, high: number) => number;

function generator(seed: number): Random {
  let state = seed >>> 0 || 1;
  return (low, high) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return low + Math.floor((state / 2 ** 32) * (high - low + 1));
  };
}

export interface RandomModel {
  readonly graph: Graph;
  readonly signed: boolean;
}

export function randomModel(seed: number, form: OnnxForm): RandomModel {
  const random = generator(seed);
  const signed = random(0, 1) === 1;
  const [low, high] = signed ? [-128, 127] : [0, 255];
  const [weightLow, weightHigh] = signed ? [-127, 127] : [-64, 63];
  const tensors: Record<string, TensorSpec> = {};
  const ops: GraphFile['ops'] = [];
  const fscale = (value: number) => Math.fround(value);
  const zero = () => random(low + 30, high - 30);
  let count = 0;
  const fresh = (prefix: string) => `${prefix}${count++}`;

  interface Current {
    name: string;
    h: number;
    w: number;
    c: number;
    scale: number;
  }
  const activation = (name: string, h: number, w: number, c: number, scale: number, zeroPoint = zero()): Current => {
    tensors[name] = { shape: [1, h, w, c], type: signed ? 's8' : 'u8', quant: { scale, zeroPoint } };
    return { name, h, w, c, scale };
  };
  let current = activation('input', random(3, 8), random(3, 8), random(1, 4), fscale(0.01 + random(0, 100) / 2000));

  const clampFor = (output: string): GraphFile['ops'][number] extends infer T ? (T extends { activation: infer A } ? A : never) : never => {
    const quant = tensors[output]?.quant as { scale: number; zeroPoint: number };
    const choice = random(0, 3);
    if (form === 'qdq') {
      // onnxruntime drops a Relu before QuantizeLinear only when the zero point is the type's minimum.
      if (choice === 0) {
        quant.zeroPoint = low;
        return 'relu';
      }
      return 'none';
    }
    if (choice === 0) return 'relu';
    if (choice === 1) {
      const a = random(low, quant.zeroPoint);
      const b = random(quant.zeroPoint + 1, high);
      return { min: (a - quant.zeroPoint) * quant.scale, max: (b - quant.zeroPoint) * quant.scale };
    }
    return 'none';
  };

  const conv = (from: Current, options: { kernel?: number; outChannels?: number; depthwise?: boolean } = {}): Current => {
    const depthwise = options.depthwise ?? random(0, 3) === 0;
    const multiplier = depthwise ? random(1, 2) : 1;
    const groupsChoice = !depthwise && from.c % 2 === 0 && random(0, 2) === 0 ? 2 : 1;
    const out = options.outChannels ?? (depthwise ? from.c * multiplier : groupsChoice * random(1, 3));
    const k = options.kernel ?? random(1, 3);
    const stride = random(1, 2);
    const dilation = k > 1 && random(0, 3) === 0 ? 2 : 1;
    const effective = (k - 1) * dilation + 1;
    const pads = [0, 0, 0, 0].map(() => random(0, k - 1));
    const [top = 0, left = 0, bottom = 0, right = 0] = pads;
    if (from.h + top + bottom < effective || from.w + left + right < effective) return from;
    const oh = Math.floor((from.h + top + bottom - effective) / stride) + 1;
    const ow = Math.floor((from.w + left + right - effective) / stride) + 1;
    const perChannel = random(0, 1) === 1;
    const inPerGroup = depthwise ? 1 : from.c / groupsChoice;
    const weightScales = Array.from({ length: perChannel ? out : 1 }, () => fscale(0.002 + random(0, 100) / 20000));
    const name = fresh('conv');
    const weightCount = depthwise ? k * k * out : out * k * k * inPerGroup;
    tensors[`${name}.w`] = {
      shape: depthwise ? [1, k, k, out] : [out, k, k, inPerGroup],
      type: 's8',
      quant: perChannel
        ? { scale: weightScales, zeroPoint: 0, axis: depthwise ? 3 : 0 }
        : { scale: weightScales[0] as number, zeroPoint: 0 },
      data: Array.from({ length: weightCount }, () => random(weightLow, weightHigh)),
    };
    const hasBias = random(0, 2) > 0;
    if (hasBias) tensors[`${name}.b`] = { shape: [out], type: 's32', data: Array.from({ length: out }, () => random(-3000, 3000)) };
    const spread = from.scale * (weightScales[0] as number) * 40 * Math.sqrt(k * k * inPerGroup);
    const output = activation(`${name}.out`, oh, ow, out, fscale(spread * (0.5 + random(0, 100) / 100)));
    const common = {
      name,
      input: from.name,
      weights: `${name}.w`,
      output: output.name,
      stride: [stride, stride] as [number, number],
      dilation: [dilation, dilation] as [number, number],
      padding: { top, left, bottom, right },
      activation: clampFor(output.name),
      ...(hasBias ? { bias: `${name}.b` } : {}),
    };
    ops.push(
      depthwise ? { ...common, op: 'depthwise_conv2d', depthMultiplier: multiplier } : { ...common, op: 'conv2d', groups: groupsChoice },
    );
    return output;
  };

  const layers = random(1, 5);
  for (let layer = 0; layer < layers; layer += 1) {
    const kind = random(0, 5);
    if (kind <= 1) current = conv(current);
    else if (kind === 2 || kind === 3) {
      const k = random(1, 3);
      const stride = random(1, 2);
      const pads = [0, 0, 0, 0].map(() => random(0, k - 1));
      const [top = 0, left = 0, bottom = 0, right = 0] = pads;
      if (current.h + top + bottom < k || current.w + left + right < k) continue;
      const oh = Math.floor((current.h + top + bottom - k) / stride) + 1;
      const ow = Math.floor((current.w + left + right - k) / stride) + 1;
      const name = fresh(kind === 2 ? 'max' : 'avg');
      const input = tensors[current.name]?.quant as { scale: number; zeroPoint: number };
      // Max pooling keeps the quantization; average pooling may requantize.
      const output =
        kind === 2
          ? activation(`${name}.out`, oh, ow, current.c, current.scale, input.zeroPoint)
          : activation(`${name}.out`, oh, ow, current.c, fscale(current.scale * (0.6 + random(0, 80) / 100)));
      const padding = { top, left, bottom, right };
      const activationChoice = kind === 2 ? ('none' as const) : clampFor(output.name);
      ops.push(
        kind === 2
          ? {
              name,
              op: 'max_pool',
              input: current.name,
              output: output.name,
              filter: [k, k],
              stride: [stride, stride],
              dilation: [1, 1],
              padding,
              activation: 'none',
            }
          : {
              name,
              op: 'avg_pool',
              input: current.name,
              output: output.name,
              filter: [k, k],
              stride: [stride, stride],
              padding,
              activation: activationChoice,
            },
      );
      current = output;
    } else if (kind === 4) {
      // A residual add: the tensor and a same-shaped 1x1 convolution of it.
      const branch = conv(current, { kernel: 1, outChannels: current.c, depthwise: false });
      if (branch === current || branch.h !== current.h || branch.w !== current.w) continue;
      const name = fresh('add');
      const output = activation(
        `${name}.out`,
        current.h,
        current.w,
        current.c,
        fscale(Math.max(current.scale, branch.scale) * (1 + random(0, 100) / 100)),
      );
      ops.push({ name, op: 'add', inputs: [current.name, branch.name], output: output.name, activation: clampFor(output.name) });
      current = output;
    } else {
      const branch = conv(current, { kernel: 1, depthwise: false });
      if (branch === current || branch.h !== current.h || branch.w !== current.w) continue;
      const name = fresh('concat');
      const output = activation(
        `${name}.out`,
        current.h,
        current.w,
        current.c + branch.c,
        fscale(Math.max(current.scale, branch.scale) * (0.7 + random(0, 60) / 100)),
      );
      ops.push({ name, op: 'concat', inputs: [current.name, branch.name], output: output.name, axis: 3 });
      current = output;
    }
  }
  // A QOperator model of max pools alone has no scale anywhere: always some op that quantizes.
  if (ops.every((op) => op.op === 'max_pool') || random(0, 1) === 1) {
    const pooled = activation(fresh('gap'), 1, 1, current.c, fscale(current.scale * (0.5 + random(0, 100) / 100)));
    ops.push({ name: `${pooled.name}.op`, op: 'global_avg_pool', input: current.name, output: pooled.name });
    const flat = `${pooled.name}.flat`;
    tensors[flat] = {
      shape: [1, current.c],
      type: signed ? 's8' : 'u8',
      quant: tensors[pooled.name]?.quant as { scale: number; zeroPoint: number },
    };
    ops.push({ name: `${flat}.op`, op: 'reshape', input: pooled.name, output: flat });
    const outputs = random(1, 5);
    const weightScale = fscale(0.003 + random(0, 100) / 20000);
    tensors['fc.w'] = {
      shape: [outputs, current.c],
      type: 's8',
      quant: { scale: weightScale, zeroPoint: 0 },
      data: Array.from({ length: outputs * current.c }, () => random(weightLow, weightHigh)),
    };
    tensors['fc.b'] = { shape: [outputs], type: 's32', data: Array.from({ length: outputs }, () => random(-500, 500)) };
    tensors['fc.out'] = {
      shape: [1, outputs],
      type: signed ? 's8' : 'u8',
      quant: { scale: fscale(pooled.scale * weightScale * 40 * Math.sqrt(current.c)), zeroPoint: zero() },
    };
    ops.push({
      name: 'fc',
      op: 'fully_connected',
      input: flat,
      weights: 'fc.w',
      bias: 'fc.b',
      output: 'fc.out',
      activation: clampFor('fc.out'),
    });
  }
  const last = ops[ops.length - 1]?.output as string;
  const file: GraphFile = { name: `random${seed}`, inputs: ['input'], outputs: [last], tensors, ops };
  return { graph: resolveGraph(file, `random:${seed}`), signed };
}
