/**
 * validate --hw refuses what run cannot compute exactly: multipliers, float32 scales and shifts
 * outside each requantization mode's domain (layers, concat, add, average pooling), quantization
 * the kernels would misread, activation bounds beyond float32. Each refusal names the tensor (and
 * channel) or the op, run refuses it with the same line, and what lies just inside runs.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { digestFolder, fixtureCopy, readJson, REPO, temporaryDirectory, writeJson } from '../support/files.js';

type Json = Record<string, any>;

const MODES = ['gemmlowp', 'tflite-double', 'tflite-single', 'cmsis-nn', 'cmsis-nn-single', 'hvx', 'ort-float', 'shift-only'] as const;
type Mode = (typeof MODES)[number];

function hardwareFor(directory: string, mode: Mode, extra: Json = {}): string {
  const config = readJson(join(REPO, 'configs/edge-npu.json')) as Json;
  delete config.$schema;
  config.requant = { mode, unit: 'dedicated', ...(mode === 'hvx' || mode === 'shift-only' ? { rounding: 'half-up' } : {}), ...extra };
  const file = join(directory, `hw-${mode}.json`);
  writeJson(file, config);
  return file;
}

/** The fixture graph (conv with per-channel scales, depthwise, pool, reshape, fc) with `change` applied. */
function tinyGraph(change: (graph: Json) => void): { directory: string; graph: string } {
  const directory = fixtureCopy();
  const graph = join(directory, 'tiny-graph.json');
  const json = readJson(graph) as Json;
  change(json);
  writeJson(graph, json);
  return { directory, graph };
}

/** A graph of one op on s8 tensors of `shape`, the named tensors quantized as given. */
function oneOpGraph(op: Json, tensors: Record<string, Json>, inputs: string[]): { directory: string; graph: string } {
  const directory = temporaryDirectory();
  const graph = join(directory, 'graph.json');
  writeJson(graph, { name: 'one-op', inputs, outputs: [op.output], tensors, ops: [{ name: 'op', ...op }] });
  return { directory, graph };
}

async function expectRefused(directory: string, graph: string, hardware: string, message: string, alsoRun = true): Promise<void> {
  const before = digestFolder(directory);
  for (const argv of [['validate', graph, '--hw', hardware], ...(alsoRun ? [['run', graph, '--hw', hardware]] : [])]) {
    const run = await runCli(argv);
    expect(run.stderr).toBe(`error: ${graph}:${message}\n`);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
  }
  expect(digestFolder(directory)).toEqual(before);
}

async function expectRuns(graph: string, hardware: string): Promise<void> {
  const validate = await runCli(['validate', graph, '--hw', hardware]);
  expect(validate.stderr).toBe('');
  expect(validate.exitCode).toBe(0);
  const run = await runCli(['run', graph, '--hw', hardware, '--format', 'json']);
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
}

const s8 = (shape: number[], scale: number, zeroPoint = 0): Json => ({ shape, type: 's8', quant: { scale, zeroPoint } });

