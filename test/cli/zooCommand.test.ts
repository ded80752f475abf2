/** `npusim zoo NAME --out FILE` writes a graph that `npusim validate` accepts, and never overwrites. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { decodeNpy } from '../../src/formats/npy.js';
import { REPO, temporaryDirectory } from '../support/files.js';

describe('npusim zoo', () => {
  it('mobilenet_v1: the written graph validates with 569M MACs (within 1%)', async () => {
    const directory = temporaryDirectory();
    const out = join(directory, 'm.json');
    const zoo = await runCli(['zoo', 'mobilenet_v1', '--out', out]);
    expect(zoo.exitCode).toBe(0);
    expect(zoo.stdout).toContain('total: 568740352 MACs (568.7M), 4221032 parameters (4.221M)');
    expect(zoo.stdout).toContain(`wrote ${out} and ${join(directory, 'm.bin')}`);
    expect(zoo.stdout.split('\n').filter((line) => /^(conv1|block\d+_(dw|pw)) /.test(line)).length).toBe(27);
    const validate = await runCli(['validate', out]);
    expect(validate.exitCode).toBe(0);
    expect(validate.stdout).toBe(`valid ${out}: graph "mobilenet_v1": 30 ops, 568.7M MACs (568740352), 4.2M parameters\n`);
    expect(Math.abs(568740352 / 569e6 - 1)).toBeLessThan(0.01);
  });

  it('writes the same bytes for the same seed, and honours the options', async () => {
    const directory = temporaryDirectory();
    const first = join(directory, 'a.json');
    const second = join(directory, 'b.json');
    const options = [
      '--seed',
      '7',
      '--weight-bits',
      '4',
      '--activation-bits',
      '8',
      '--per-tensor',
      '--unsigned',
      '--rounding',
      'half-even',
    ];
    expect((await runCli(['zoo', 'small_cnn', '--out', first, ...options])).exitCode).toBe(0);
    expect((await runCli(['zoo', 'small_cnn', '--out', second, ...options])).exitCode).toBe(0);
    expect(readFileSync(join(directory, 'a.bin')).equals(readFileSync(join(directory, 'b.bin')))).toBe(true);
    const graph = JSON.parse(readFileSync(first, 'utf8')) as { tensors: Record<string, { type: string; quant?: { scale?: unknown } }> };
    expect(graph.tensors['conv1.weights']?.type).toBe('s4');
    expect(graph.tensors.input?.type).toBe('u8');
    expect(typeof graph.tensors['conv1.weights']?.quant?.scale).toBe('number');
  });

  it('refuses to overwrite a file, and exits 2 on bad options', async () => {
    const directory = temporaryDirectory();
    const out = join(directory, 'mine.json');
    writeFileSync(out, '{"keep": "me"}');
    const run = await runCli(['zoo', 'small_cnn', '--out', out]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(`error: ${out}: already exists; npusim never overwrites a file unless you pass --force\n`);
    expect(readFileSync(out, 'utf8')).toBe('{"keep": "me"}');
    expect(existsSync(join(directory, 'mine.bin'))).toBe(false);
    expect((await runCli(['zoo', 'mobilenet_v3', '--out', join(directory, 'x.json')])).exitCode).toBe(2);
    expect((await runCli(['zoo', 'small_cnn', '--out', join(directory, 'x.json'), '--weight-bits', '5'])).exitCode).toBe(2);
    const notJson = await runCli(['zoo', 'small_cnn', '--out', join(directory, 'x.txt')]);
    expect(notJson.stderr).toBe(
      `error: ${join(directory, 'x.txt')}: --out must name a .json file (the weights go beside it, in a .bin file)\n`,
    );
  });

  it('a negative seed is a usage error (exit 2), not an internal error', async () => {
    const run = await runCli(['zoo', 'small_cnn', '--out', join(temporaryDirectory(), 'x.json'), '--seed', '-1']);
    expect([run.exitCode, run.stderr.split('\n')[0]]).toEqual([2, 'error: --seed takes a whole number from 0 to 4294967295, got "-1"']);
  });
});

describe('npusim zoo: the real models', () => {
  /** `npusim run zoo:mobilenet_v2_int8` on edge-npu and its dog image, with `extra` options. */
  const runOnDog = (...extra: string[]) =>
    runCli([
      'run',
      'zoo:mobilenet_v2_int8',
      '--hw',
      join(REPO, 'configs/edge-npu.json'),
      '--input',
      join(REPO, 'models/dog.npy'),
      ...extra,
    ]);

  it('zoo:mobilenet_v2_int8 runs the vendored model on its dog image: top-1 258 (Samoyed), as TFLite Micro says', async () => {
    const directory = temporaryDirectory();
    const dump = join(directory, 'dump');
    const run = await runOnDog('--dump', dump, '--format', 'json');
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout).requant).toEqual({ mode: 'tflite-double', quantizedFor: 'tflite-double' });
    const manifest = JSON.parse(readFileSync(join(dump, 'manifest.json'), 'utf8')) as { file: string; shape: number[] }[];
    const last = manifest.at(-1);
    expect(last?.shape).toEqual([1, 1000]);
    const logits = Array.from(decodeNpy(readFileSync(join(dump, last?.file ?? '')), 'logits').values);
    expect(logits.indexOf(Math.max(...logits))).toBe(258);
  });

  it("run --top 5 names the classes: the dog image gives TFLite Micro's top five, Samoyed first", async () => {
    const run = await runOnDog('--top', '5');
    expect(run.exitCode).toBe(0);
    // TFLM's top-5 on this image: 258 259 261 203 279 (../shared/anchors/tflite-models/FORMAT.md).
    expect(run.stdout.slice(run.stdout.indexOf('top 5'))).toBe(
      [
        'top 5 of output "Xq.1":',
        '  1. 258 Samoyed, Samoyede: 101  (14.2169)',
        '  2. 259 Pomeranian: 78  (11.601)',
        '  3. 261 keeshond: 67  (10.3499)',
        '  4. 203 West Highland white terrier: 66  (10.2362)',
        '  5. 279 Arctic fox, white fox, Alopex lagopus: 62  (9.78124)',
        '',
      ].join('\n'),
    );
  });

  it('run --top with --format json: a top field with index, value, real value and label, which npusim report reads back', async () => {
    const directory = temporaryDirectory();
    const out = join(directory, 'dog.json');
    const hw = join(REPO, 'configs/edge-npu.json');
    const run = await runOnDog('--top', '2', '--format', 'json', '--out', out);
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { top: unknown };
    expect(report.top).toEqual([
      {
        output: 'Xq.1',
        classes: [
          { index: 258, value: 101, real: expect.closeTo(14.2169, 4), label: 'Samoyed, Samoyede' },
          { index: 259, value: 78, real: expect.closeTo(11.601, 3), label: 'Pomeranian' },
        ],
      },
    ]);
    expect((await runCli(['report', out, '--out', join(directory, 'dog.html')])).exitCode).toBe(0);
    const without = await runCli(['run', 'zoo:person_detect', '--hw', hw, '--format', 'json']);
    expect(Object.keys(JSON.parse(without.stdout) as object)).not.toContain('top');
  });

  it('run --top takes a labels file or a built-in set, and refuses what it cannot print', async () => {
    const directory = temporaryDirectory();
    const hw = join(REPO, 'configs/edge-npu.json');
    const labels = join(directory, 'labels.json');
    writeFileSync(labels, JSON.stringify(['background', 'someone']));
    const person = await runCli(['run', 'zoo:person_detect', '--hw', hw, '--top', '1', '--labels', labels]);
    expect(person.stdout).toMatch(/top 1 of output "[^"]+":\n {2}1\. [01] (background|someone): -?\d+ {2}\([-\d.e]+\)\n$/);
    const tiny = await runCli(['run', join(REPO, 'test/fixtures/tiny-graph.json'), '--hw', hw, '--top', '2', '--labels', 'mnist']);
    expect(tiny.stdout).toMatch(/top 2 of output "[^"]+" \(the labels name 10 classes, the output has \d+ values\):\n/);
    const refusals = [
      [
        ['--top', '2', '--format', 'csv'],
        'error: --top goes with the table, Markdown or JSON report, not the csv one; with --format csv, read the outputs with --dump',
      ],
      [['--labels', 'imagenet'], 'error: --labels names the classes --top prints: give --top K too'],
      [['--top', '0'], 'error: --top takes a whole number from 1 to 1000, got "0"'],
    ] as const;
    for (const [extra, message] of refusals) {
      const run = await runCli(['run', 'zoo:person_detect', '--hw', hw, ...extra]);
      expect([run.exitCode, run.stderr.split('\n')[0]]).toEqual([2, message]);
    }
    writeFileSync(labels, '["a", 3]');
    const bad = await runCli(['run', 'zoo:person_detect', '--hw', hw, '--top', '1', '--labels', labels]);
    expect([bad.exitCode, bad.stderr]).toEqual([2, `error: ${labels}:$[1]: expected a class name (a string), got 3\n`]);
  });

  it('npusim zoo person_detect writes the imported model, which keeps its source terms; quantization options are refused', async () => {
    const directory = temporaryDirectory();
    const out = join(directory, 'person.json');
    const zoo = await runCli(['zoo', 'person_detect', '--out', out]);
    expect(zoo.stdout).toBe(`person_detect: 31 ops, 88 tensors; wrote ${out} and ${join(directory, 'person.bin')}\n`);
    const graph = JSON.parse(readFileSync(out, 'utf8')) as { quantizedFor: string; source: { format: string; model: string } };
    expect(graph.quantizedFor).toBe('tflite-double');
    expect(graph.source).toMatchObject({ format: 'tflite', model: 'person_detect.tflite' });
    const refused = await runCli(['zoo', 'person_detect', '--out', join(directory, 'other.json'), '--weight-bits', '4', '--per-tensor']);
    expect(refused.stderr).toBe(
      "error: --weight-bits, --per-tensor set a seeded network's quantization; person_detect is a real model whose weights and scales are its own (to requantize it under another scheme: npusim quantize zoo:person_detect --calib DATA --out G.json)\nRun `npusim --help` for usage.\n",
    );
    expect(refused.exitCode).toBe(2);
    expect(existsSync(join(directory, 'other.json'))).toBe(false);
  });
});
