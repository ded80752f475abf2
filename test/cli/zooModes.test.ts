/**
 * The zoo writes only graphs valid for the requantization mode it was asked for: every zoo network
 * under every mode, through `npusim zoo` and `npusim validate --hw` with a config of that mode, and
 * what cannot be built for a mode is refused with the reason, nothing written.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { readJson, REPO, temporaryDirectory, writeJson } from '../support/files.js';

type Json = Record<string, any>;

const MODES = ['gemmlowp', 'tflite-double', 'tflite-single', 'cmsis-nn', 'cmsis-nn-single', 'hvx', 'ort-float', 'shift-only'] as const;
type Mode = (typeof MODES)[number];

/** edge-npu with the requantization mode swapped (hvx and shift-only take a rounding). */
function configFor(directory: string, mode: Mode): string {
  const config = readJson(join(REPO, 'configs/edge-npu.json')) as Json;
  delete config.$schema;
  config.requant = { mode, unit: 'dedicated', ...(mode === 'hvx' || mode === 'shift-only' ? { rounding: 'half-up' } : {}) };
  const file = join(directory, `hw-${mode}.json`);
  writeJson(file, config);
  return file;
}

async function zoo(directory: string, name: string, mode: Mode, extra: string[] = []): Promise<string> {
  const out = join(directory, `${name}-${mode}.json`);
  const run = await runCli(['zoo', name, '--requant', mode, '--out', out, ...extra]);
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  return out;
}

async function expectValidOn(graph: string, directory: string, mode: Mode): Promise<void> {
  const validate = await runCli(['validate', graph, '--hw', configFor(directory, mode)]);
  expect(validate.stderr).toBe('');
  expect(validate.exitCode).toBe(0);
  expect(validate.stdout).toMatch(/, runs on edge-npu\n$/);
}

describe('small_cnn under every mode', () => {
  it.each(MODES)('npusim zoo small_cnn --requant %s writes a graph validate --hw accepts under that mode', async (mode) => {
    const directory = temporaryDirectory();
    await expectValidOn(await zoo(directory, 'small_cnn', mode), directory, mode);
  });

  it("under ort-float the windowed average pool is an avg_pool op (onnxruntime's QLinearAveragePool), and runs", async () => {
    const directory = temporaryDirectory();
    const out = await zoo(directory, 'small_cnn', 'ort-float');
    const graph = readJson(out) as Json;
    const pool = graph.ops.find((op: Json) => op.name === 'pool2');
    expect(pool).toMatchObject({ name: 'pool2', op: 'avg_pool', input: 'add2.out', output: 'pool2.out', filter: [2, 2], stride: [2, 2] });
    expect(graph.tensors['pool2.weights']).toBeUndefined();
    const run = await runCli(['run', out, '--hw', configFor(directory, 'ort-float'), '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
  });

  it('every scale mode but ort-float gets the same bytes, so one build per form stands for them all', async () => {
    const directory = temporaryDirectory();
    const modes = MODES.filter((mode) => mode !== 'ort-float' && mode !== 'shift-only');
    // The graphs differ only in the name of their sidecar and the mode they say they were made for.
    const files = await Promise.all(
      modes.map(async (mode) => {
        const text = readFileSync(await zoo(directory, 'small_cnn', mode), 'utf8');
        expect(text).toContain(`"quantizedFor": "${mode}"`);
        return text.replaceAll(`small_cnn-${mode}.bin`, 'SIDECAR').replace(`"quantizedFor": "${mode}"`, '"quantizedFor": MODE');
      }),
    );
    const sidecars = modes.map((mode) => readFileSync(join(directory, `small_cnn-${mode}.bin`)));
    for (const [index] of modes.entries()) {
      expect(files[index]).toBe(files[0]);
      expect(sidecars[index]?.equals(sidecars[0] as Buffer)).toBe(true);
    }
  });

  it('contradicting flags are an error, not the last one silently winning', async () => {
    const out = join(temporaryDirectory(), 'x.json');
    for (const flags of [
      ['--per-channel', '--per-tensor'],
      ['--signed', '--unsigned'],
    ]) {
      const run = await runCli(['zoo', 'small_cnn', ...flags, '--out', out]);
      expect([run.exitCode, run.stderr.split('\n')[0]]).toEqual([2, `error: ${flags[0]} and ${flags[1]} contradict each other; give one`]);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('the zoo table counts parameters exactly, with a short form only where it says something', async () => {
    const run = await runCli(['zoo', 'small_cnn', '--out', join(temporaryDirectory(), 'small.json')]);
    const total = run.stdout.split('\n').find((line) => line.startsWith('total: '));
    expect(total).toMatch(/^total: \d+ MACs \([\d.]+[KM]\), 1754 parameters$/);
  });

  it('a network a mode cannot run is refused with the reason, and nothing is written', async () => {
    const directory = temporaryDirectory();
    const out = join(directory, 'wide.json');
    // TFLite's Add takes int16 (its 16x8 mode), not uint16.
    const wide = await runCli(['zoo', 'small_cnn', '--activation-bits', '16', '--unsigned', '--out', out]);
    expect(wide.stderr).toBe(
      'error: zoo:small_cnn:$.tensors["add2.out"].quant.scale: the network built for --requant tflite-double (W8A16 unsigned) would not run under that mode: add "add2": tflite-double\'s Add (TFLite\'s) takes 8-bit inputs and outputs, or s16 throughout; got u16 + u16 -> u16; use shift-only for other wide adds\n',
    );
    expect(wide.exitCode).toBe(2);
    const hvx = await runCli(['zoo', 'small_cnn', '--requant', 'hvx', '--activation-bits', '16', '--unsigned', '--out', out]);
    expect(hvx.stderr).toBe(
      'error: zoo:small_cnn:$.ops[0].output: the network built for --requant hvx (W8A16 unsigned) would not run under that mode: the hvx requantization mode produces outputs of up to 8 bits or signed 16 bits, not u16\n',
    );
    expect(hvx.exitCode).toBe(2);
    expect(readdirSync(directory)).toEqual([]);
    expect(existsSync(out)).toBe(false);
    // shift-only takes 16-bit adds, and tflite-double takes signed ones (TFLite's 16x8 mode).
    await expectValidOn(await zoo(directory, 'small_cnn', 'shift-only', ['--activation-bits', '16']), directory, 'shift-only');
    await expectValidOn(await zoo(directory, 'small_cnn', 'tflite-double', ['--activation-bits', '16']), directory, 'tflite-double');
  });
});

/**
 * The big networks take seconds to calibrate, so each is built once with scales and once in
 * dynamic fixed point. The zoo builds every scale mode the same way (the test above shows it),
 * except a windowed average pool under ort-float, which these networks do not have: the scale
 * build, validated under each scale mode, is what the zoo writes for it.
 */
describe.each(['mobilenet_v1', 'mobilenet_v2', 'resnet18'])('%s under every mode', (name) => {
  it('the scale build validates under every scale mode', async () => {
    const directory = temporaryDirectory();
    const scales = await zoo(directory, name, 'tflite-double');
    expect((readJson(scales) as Json).ops.some((op: Json) => op.op === 'avg_pool')).toBe(false);
    for (const mode of MODES.filter((m) => m !== 'shift-only')) await expectValidOn(scales, directory, mode);
  });

  it('the fixed point build validates under shift-only', async () => {
    const directory = temporaryDirectory();
    await expectValidOn(await zoo(directory, name, 'shift-only'), directory, 'shift-only');
  });
});