describe('layer multipliers outside the mode', () => {
  // The fixture's conv: input scale 0.05, output 0.1; channel 1's weight scale becomes 1e11.
  const huge = () => tinyGraph((graph) => (graph.tensors['conv.weights'].quant.scale[1] = 1e11));
  const where = '$.tensors["conv.weights"].quant.scale[1]: conv2d "conv": effective scale 5e10 (input 0.05 x weight 1e11 / output 0.1)';

  it.each(['gemmlowp', 'tflite-double', 'cmsis-nn'] as const)(
    '%s: a shift above 30 (the kernel shifts int32 left by at most 30)',
    async (mode) => {
      const { directory, graph } = huge();
      await expectRefused(
        directory,
        graph,
        hardwareFor(directory, mode),
        `${where} is outside what ${mode} can represent (a multiplier below 2^31 with a shift of -31..30: effective scales below 2^30)`,
      );
    },
  );

  it('hvx: a shift above 31', async () => {
    const { directory, graph } = huge();
    await expectRefused(
      directory,
      graph,
      hardwareFor(directory, 'hvx'),
      `${where} is outside what hvx can represent (a multiplier below 2^31 with a shift of -31..31: effective scales below 2^31)`,
    );
  });

  it.each(['tflite-single', 'cmsis-nn-single'] as const)(
    '%s saturates the shift at 30 as the library does, which changes no output: it runs',
    async (mode) => {
      const { directory, graph } = huge();
      await expectRuns(graph, hardwareFor(directory, mode));
    },
  );

  it('a scale just inside 2^30 runs under tflite-double', async () => {
    // 0.05 x 1.9e9 / 0.1 = 9.5e8 < 2^30: shift 30.
    const { directory, graph } = tinyGraph((json) => (json.tensors['conv.weights'].quant.scale[1] = 1.9e9));
    await expectRuns(graph, hardwareFor(directory, 'tflite-double'));
  });

  it('a per-tensor scale names the tensor without a channel', async () => {
    const { directory, graph } = tinyGraph((json) => (json.tensors['fc.weights'].quant.scale = 1e12));
    // TFLM's per-tensor fully connected multiplies 0.2 x 1e12 in float32 first.
    await expectRefused(
      directory,
      graph,
      hardwareFor(directory, 'tflite-double'),
      '$.tensors["fc.weights"].quant.scale: fully_connected "fc": effective scale 4e12 (input 0.2 x weight 1e12 / output 0.05) is outside what tflite-double can represent (a multiplier below 2^31 with a shift of -31..30: effective scales below 2^30)',
    );
  });

  it('ort-float: a float32 scale whose product with a 32-bit accumulator overflows float32', async () => {
    const { directory, graph } = tinyGraph((json) => (json.tensors['conv.weights'].quant.scale[2] = 1e30));
    await expectRefused(
      directory,
      graph,
      hardwareFor(directory, 'ort-float'),
      '$.tensors["conv.weights"].quant.scale[2]: conv2d "conv": float32 scale 5e29 (input 0.05 x weight 1e30 / output 0.1) is outside what ort-float can represent (a float32 scale whose product with any 32-bit accumulator stays below float32\'s maximum 3.4e38: scales up to 2^97)',
    );
  });

  it('shift-only with scales: the nearest power of two needs a shift outside -32..63', async () => {
    const { directory, graph } = huge();
    await expectRefused(
      directory,
      graph,
      hardwareFor(directory, 'shift-only'),
      '$.tensors["conv.weights"].quant.scale[1]: conv2d "conv": effective scale 5e10 (input 0.05 x weight 1e11 / output 0.1) needs a shift of -35, outside what shift-only can apply (shifts of -32..63)',
    );
  });

  it('shift-only with fractional bits: fl_in + fl_w - fl_out above 63', async () => {
    const { directory, graph } = oneOpGraph(
      { op: 'conv2d', input: 'in', weights: 'w', output: 'out' },
      {
        in: { shape: [1, 2, 2, 1], type: 's8', quant: { fractionalBits: 40 } },
        w: { shape: [1, 1, 1, 1], type: 's8', quant: { fractionalBits: 40 }, data: [3] },
        out: { shape: [1, 2, 2, 1], type: 's8', quant: { fractionalBits: 10 } },
      },
      ['in'],
    );
    await expectRefused(
      directory,
      graph,
      hardwareFor(directory, 'shift-only'),
      '$.tensors.w.quant.fractionalBits: conv2d "op": shift 70 (input 40 + weights 40 - output 10 fractional bits) is outside what shift-only can apply (shifts of -32..63)',
    );
  });
});

