/**
 * The documented limits (docs/formats.md, "Limits"), each through the CLI: fields outside their
 * bounds, tensors beyond one typed array, MAC counts and sums beyond exact arithmetic, counts the
 * lowering would round, and graphs whose run would not fit the memory limit, refused before any
 * work with the figure, the tensor and what to change. Exit 2, one line, files untouched.
 */
import { closeSync, ftruncateSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { digestFolder, fixtureCopy, readJson, REPO, temporaryDirectory, writeJson } from '../support/files.js';

type Json = Record<string, any>;

async function expectBadInput(directory: string, argv: string[], message: string): Promise<void> {
  const before = digestFolder(directory);
  const run = await runCli(argv);
  expect(run.stderr).toBe(`error: ${message}\n`);
  expect(run.exitCode).toBe(2);
  expect(run.stdout).toBe('');
  expect(digestFolder(directory)).toEqual(before);
}

function edgeNpu(directory: string, change: (config: Json) => void = () => undefined): string {
  const config = readJson(join(REPO, 'configs/edge-npu.json')) as Json;
  delete config.$schema;
  change(config);
  const file = join(directory, 'hw.json');
  writeJson(file, config);
  return file;
}

/** A sidecar of `bytes` zeros, written sparse (instant, whatever its size). */
function zeros(file: string, bytes: number): void {
  const descriptor = openSync(file, 'w');
  ftruncateSync(descriptor, bytes);
  closeSync(descriptor);
}

/** One conv2d on an H x W x C s8 image, weights [O, KH, KW, C] in a zero sidecar, same padding. */
function convGraph(
  directory: string,
  image: [number, number, number],
  kernel: [number, number, number],
  weightType = 's8',
  options: Json = {},
): string {
  const [height, width, channels] = image;
  const [outChannels, kh, kw] = kernel;
  const weightCount = outChannels * kh * kw * channels;
  zeros(join(directory, 'w.bin'), weightType === 's4' ? Math.ceil(weightCount / 2) : weightCount);
  const graph = join(directory, 'graph.json');
  writeJson(graph, {
    name: 'big',
    inputs: ['in'],
    outputs: ['out'],
    tensors: {
      in: { shape: [1, height, width, channels], type: 's8', quant: { scale: 0.05, zeroPoint: 0 } },
      w: {
        shape: [outChannels, kh, kw, channels],
        type: weightType,
        quant: { scale: 0.01, zeroPoint: 0 },
        data: { file: 'w.bin', offset: 0 },
      },
      out: { shape: [1, height, width, outChannels], type: 's8', quant: { scale: 0.1, zeroPoint: 0 } },
    },
    ops: [{ name: 'conv', op: 'conv2d', input: 'in', weights: 'w', output: 'out', padding: 'same', ...options }],
  });
  return graph;
}

const savedEnvironment = process.env.NPUSIM_MAX_MEMORY;
afterEach(() => {
  if (savedEnvironment === undefined) delete process.env.NPUSIM_MAX_MEMORY;
  else process.env.NPUSIM_MAX_MEMORY = savedEnvironment;
});

describe('numeric fields stay within their documented bounds', () => {
  it.each([
    [
      'memory.dram.bytesPerCycle',
      (c: Json) => (c.memory.dram.bytesPerCycle = 1e-300),
      '$.memory.dram.bytesPerCycle: expected a value >= 0.0009765625, got 1e-300',
    ],
    ['clockMHz', (c: Json) => (c.clockMHz = 0), '$.clockMHz: expected a value >= 0.001, got 0'],
    [
      'macsPerPePerCycle',
      (c: Json) => (c.array.operandModes[0].macsPerPePerCycle = 0.001),
      '$.array.operandModes[0].macsPerPePerCycle: expected a value >= 0.015625, got 0.001',
    ],
    [
      'SRAM size',
      (c: Json) => (c.memory.sram.inputs.kib = 2 ** 31),
      '$.memory.sram.inputs.kib: expected a value <= 1073741824, got 2147483648',
    ],
    [
      'DRAM latency',
      (c: Json) => (c.memory.dram.latencyCycles = 1e9),
      '$.memory.dram.latencyCycles: expected a value <= 1048576, got 1000000000',
    ],
    [
      'array rows past the safe integers',
      (c: Json) => (c.array.rows = 1e20),
      '$.array.rows: expected a value <= 4096, got 100000000000000000000',
    ],
    [
      'vector issue slots past the safe integers',
      (c: Json) => (c.vector.issueSlots = 1e20),
      '$.vector.issueSlots: expected a value <= 8, got 100000000000000000000',
    ],
    [
      'DRAM latency past the safe integers (its own bound, not 2^53)',
      (c: Json) => (c.memory.dram.latencyCycles = 1e20),
      '$.memory.dram.latencyCycles: expected a value <= 1048576, got 100000000000000000000',
    ],
    ['vector op cycles', (c: Json) => (c.vector.opCycles.add = 4096), '$.vector.opCycles.add: expected a value <= 1024, got 4096'],
    [
      'dedicated requant rate',
      (c: Json) => (c.requant.outputsPerCycle = 2 ** 40),
      '$.requant.outputsPerCycle: expected a value <= 16777216, got 1099511627776',
    ],
    [
      'inline energy',
      (c: Json) =>
        (c.energy = {
          ...readJson(join(REPO, 'configs/energy/horowitz45.json')),
          $schema: undefined,
          entries: (readJson(join(REPO, 'configs/energy/horowitz45.json')) as Json).entries.map((e: Json, i: number) =>
            i === 2 ? { ...e, pJ: 1e7 } : e,
          ),
        }),
      '$.energy.entries[2].pJ: expected a value <= 1000000, got 10000000',
    ],
  ])('a hardware config: %s', async (_field, change, message) => {
    const directory = temporaryDirectory();
    const hardware = edgeNpu(directory, change as (config: Json) => void);
    await expectBadInput(directory, ['validate', hardware], `${hardware}:${message}`);
  });

  it('an energy table: a negative price', async () => {
    const directory = temporaryDirectory();
    const table = readJson(join(REPO, 'configs/energy/horowitz45.json')) as Json;
    table.entries[0].pJ = -1;
    const file = join(directory, 'table.json');
    writeJson(file, table);
    await expectBadInput(directory, ['validate', file], `${file}:$.entries[0].pJ: expected a value >= 0, got -1`);
  });

  it.each([
    [
      'a scale below float32',
      (g: Json) => (g.tensors.input.quant.scale = 1e-300),
      '$.tensors.input.quant.scale: expected a value >= 1.1754943508222875e-38, got 1e-300',
    ],
    [
      'a per-channel scale above float32',
      (g: Json) => (g.tensors['conv.weights'].quant.scale[2] = 1e39),
      '$.tensors["conv.weights"].quant.scale[2]: expected a value <= 3.4028234663852886e+38, got 1e+39',
    ],
    [
      'fractional bits',
      (g: Json) => (g.tensors.input.quant = { fractionalBits: 100 }),
      '$.tensors.input.quant.fractionalBits: expected a value <= 64, got 100',
    ],
    [
      'a zero point outside its type',
      (g: Json) => (g.tensors.input.quant.zeroPoint = 200),
      '$.tensors.input.quant.zeroPoint: zero point 200 is outside the s8 range -128..127',
    ],
    [
      'a dimension',
      (g: Json) => (g.tensors.input.shape = [1, 2 ** 33, 4, 2]),
      '$.tensors.input.shape[1]: expected a value <= 4294967296, got 8589934592',
    ],
    ['a stride', (g: Json) => (g.ops[1].stride = [70000, 2]), '$.ops[1].stride[0]: expected a value <= 65536, got 70000'],
    [
      'a clamp bound',
      (g: Json) => (g.ops[0].activation = { min: 0, max: 1e39 }),
      '$.ops[0].activation.max: expected a value <= 3.4028234663852886e+38, got 1e+39',
    ],
    [
      'a channel axis',
      (g: Json) => (g.tensors['conv.weights'].quant.axis = 4),
      '$.tensors["conv.weights"].quant.axis: expected a value <= 3, got 4',
    ],
  ])('a graph: %s', async (_field, change, message) => {
    const directory = fixtureCopy();
    const graph = join(directory, 'tiny-graph.json');
    const json = readJson(graph) as Json;
    (change as (graph: Json) => void)(json);
    writeJson(graph, json);
    await expectBadInput(directory, ['validate', graph], `${graph}:${message}`);
  });

  it('a number past the float range in the text (1e400 parses to Infinity) is named as written, not as null', async () => {
    const directory = temporaryDirectory();
    const hardware = join(directory, 'hw.json');
    const text = readFileSync(join(REPO, 'configs/edge-npu.json'), 'utf8').replace('"bytesPerCycle": 16', '"bytesPerCycle": 1e400');
    expect(text).toContain('1e400');
    writeFileSync(hardware, text.replace('"../schemas/hardware.schema.json"', `"${join(REPO, 'schemas/hardware.schema.json')}"`));
    await expectBadInput(
      directory,
      ['validate', hardware],
      `${hardware}:$.memory.dram.bytesPerCycle: expected a number, got Infinity (a number past the float range)`,
    );
  });
});

describe('sizes beyond exact arithmetic and typed arrays', () => {
  it('a 1e5 x 1e5 image is more than one typed array holds', async () => {
    const directory = temporaryDirectory();
    const graph = convGraph(directory, [100000, 100000, 1], [1, 1, 1]);
    const message = `${graph}:$.tensors.in.shape: shape [1,100000,100000,1] has 10000000000 elements; npusim holds a tensor in one typed array of at most 4294967296 (2^32) elements`;
    await expectBadInput(directory, ['validate', graph], message);
    await expectBadInput(directory, ['run', graph, '--hw', edgeNpu(directory)], message);
  });

  it('a layer with more than 2^53 MACs', async () => {
    const directory = temporaryDirectory();
    // 65536 x 65536 outputs, each a 2048 x 1025 window: 2^32 * 2099200 MACs.
    const graph = convGraph(directory, [65536, 65536, 1], [1, 2048, 1025], 's4');
    await expectBadInput(
      directory,
      ['validate', graph],
      `${graph}:$.ops[0]: conv2d "conv" has 9015995347763200 MACs, past 2^53, where counts stop being exact integers`,
    );
  });

  it('a window whose exact sum passes 2^53', async () => {
    const directory = temporaryDirectory();
    const depth = 4194400;
    zeros(join(directory, 'w.bin'), depth * 2);
    const graph = join(directory, 'graph.json');
    writeJson(graph, {
      name: 'wide',
      inputs: ['in'],
      outputs: ['out'],
      tensors: {
        in: { shape: [1, depth], type: 's16', quant: { scale: 0.05, zeroPoint: 0 } },
        w: { shape: [1, depth], type: 's16', quant: { scale: 0.01, zeroPoint: 0 }, data: { file: 'w.bin', offset: 0 } },
        out: { shape: [1, 1], type: 's16', quant: { scale: 0.1, zeroPoint: 0 } },
      },
      ops: [{ name: 'fc', op: 'fully_connected', input: 'in', weights: 'w', output: 'out' }],
    });
    await expectBadInput(
      directory,
      ['validate', graph],
      `${graph}:$.ops[0]: fully_connected "fc" sums 4194400 products of s16 weights and s16 inputs per output: its exact sum can reach about 2^54, past 2^53, where npusim's exact arithmetic ends; split the layer or narrow its operands`,
    );
  });

  it('cycles the lowering would round: the layer and the fields responsible', async () => {
    const directory = temporaryDirectory();
    // Output stationary on a 1 x 1 array rereads the 8 MiB of weights once per output pixel (2^22 of them).
    const graph = convGraph(directory, [2048, 2048, 1], [1, 4096, 4096], 's4');
    const slow = (bytesPerCycle: number) =>
      edgeNpu(directory, (config) => {
        config.array = { ...config.array, rows: 1, columns: 1, dataflow: 'os' };
        config.memory = {
          sram: { unified: { kib: 4, bytesPerCycle: 64 } },
          dram: { bytesPerCycle, latencyCycles: 0 },
          doubleBuffering: false,
        };
      });
    await expectBadInput(
      directory,
      ['schedule', graph, '--hw', slow(1 / 1024)],
      `${graph}:$.ops[0]: conv2d "conv": its memory stall cycles would be 3.603e+16 (about 2^55), past 2^53, where counts stop being exact integers; they follow from the bytes it moves, memory.dram.bytesPerCycle, memory.dram.latencyCycles and the SRAM bytesPerCycle (in ${join(directory, 'hw.json')})`,
    );
  });
});

describe('totals the lowering would round', () => {
  it('two layers each within 2^53 whose sum is not', async () => {
    const directory = temporaryDirectory();
    const graph = convGraph(directory, [2048, 2048, 1], [1, 4096, 4096], 's4');
    const json = readJson(graph) as Json;
    json.tensors.mid = json.tensors.out;
    json.ops = [
      { ...json.ops[0], name: 'conv1', output: 'mid' },
      { ...json.ops[0], name: 'conv2', input: 'mid' },
    ];
    writeJson(graph, json);
    const hardware = edgeNpu(directory, (config) => {
      config.array = { ...config.array, rows: 1, columns: 1, dataflow: 'os' };
      config.memory = {
        sram: { unified: { kib: 4, bytesPerCycle: 64 } },
        dram: { bytesPerCycle: 1 / 200, latencyCycles: 0 },
        doubleBuffering: false,
      };
    });
    await expectBadInput(
      directory,
      ['schedule', graph, '--hw', hardware],
      `${graph}:$.ops: the graph's memory stall cycles would total 1.407e+16 (about 2^53), past 2^53, where counts stop being exact integers; the largest layer is conv2d "conv1" with 7036876095488000`,
    );
  });
});

describe('the memory a run needs', () => {
  const message = (graph: string, limit: string) =>
    `${graph}:$.tensors.in.shape: a run needs about 26.1 GiB: tensors 7.5 GiB (the largest "in" 3.7 GiB), their copy for a headroom rerun 7.5 GiB, layer "conv" working 11.2 GiB; the memory limit is ${limit} (raise it with --max-memory or NPUSIM_MAX_MEMORY)`;

  it('a 31623 x 31623 image: validate --hw and run refuse it with the figure; validate alone and schedule do not', async () => {
    const directory = temporaryDirectory();
    const graph = convGraph(directory, [31623, 31623, 1], [1, 1, 1]);
    const hardware = edgeNpu(directory);
    await expectBadInput(directory, ['validate', graph, '--hw', hardware], message(graph, '4.0 GiB'));
    await expectBadInput(directory, ['run', graph, '--hw', hardware], message(graph, '4.0 GiB'));
    await expectBadInput(
      directory,
      ['golden', graph, '--hw', hardware, '--out', join(directory, 'golden.json')],
      message(graph, '4.0 GiB'),
    );
    await expectBadInput(
      directory,
      ['sweep', graph, '--hw', hardware, '--set', 'array.rows=16,32', '--jobs', '1', '--out', join(directory, 'sweep.csv')],
      message(graph, '4.0 GiB'),
    );
    const validate = await runCli(['validate', graph]);
    expect(validate.exitCode).toBe(0);
    // A schedule computes no values: only the graph's constants count.
    const schedule = await runCli(['schedule', graph, '--hw', hardware, '--format', 'json']);
    expect(schedule.stderr).toBe('');
    expect(schedule.exitCode).toBe(0);
  });

  it('the limit is --max-memory, else NPUSIM_MAX_MEMORY', async () => {
    const directory = temporaryDirectory();
    const graph = convGraph(directory, [31623, 31623, 1], [1, 1, 1]);
    const hardware = edgeNpu(directory);
    await expectBadInput(directory, ['run', graph, '--hw', hardware, '--max-memory', '1GiB'], message(graph, '1.0 GiB'));
    process.env.NPUSIM_MAX_MEMORY = '2G';
    await expectBadInput(directory, ['validate', graph, '--hw', hardware], message(graph, '2.0 GiB'));
    await expectBadInput(directory, ['validate', graph, '--hw', hardware, '--max-memory', '3GiB'], message(graph, '3.0 GiB'));
    process.env.NPUSIM_MAX_MEMORY = 'lots';
    const run = await runCli(['validate', graph]);
    expect(run.stderr).toBe(
      'error: NPUSIM_MAX_MEMORY takes a memory size from 1MiB to 1024TiB, such as 8GiB, 512MiB or a number of bytes, got "lots"\nRun `npusim --help` for usage.\n',
    );
    expect(run.exitCode).toBe(2);
    const bad = await runCli(['validate', graph, '--max-memory', '10']);
    expect(bad.stderr).toBe(
      'error: --max-memory takes a memory size from 1MiB to 1024TiB, such as 8GiB, 512MiB or a number of bytes, got "10"\nRun `npusim --help` for usage.\n',
    );
    expect(bad.exitCode).toBe(2);
  });

  it('a depthwise layer with a million channels', async () => {
    const directory = temporaryDirectory();
    const channels = 1_000_000;
    zeros(join(directory, 'w.bin'), 9 * channels);
    const graph = join(directory, 'graph.json');
    writeJson(graph, {
      name: 'dw',
      inputs: ['in'],
      outputs: ['out'],
      tensors: {
        in: { shape: [1, 16, 16, channels], type: 's8', quant: { scale: 0.05, zeroPoint: 0 } },
        w: { shape: [1, 3, 3, channels], type: 's8', quant: { scale: 0.01, zeroPoint: 0 }, data: { file: 'w.bin', offset: 0 } },
        out: { shape: [1, 16, 16, channels], type: 's8', quant: { scale: 0.1, zeroPoint: 0 } },
      },
      ops: [{ name: 'dw', op: 'depthwise_conv2d', input: 'in', weights: 'w', output: 'out', padding: 'same' }],
    });
    await expectBadInput(
      directory,
      ['validate', graph, '--hw', edgeNpu(directory)],
      `${graph}:$.tensors.in.shape: a run needs about 7.3 GiB: tensors 1.9 GiB (the largest "in" 976.6 MiB), their copy for a headroom rerun 1.9 GiB, layer "dw" working 3.4 GiB; the memory limit is 4.0 GiB (raise it with --max-memory or NPUSIM_MAX_MEMORY)`,
    );
  });

  it("the graph's constants are counted when it is read, in every command", async () => {
    const directory = temporaryDirectory();
    const graph = convGraph(directory, [8, 8, 300], [1000, 1, 1]);
    const expected = `${graph}:$.tensors.w.data: the graph's constants need about 1.4 MiB to load (as 32-bit integers, beside the sidecar bytes read), the largest "w" 1.4 MiB; the memory limit is 1.0 MiB (--max-memory or NPUSIM_MAX_MEMORY)`;
    await expectBadInput(directory, ['validate', graph, '--max-memory', '1MiB'], expected);
    await expectBadInput(directory, ['schedule', graph, '--hw', edgeNpu(directory), '--max-memory', '1MiB'], expected);
    const fits = await runCli(['run', graph, '--hw', edgeNpu(directory), '--max-memory', '64MiB', '--format', 'json']);
    expect(fits.stderr).toBe('');
    expect(fits.exitCode).toBe(0);
  });
});
