/**
 * What the TFLite importer refuses, each with one line naming the file and exit 2: files that are not
 * TFLite models (truncated, text, a wrong identifier), unsupported ops (named with their index, the
 * tensor they produce and the supported list), float32 models, int4 tensors and dynamic shapes; and
 * `npusim import tflite` writes a graph that runs exactly as the model does.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_TFLITE_OPS } from '../../../src/importers/tflite/index.js';
import { expectRefused, expectUsageError } from '../../support/badInput.js';
import { runCli } from '../../support/cli.js';
import { REPO, temporaryDirectory } from '../../support/files.js';
import { f32, i8, type TensorSketch, tfliteModel } from '../../support/tfliteBuilder.js';

const HW = join(REPO, 'configs/edge-npu.json');
const PERSON = join(REPO, 'models/person_detect.tflite');
const SUPPORTED = SUPPORTED_TFLITE_OPS.join(', ');

function modelFile(bytes: Uint8Array, name = 'm.tflite'): string {
  const file = join(temporaryDirectory(), name);
  writeFileSync(file, bytes);
  return file;
}

const activation = (name: string, shape: readonly number[], extra: Partial<TensorSketch> = {}): TensorSketch => ({
  name,
  shape,
  type: 9,
  scale: 0.5,
  zeroPoint: 0,
  ...extra,
});

/** x [1,4] -> FULLY_CONNECTED (w [3,4], b [3]) -> y [1,3], int8, with one tensor changed. */
function fullyConnected(change: Partial<Record<'x' | 'w' | 'b' | 'y', Partial<TensorSketch>>> = {}): Uint8Array {
  const tensors: TensorSketch[] = [
    activation('x', [1, 4], change.x),
    { name: 'w', shape: [3, 4], type: 9, scale: 0.25, zeroPoint: 0, data: [1, 2, 3, 4, 255, 254, 253, 252, 0, 1, 0, 1], ...change.w },
    { name: 'b', shape: [3], type: 2, scale: 0.125, zeroPoint: 0, data: [10, 0, 0, 0, 246, 255, 255, 255, 0, 0, 0, 0], ...change.b },
    activation('y', [1, 3], change.y),
  ];
  return tfliteModel(tensors, [{ code: 9, inputs: [0, 1, 2], outputs: [3], options: [i8(0)] }], [0], [3]);
}

describe('npusim run MODEL.tflite: models npusim cannot run are refused in one line', () => {
  it('a file that is not a TFLite model: text, truncated, another identifier', async () => {
    const text = modelFile(new TextEncoder().encode('not a model\n'));
    await expectRefused(
      ['run', text, '--hw', HW],
      `${text}: not a readable TFLite model: file identifier "a mo" is not "TFL3": not a TFLite model`,
    );
    const truncated = modelFile(readFileSync(PERSON).subarray(0, 4000));
    const run = await runCli(['run', truncated, '--hw', HW]);
    expect([run.exitCode, run.stdout]).toEqual([2, '']);
    expect(run.stderr).toMatch(
      new RegExp(
        `^error: ${truncated}: not a readable TFLite model: .* lies outside the 4000-byte file \\(truncated or not a flatbuffer\\)\\n$`,
      ),
    );
    const renamed = readFileSync(PERSON);
    renamed.write('TFL2', 4, 'latin1');
    const other = modelFile(renamed);
    await expectRefused(
      ['run', other, '--hw', HW],
      `${other}: not a readable TFLite model: file identifier "TFL2" is not "TFL3": not a TFLite model`,
    );
    const empty = modelFile(new Uint8Array(0));
    await expectRefused(
      ['run', empty, '--hw', HW],
      `${empty}: not a readable TFLite model: 0 bytes is too short for a flatbuffer (truncated or not a TFLite model)`,
    );
  });

  it('an unsupported op names itself, its index, the tensor it produces and what is supported', async () => {
    const bytes = tfliteModel(
      [activation('x', [1, 4]), activation('y', [1, 4], { scale: 1 / 256, zeroPoint: -128 })],
      [{ code: 14, inputs: [0], outputs: [1] }],
      [0],
      [1],
    );
    const file = modelFile(bytes);
    await expectRefused(
      ['run', file, '--hw', HW],
      `${file}: operator 0 (LOGISTIC), which produces tensor 1 "y", is not supported; npusim imports ${SUPPORTED}`,
    );
    await expectRefused(
      ['import', 'tflite', file, '--out', join(temporaryDirectory(), 'g.json')],
      `${file}: operator 0 (LOGISTIC), which produces tensor 1 "y", is not supported; npusim imports ${SUPPORTED}`,
    );
  });

  it("a softmax TFLite's Prepare would reject: its input multiplier must exceed one", async () => {
    const bytes = tfliteModel(
      [activation('x', [1, 4], { scale: 2 ** -30 }), activation('y', [1, 4], { scale: 1 / 256, zeroPoint: -128 })],
      [{ code: 25, inputs: [0], outputs: [1], options: [f32(1)] }],
      [0],
      [1],
    );
    const file = modelFile(bytes);
    await expectRefused(
      ['run', file, '--hw', HW],
      `${file}:$.ops[0].beta: softmax: beta x input scale x 2^26 = 0.0625 must exceed 1 (TFLite's softmax input multiplier)`,
    );
  });

  it('a float32 model is told to quantize first', async () => {
    const file = modelFile(fullyConnected({ x: { type: 0 } }));
    await expectRefused(
      ['run', file, '--hw', HW],
      `${file}: graph input: tensor 0 "x" is float32; npusim runs quantized models: quantize it (npusim quantize MODEL --calib DATA --out G.json, or TFLite's full-integer quantization)`,
    );
  });

  it('int4 weights, and a dynamic shape beyond the batch', async () => {
    const int4 = modelFile(fullyConnected({ w: { type: 17, data: [0x21, 0x43, 0x00, 0x00, 0x00, 0x00] } }));
    await expectRefused(
      ['run', int4, '--hw', HW],
      `${int4}: operator 0 (FULLY_CONNECTED): weights "w" are INT4; npusim imports int8 weights`,
    );
    const dynamic = modelFile(fullyConnected({ x: { signature: [1, -1] } }));
    await expectRefused(
      ['run', dynamic, '--hw', HW],
      `${dynamic}: tensor 0 "x" has a dynamic shape (signature [1,-1]); npusim needs static shapes (only the batch may be dynamic)`,
    );
  });

  it('import tflite needs its model and --out, and writes only .json', async () => {
    await expectUsageError(['import', 'tflite'], 'Missing required argument: MODEL (import tflite)');
    await expectUsageError(['import', 'tflite', PERSON], 'Missing required argument: out (import tflite)');
    const out = join(temporaryDirectory(), 'g.txt');
    await expectRefused(['import', 'tflite', PERSON, '--out', out], `${out}: --out must name a .json file`);
  });
});