describe('quantization the kernels would misread', () => {
  it('non-zero weight zero points', async () => {
    const { directory, graph } = tinyGraph((json) => (json.tensors['conv.weights'].quant.zeroPoint = [0, 3, 0]));
    await expectRefused(
      directory,
      graph,
      hardwareFor(directory, 'tflite-double'),
      '$.tensors["conv.weights"].quant.zeroPoint[1]: conv2d "conv": weights are symmetric (zero point 0), as in TFLite\'s and CMSIS-NN\'s integer kernels: the array subtracts no weight zero point; got 3',
    );
  });

  it('per-channel weight scales along an axis other than the output channels', async () => {
    const { directory, graph } = tinyGraph((json) => (json.tensors['conv.weights'].quant.axis = 1));
    await expectRefused(
      directory,
      graph,
      hardwareFor(directory, 'tflite-double'),
      '$.tensors["conv.weights"].quant.axis: conv2d "conv": per-channel weight scales run along the output channels, axis 0 (OHWI), got axis 1',
    );
  });

  it('per-channel quantization of an activation', async () => {
    const { directory, graph } = tinyGraph((json) => (json.tensors['conv.out'].quant = { scale: [0.1, 0.1, 0.2], zeroPoint: 0, axis: 3 }));
    await expectRefused(
      directory,
      graph,
      hardwareFor(directory, 'tflite-double'),
      '$.tensors["conv.out"].quant: conv2d "conv" reads or writes "conv.out" as an activation, and npusim quantizes activations per tensor (one scale, one zero point); give it {scale, zeroPoint}',
    );
  });

  it('dynamic fixed point under a scale mode, and a mix under shift-only', async () => {
    const { directory, graph } = tinyGraph((json) => (json.tensors.input.quant = { fractionalBits: 4 }));
    await expectRefused(
      directory,
      graph,
      hardwareFor(directory, 'cmsis-nn'),
      '$.tensors.input.quant: conv2d "conv": the cmsis-nn mode needs scales ({scale, zeroPoint}); "input" is in dynamic fixed point, which only shift-only takes',
    );
    await expectRefused(
      directory,
      graph,
      hardwareFor(directory, 'shift-only'),
      '$.tensors["conv.weights"].quant: conv2d "conv": the shift-only mode takes "input", "conv.weights", "conv.out" all in dynamic fixed point (fractionalBits) or all with scales; "conv.weights" differs',
    );
  });

  it('a layer without quantization', async () => {
    const { directory, graph } = tinyGraph((json) => delete json.tensors['conv.out'].quant);
    await expectRefused(
      directory,
      graph,
      hardwareFor(directory, 'tflite-double'),
      '$.tensors["conv.out"]: conv2d "conv" requantizes "conv.out", which has no quantization; give it "quant"',
    );
  });
});

