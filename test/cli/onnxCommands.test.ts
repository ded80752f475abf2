/**
 * ONNX models on the command line: `npusim import onnx` (graph + sidecar, never over a file without
 * --force, outputs checked before any work), `run`, `schedule`, `validate --hw` on a .onnx directly,
 * `--input` in the model's own layout and dtype (NCHW integers, or float32 through the model's
 * QuantizeLinear), and bad models refused with exit 2 and one line naming the file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy } from '../../src/formats/npy.js';
import { nhwcToNchw } from '../../src/importers/onnx/index.js';
import { seededIntegers } from '../../src/engine/random.js';
import { DEFAULT_ZOO_QUANT, zooGraph } from '../../src/zoo/graph.js';
import { expectRefused } from '../support/badInput.js';
import { runCli } from '../support/cli.js';
import { temporaryDirectory, writeJson } from '../support/files.js';
import { DataType, initializer, modelBytes, runOrt, valueInfo } from '../support/onnx.js';
import { exportOnnx } from '../support/onnxExport.js';
import { ortHardwareConfig } from '../support/ortHardware.js';

let folder: string;
let hardware: string;
let qoperator: string;
let qdq: string;
const graph = zooGraph('small_cnn', { ...DEFAULT_ZOO_QUANT, requant: 'ort-float', signedActivations: false });
const qdqModel = exportOnnx(graph, { form: 'qdq', sevenBitWeights: true, everyOutput: false });
const qoperatorModel = exportOnnx(graph, { form: 'qoperator', sevenBitWeights: true, everyOutput: false });

function write(name: string, bytes: Uint8Array): string {
  const file = join(folder, name);
  writeFileSync(file, bytes);
  return file;
}

beforeAll(() => {
  folder = temporaryDirectory();
  hardware = join(folder, 'ort.json');
  writeJson(hardware, ortHardwareConfig());
  qoperator = write('small_q.onnx', qoperatorModel.bytes);
  qdq = write('small_qdq.onnx', qdqModel.bytes);
});

describe('npusim import onnx', () => {
  it('writes the graph and its sidecar, which validate accepts, and refuses to overwrite them', async () => {
    const out = join(folder, 'imported.json');
    const run = await runCli(['import', 'onnx', qdq, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^small_cnn: QDQ model, 10 ops, \d+ MACs .*; wrote .*imported\.json and .*imported\.bin\n$/);
    expect(existsSync(join(folder, 'imported.bin'))).toBe(true);
    const valid = await runCli(['validate', out, '--hw', hardware]);
    expect(valid.exitCode).toBe(0);
    await expectRefused(
      ['import', 'onnx', qdq, '--out', out],
      `${out}: already exists; npusim never overwrites a file unless you pass --force`,
      [folder],
    );
    const forced = await runCli(['import', 'onnx', qdq, '--out', out, '--force']);
    expect(forced.exitCode).toBe(0);
  });

  it('checks every output before reading the model', async () => {
    const sidecar = join(folder, 'taken.bin');
    writeFileSync(sidecar, 'x');
    const run = await runCli(['import', 'onnx', join(folder, 'missing.onnx'), '--out', join(folder, 'taken.json')]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('taken.bin');
  });
});

describe('run, schedule and validate take a .onnx directly', () => {
  it('validate --hw and schedule', async () => {
    const valid = await runCli(['validate', qoperator, '--hw', hardware]);
    expect(valid.stdout).toMatch(/^valid .*small_q\.onnx: graph "small_cnn": 10 ops/);
    const schedule = await runCli(['schedule', qdq, '--hw', hardware, '--format', 'json']);
    expect(schedule.exitCode).toBe(0);
  });

  it('golden and check, and sweep', async () => {
    const trace = join(folder, 'small.trace.json');
    expect((await runCli(['golden', qdq, '--hw', hardware, '--out', trace])).exitCode).toBe(0);
    const check = await runCli(['check', trace]);
    expect(check.stdout).toContain('1 match, 0 differ');
    const sweep = await runCli(['sweep', qoperator, '--hw', hardware, '--set', 'array.rows=16,32', '--out', join(folder, 'sweep.csv')]);
    expect(sweep.stderr).not.toContain('error');
    expect(sweep.exitCode).toBe(0);
  });

  it("an imported graph file keeps the model's terms: the same NCHW --input and the same --dump bytes and manifest as the .onnx", async () => {
    const out = join(folder, 'terms.json');
    expect((await runCli(['import', 'onnx', qoperator, '--out', out])).exitCode).toBe(0);
    const written = JSON.parse(readFileSync(out, 'utf8')) as { quantizedFor: string; source: { format: string; model: string } };
    expect(written.quantizedFor).toBe('ort-float');
    expect(written.source.format).toBe('onnx');
    expect(written.source.model).toBe('small_q.onnx');
    const dims = qoperatorModel.input.dims;
    const inputFile = join(folder, 'terms_u8.npy');
    writeFileSync(
      inputFile,
      encodeNpy(
        seededIntegers(
          11,
          dims.reduce((a, b) => a * b, 1),
          0,
          255,
        ),
        dims,
        '|u1',
      ),
    );
    const dumps: string[] = [];
    for (const graphFile of [qoperator, out]) {
      const dump = join(folder, `terms-${dumps.length}`);
      const run = await runCli(['run', graphFile, '--hw', hardware, '--input', inputFile, '--dump', dump, '--format', 'json']);
      expect(run.exitCode).toBe(0);
      expect(JSON.parse(run.stdout).requant).toEqual({ mode: 'ort-float', quantizedFor: 'ort-float' });
      dumps.push(dump);
    }
    const [fromModel, fromGraph] = dumps.map((dump) => readFileSync(join(dump, 'manifest.json'), 'utf8')) as [string, string];
    expect(fromGraph).toBe(fromModel);
    const manifest = JSON.parse(fromModel) as { file: string; shape: number[]; layout: string }[];
    // The convolutions' outputs are NCHW as in the model, the classifier's [N, K].
    expect(manifest[0]?.layout).toBe('NCHW');
    const [n, h, w, c] = graph.tensors.get(graph.ops[0]?.output as string)?.shape ?? [];
    expect(manifest[0]?.shape).toEqual([n, c, h, w]);
    expect(manifest.at(-1)?.layout).toBe('NC');
    for (const entry of manifest)
      expect(readFileSync(join(dumps[1] as string, entry.file)).equals(readFileSync(join(dumps[0] as string, entry.file)))).toBe(true);
  });

  it("run --input: NCHW uint8 for QOperator, float32 through QuantizeLinear for QDQ; the outputs are onnxruntime's", async () => {
    const input = graph.tensors.get(graph.inputs[0] as string);
    if (input?.quant?.kind !== 'affine') throw new Error('no input');
    const dims = qoperatorModel.input.dims;
    const nchw = nhwcToNchw(
      seededIntegers(
        3,
        dims.reduce((a, b) => a * b, 1),
        0,
        255,
      ),
      dims,
    );
    const [zeroPoint = 0, scale = 1] = [input.quant.zeroPoints[0], input.quant.scales[0]];
    const floats = Array.from(nchw, (x) => Math.fround((x - zeroPoint) * scale));
    const integerFile = join(folder, 'x_u8.npy');
    writeFileSync(integerFile, encodeNpy(nchw, dims, '|u1'));
    const floatFile = join(folder, 'x_f32.npy');
    writeFileSync(floatFile, floatNpy(floats, dims));
    const output = graph.outputs[0] as string;
    const expected = (
      await runOrt(qoperatorModel.bytes, { [qoperatorModel.input.name]: { type: 'uint8', data: nchw, dims } }, { level: 'disabled' })
    ).outputs[output]?.data;
    const expectedQdq = (await runOrt(qdqModel.bytes, { [qdqModel.input.name]: { type: 'float32', data: floats, dims } }, { level: 'all' }))
      .outputs[output]?.data;
    expect(expectedQdq).toEqual(expected);
    for (const [model, file] of [
      [qoperator, integerFile],
      [qdq, floatFile],
    ] as const) {
      const dump = join(folder, `dump-${model.endsWith('qdq.onnx') ? 'qdq' : 'q'}`);
      const run = await runCli(['run', model, '--hw', hardware, '--input', file, '--dump', dump, '--format', 'json']);
      expect(run.stderr).toContain('wrote');
      expect(run.exitCode).toBe(0);
      const last = graph.ops[graph.ops.length - 1]!.name;
      const bytes = readFileSync(join(dump, `${last}.npy`));
      expect(Array.from(bytes.subarray(bytes.length - (expected?.length ?? 0)))).toEqual(expected);
    }
    await expectRefused(
      ['run', qdq, '--hw', hardware, '--input', integerFile],
      `${integerFile}: holds uint8 (|u1); expected float32 (<f4)`,
    );
  });
});

function floatNpy(values: readonly number[], dims: readonly number[]): Uint8Array {
  const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims.join(', ')}), }`;
  const padded = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const bytes = new Uint8Array(10 + padded.length + values.length * 4);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(bytes.buffer).setUint16(8, padded.length, true);
  for (let i = 0; i < padded.length; i++) bytes[10 + i] = padded.charCodeAt(i);
  const view = new DataView(bytes.buffer, 10 + padded.length);
  values.forEach((value, index) => view.setFloat32(index * 4, value, true));
  return bytes;
}

describe('run --top on an ONNX model', () => {
  it("ranks an NCHW output in the model's own order, the indices --dump and onnxruntime use", async () => {
    // A 1x1 QLinearConv of a 2x2 image into 2 channels: y = [2x, x] per pixel, NCHW [1,2,2,2].
    const model = write(
      'nchw.onnx',
      modelBytes({
        nodes: [{ opType: 'QLinearConv', input: ['x', 'xs', 'xz', 'w', 'ws', 'wz', 'ys', 'yz'], output: ['y'], name: 'conv' }],
        initializers: [
          initializer('xs', DataType.FLOAT, [], [0.1]),
          initializer('xz', DataType.UINT8, [], [0]),
          initializer('w', DataType.INT8, [2, 1, 1, 1], [2, 1]),
          initializer('ws', DataType.FLOAT, [], [0.5]),
          initializer('wz', DataType.INT8, [], [0]),
          initializer('ys', DataType.FLOAT, [], [0.05]),
          initializer('yz', DataType.UINT8, [], [0]),
        ],
        inputs: [valueInfo('x', DataType.UINT8, [1, 1, 2, 2])],
        outputs: [valueInfo('y', DataType.UINT8, [1, 2, 2, 2])],
      }),
    );
    const input = write('x.npy', encodeNpy(Int32Array.from([10, 20, 30, 40]), [1, 1, 2, 2], '|u1'));
    const dump = join(folder, 'nchw-dump');
    const run = await runCli(['run', model, '--hw', hardware, '--input', input, '--top', '3', '--dump', dump]);
    expect(run.exitCode).toBe(0);
    const ort = await runOrt(
      readFileSync(model),
      { x: { type: 'uint8', dims: [1, 1, 2, 2], data: [10, 20, 30, 40] } },
      { level: 'disabled' },
    );
    expect(ort.outputs.y?.data).toEqual([20, 40, 60, 80, 10, 20, 30, 40]);
    expect(run.stdout.slice(run.stdout.indexOf('top 3'))).toBe('top 3 of output "y":\n  1. 3: 80  (4)\n  2. 2: 60  (3)\n  3. 1: 40  (2)\n');
  });
});

describe('bad models: exit 2, one line naming the file', () => {
  const conv = (opType: string, extra: object = {}) => ({ opType, input: ['x', 'w'], output: ['y'], ...extra });
  const floatModel = () =>
    modelBytes({
      nodes: [conv('Conv')],
      initializers: [initializer('w', DataType.FLOAT, [1, 1, 1, 1], [1])],
      inputs: [valueInfo('x', DataType.FLOAT, [1, 1, 2, 2])],
      outputs: [valueInfo('y', DataType.FLOAT, [1, 1, 2, 2])],
    });
  const cases: [string, () => Uint8Array, (file: string) => string][] = [
    [
      'truncated',
      () => qdqModel.bytes.subarray(0, 100),
      (file) => `${file}: the file ends in the middle of an ONNX model (truncated?): index out of range: `,
    ],
    ['not ONNX', () => new TextEncoder().encode('{"name": "a graph"}'), (file) => `${file}: not an ONNX model`],
    [
      'float only',
      floatModel,
      (file) =>
        `${file}: this is a float model (no QuantizeLinear, DequantizeLinear or QLinear op); npusim runs quantized models: quantize it first (\`npusim quantize MODEL --calib DATA --out G.json\``,
    ],
    [
      'dynamic shape',
      () =>
        modelBytes({
          nodes: [],
          initializers: [],
          inputs: [
            { name: 'x', type: { tensorType: { elemType: DataType.UINT8, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 3 }] } } } },
          ],
          outputs: [],
        }),
      (file) => `${file}: graph input "x" has a dynamic shape: dimension 0 ("batch") is not a fixed positive size`,
    ],
    [
      'opset',
      () => modelBytes({ nodes: [], initializers: [], inputs: [valueInfo('x', DataType.UINT8, [1, 2])], outputs: [], opset: 9 }),
      (file) => `${file}: ai.onnx opset 9 is not supported; npusim reads opsets 10 to 22`,
    ],
    [
      'element type',
      () => modelBytes({ nodes: [], initializers: [], inputs: [valueInfo('x', DataType.FLOAT16, [1, 2])], outputs: [] }),
      (file) => `${file}: graph input "x" has element type FLOAT16`,
    ],
    [
      'unsupported op',
      () =>
        modelBytes({
          nodes: [{ opType: 'Softmax', name: 'prob', input: ['x'], output: ['p'] }],
          initializers: [],
          inputs: [valueInfo('x', DataType.UINT8, [1, 2])],
          outputs: [valueInfo('p', DataType.UINT8, [1, 2])],
        }),
      (file) =>
        `${file}: node 0 (Softmax "prob", producing "p"): op Softmax is not supported; npusim imports QOperator models (QLinearConv, QLinearMatMul, QGemm, QLinearAdd, QLinearAveragePool, QLinearGlobalAveragePool, QLinearConcat, MaxPool, Reshape, Flatten, Clip, Relu, QuantizeLinear, DequantizeLinear)`,
    ],
  ];
  it.each(cases)('%s', async (name, bytes, message) => {
    const file = write(`bad-${name.replace(/ /g, '-')}.onnx`, bytes());
    for (const argv of [
      ['run', file, '--hw', hardware],
      ['import', 'onnx', file, '--out', join(folder, `bad-${name.replace(/ /g, '-')}.json`)],
    ]) {
      const run = await runCli(argv);
      expect(run.exitCode).toBe(2);
      expect(run.stderr.startsWith(`error: ${message(file)}`), run.stderr).toBe(true);
      expect(run.stderr.split('\n')).toHaveLength(2);
    }
  });
});