describe('npusim import tflite', () => {
  it('a synthetic model written here runs, with the values TFLite computes', async () => {
    const file = modelFile(fullyConnected({ y: { scale: 0.25, zeroPoint: 1 } }));
    const input = join(temporaryDirectory(), 'x.npy');
    // x = [1, -2, 3, -4] at scale 0.5: acc = b + w.x, requantized by 0.5 * 0.25 / 0.25.
    writeFileSync(
      input,
      Uint8Array.from([
        0x93,
        0x4e,
        0x55,
        0x4d,
        0x50,
        0x59,
        1,
        0,
        0x76,
        0,
        ...new TextEncoder().encode("{'descr': '|i1', 'fortran_order': False, 'shape': (1, 4), }".padEnd(117, ' ') + '\n'),
        1,
        0xfe,
        3,
        0xfc,
      ]),
    );
    const dump = join(temporaryDirectory(), 'dump');
    const run = await runCli(['run', file, '--hw', HW, '--input', input, '--dump', dump, '--format', 'csv']);
    expect([run.exitCode, run.stderr]).toEqual([0, `wrote 1 layer outputs to ${dump}\n`]);
    const values = [...readFileSync(join(dump, 'op0_fully_connected.npy')).subarray(-3)].map((byte) => (byte << 24) >> 24);
    // acc: 10 + (1 - 4 + 9 - 16) = 0; -10 + (-1 + 4 - 9 + 16) = 0; 0 + (0 - 2 + 0 - 4) = -6; times 0.5, + 1.
    expect(values).toEqual([1, 1, -2]);
  });

  it('person_detect as G.json + G.bin runs to the same outputs as the .tflite, and is never written over', async () => {
    const folder = temporaryDirectory();
    const graph = join(folder, 'person.json');
    const first = await runCli(['import', 'tflite', PERSON, '--out', graph]);
    expect(first).toEqual({
      exitCode: 0,
      stdout: `person_detect: 31 ops, 88 tensors; wrote ${graph} and ${join(folder, 'person.bin')}\n`,
      stderr: '',
    });
    await expectRefused(
      ['import', 'tflite', PERSON, '--out', graph],
      `${graph}: already exists; npusim never overwrites a file unless you pass --force`,
      [folder],
    );
    expect((await runCli(['validate', graph, PERSON, '--hw', HW])).exitCode).toBe(0);
    const dumps = await Promise.all(
      [graph, PERSON].map(async (model) => {
        const dump = join(temporaryDirectory(), 'dump');
        expect((await runCli(['run', model, '--hw', HW, '--input', '7', '--dump', dump, '--format', 'json'])).exitCode).toBe(0);
        return Object.fromEntries(readdirSync(dump).map((name) => [name, readFileSync(join(dump, name)).toString('base64')]));
      }),
    );
    expect(Object.keys(dumps[0] ?? {}).length).toBe(32);
    expect(dumps[0]).toEqual(dumps[1]);
  });
});