describe('vector ops compute multipliers from scale ratios', () => {
  const addGraph = (a: Json, b: Json, out: Json) => oneOpGraph({ op: 'add', inputs: ['a', 'b'], output: 'out' }, { a, b, out }, ['a', 'b']);

  it.each(['gemmlowp', 'tflite-double', 'tflite-single', 'cmsis-nn', 'cmsis-nn-single'] as const)(
    '%s Add: an output multiplier of 1 or more',
    async (mode) => {
      const { directory, graph } = addGraph(s8([1, 2, 2, 1], 0.05), s8([1, 2, 2, 1], 0.02), s8([1, 2, 2, 1], 1e-9));
      await expectRefused(
        directory,
        graph,
        hardwareFor(directory, mode),
        `$.tensors.out.quant.scale: add "op": output multiplier 95.3674 (inputs 0.05 and 0.02, output 1e-9) is outside what ${mode} can represent (an output multiplier 2 max(s_a, s_b) / (2^20 s_out) below 1 (TFLite's Add Prepare: QuantizeMultiplierSmallerThanOneExp))`,
      );
    },
  );

  it('hvx Add: an output multiplier of 2^31 or more', async () => {
    const { directory, graph } = addGraph(s8([1, 2, 2, 1], 0.05), s8([1, 2, 2, 1], 0.02), s8([1, 2, 2, 1], 1e-17));
    await expectRefused(
      directory,
      graph,
      hardwareFor(directory, 'hvx'),
      '$.tensors.out.quant.scale: add "op": output multiplier 9.53674e9 (inputs 0.05 and 0.02, output 1e-17) is outside what hvx can represent (an output multiplier 2 max(s_a, s_b) / (2^20 s_out) below 2^31 (the hvx pipeline shifts by -31..31))',
    );
  });

  it('ort-float Add: ratios whose sums overflow float32', async () => {
    const { directory, graph } = addGraph(s8([1, 2, 2, 1], 0.05), s8([1, 2, 2, 1], 0.02), s8([1, 2, 2, 1], 1e-37));
    await expectRefused(
      directory,
      graph,
      hardwareFor(directory, 'ort-float'),
      '$.tensors.out.quant.scale: add "op": scale ratios 5e35 and 2e35 (inputs 0.05 and 0.02, output 1e-37) are outside what ort-float can represent (float32 ratios s_a / s_out and s_b / s_out that keep QLinearAdd\'s sums below float32\'s maximum 3.4e38)',
    );
  });

  it('shift-only Add: inputs whose exponents are too far apart to sum exactly', async () => {
    const fixed = (fractionalBits: number) => ({ shape: [1, 2, 2, 1], type: 's8', quant: { fractionalBits } });
    const { directory, graph } = addGraph(fixed(0), fixed(50), fixed(4));
    await expectRefused(
      directory,
      graph,
      hardwareFor(directory, 'shift-only'),
      '$.tensors.a.quant.fractionalBits: add "op": aligning the inputs\' exponents 2^0 and 2^-50 shifts "a" left by 50 bits, and the sum of 8- and 8-bit values then passes 2^53, beyond exact arithmetic; bring the two inputs\' scales within 44 powers of two',
    );
    const near = addGraph(fixed(0), fixed(44), fixed(4));
    await expectRuns(near.graph, hardwareFor(near.directory, 'shift-only'));
  });

  it('concat rescaling an input: the same domain as a layer', async () => {
    const { directory, graph } = oneOpGraph(
      { op: 'concat', inputs: ['a', 'b'], output: 'out' },
      { a: s8([1, 2, 2, 1], 1e10), b: s8([1, 2, 2, 1], 0.5), out: s8([1, 2, 2, 2], 0.5) },
      ['a', 'b'],
    );
    await expectRefused(
      directory,
      graph,
      hardwareFor(directory, 'tflite-double'),
      '$.tensors.a.quant.scale: concat "op" rescaling "a" to its output: effective scale 2e10 (input 1e10 / output 0.5) is outside what tflite-double can represent (a multiplier below 2^31 with a shift of -31..30: effective scales below 2^30)',
    );
  });

  it('ort-float global average pooling: a float32 scale that is not finite', async () => {
    const { directory, graph } = oneOpGraph(
      { op: 'global_avg_pool', input: 'in', output: 'out' },
      { in: s8([1, 2, 2, 1], 3e38), out: s8([1, 1, 1, 1], 1.2e-38) },
      ['in'],
    );
    await expectRefused(
      directory,
      graph,
      hardwareFor(directory, 'ort-float'),
      '$.tensors.out.quant.scale: global_avg_pool "op": float32 scale s_in / (s_out x 4 taps) is not finite, outside what ort-float can represent',
    );
  });

  it('stochastic average pooling over more taps than its division takes', async () => {
    const { directory, graph } = oneOpGraph(
      { op: 'global_avg_pool', input: 'in', output: 'out' },
      { in: s8([1, 1500, 1500, 1], 0.1), out: s8([1, 1, 1, 1], 0.1) },
      ['in'],
    );
    const hardware = hardwareFor(directory, 'hvx', { rounding: 'stochastic', stochasticSeed: 1 });
    await expectRefused(
      directory,
      graph,
      hardware,
      '$.ops[0]: global_avg_pool "op": stochastic rounding divides by at most 2097151 taps, and this window averages up to 2250000',
      false,
    );
  });

  it('a max pool over 300,000 taps runs (its maximum is a loop, not a spread onto the stack)', async () => {
    const { directory, graph } = oneOpGraph(
      { op: 'max_pool', input: 'in', output: 'out', filter: [1, 300000] },
      { in: s8([1, 1, 300000, 1], 0.1), out: s8([1, 1, 1, 1], 0.1) },
      ['in'],
    );
    await expectRuns(graph, hardwareFor(directory, 'tflite-double'));
  });
});

describe('fused activation bounds beyond float32', () => {
  it('relu6 over a tiny output scale', async () => {
    const { directory, graph } = oneOpGraph(
      { op: 'max_pool', input: 'in', output: 'out', filter: [2, 2], activation: 'relu6' },
      { in: s8([1, 2, 2, 1], 1.2e-38), out: s8([1, 1, 1, 1], 1.2e-38) },
      ['in'],
    );
    await expectRefused(
      directory,
      graph,
      hardwareFor(directory, 'tflite-double'),
      '$.ops[0].activation: max_pool "op": the relu6 bound 6 over the output scale 1.2e-38 is beyond float32 (TFLite quantizes the bound as round(bound / scale) in float32); use a smaller bound or a larger output scale',
    );
  });
});

describe('every mode accepts the fixture', () => {
  it.each(MODES.filter((mode) => mode !== 'shift-only'))('%s', async (mode) => {
    const directory = fixtureCopy();
    await expectRuns(join(directory, 'tiny-graph.json'), hardwareFor(directory, mode));
  });
});
