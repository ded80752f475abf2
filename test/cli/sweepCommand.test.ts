/**
 * `npusim sweep` and `npusim merge`: the acceptance (a 3x3 MobileNet v1 sweep, its shards merged
 * byte for byte), resuming after an interruption, and exit 2 on bad paths and values.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { digestFolder, FIXTURES, REPO, temporaryDirectory } from '../support/files.js';

const HW = join(REPO, 'configs/edge-npu.json');
const BIN = join(REPO, 'bin/npusim.js');
const SMALL_SWEEP = [
  'sweep',
  'zoo:small_cnn',
  '--hw',
  HW,
  '--set',
  'array.rows=8,16',
  '--set',
  'memory.dram.bytesPerCycle=4..16:4',
  '--set',
  'array.dataflow=ws,os',
  '--jobs',
  '1',
];

/** The real command in its own process; resolves to its exit code. */
function runBin(argv: readonly string[], environment: NodeJS.ProcessEnv = {}): Promise<number | null> {
  const child = spawn(process.execPath, [BIN, ...argv], { stdio: 'ignore', env: { ...process.env, ...environment } });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

function lines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').slice(0, -1);
}

describe('npusim sweep: MobileNet v1 acceptance', () => {
  it('a 3x3 sweep over array rows and DRAM bandwidth gives 9 rows, and its two shards merge into the same bytes', async () => {
    const directory = temporaryDirectory();
    const sweep = [
      'sweep',
      'zoo:mobilenet_v1',
      '--hw',
      HW,
      '--set',
      'array.rows=8,16,32',
      '--set',
      'memory.dram.bytesPerCycle=4,8,16',
      '--jobs',
      '1',
    ];
    const whole = join(directory, 'whole.csv');
    const run = await runCli([...sweep, '--out', whole]);
    expect(run.stderr).toContain('9 points, 9 run now');
    // Rows change the K fold, bandwidth does not: three values passes for nine points.
    expect(run.stderr).toContain('3 values passes for 9 points (3 value families)');
    expect(run.exitCode).toBe(0);
    const rows = lines(whole);
    expect(rows).toHaveLength(10);
    expect(rows[0]).toBe(
      'point,array.rows,memory.dram.bytesPerCycle,macs,cycles,latencyMs,energyPj,accumulatorTransient,accumulatorFinal,outputClipped,vectorSaturated,requantInputSaturated,safeAccumulatorBits,pareto,sweep',
    );
    expect(rows.slice(1).map((row) => row.split(',').slice(0, 4).join(','))).toEqual([
      '0,8,4,568740352',
      '1,8,8,568740352',
      '2,8,16,568740352',
      '3,16,4,568740352',
      '4,16,8,568740352',
      '5,16,16,568740352',
      '6,32,4,568740352',
      '7,32,8,568740352',
      '8,32,16,568740352',
    ]);
    // More bandwidth never costs cycles; the widest, fastest point is on the front.
    const cycles = rows.slice(1).map((row) => Number(row.split(',')[4]));
    for (const base of [0, 3, 6]) expect(cycles[base]).toBeGreaterThanOrEqual(cycles[base + 2] as number);
    expect(rows[9]?.split(',')[13]).toBe('true');
    expect(run.stdout).toContain('Pareto front (cycles, energy, overflow events)');

    // The shards run as a cluster would run them: separate processes, at the same time.
    const first = join(directory, 'shard1.csv');
    const second = join(directory, 'shard2.csv');
    const shardExits = await Promise.all([
      runBin([...sweep, '--shard', '1/2', '--out', first]),
      runBin([...sweep, '--shard', 'auto/2', '--out', second], { SLURM_ARRAY_TASK_ID: '2' }),
    ]);
    expect(shardExits).toEqual([0, 0]);
    expect(lines(first).map((row) => row.split(',')[0])).toEqual(['point', '0', '2', '4', '6', '8']);
    expect(lines(second).map((row) => row.split(',')[0])).toEqual(['point', '1', '3', '5', '7']);
    const merged = join(directory, 'merged.csv');
    const merge = await runCli(['merge', second, first, '--out', merged]);
    expect(merge.exitCode).toBe(0);
    expect(readFileSync(merged, 'utf8')).toBe(readFileSync(whole, 'utf8'));
  });
});

describe('npusim sweep: resume, merge and shards on the small CNN', () => {
  it('resumes a file cut by a kill (whole lines kept, a cut line dropped) to the bytes of an uninterrupted run', async () => {
    const directory = temporaryDirectory();
    const whole = join(directory, 'whole.csv');
    expect((await runCli([...SMALL_SWEEP, '--out', whole])).exitCode).toBe(0);
    const full = readFileSync(whole, 'utf8');
    expect(lines(whole)).toHaveLength(17);
    // What a kill leaves: the header, the first rows with their pareto cell still empty, a cut line.
    const partial = join(directory, 'partial.csv');
    const kept = lines(whole)
      .slice(0, 6)
      .map((row, index) => (index === 0 ? row : row.replace(/,(true|false),/, ',,')));
    writeFileSync(partial, `${kept.join('\n')}\n7,16,4,5778`);
    const resumed = await runCli([...SMALL_SWEEP, '--out', partial, '--resume']);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stderr).toContain('dropped a cut last line');
    expect(resumed.stderr).toContain('11 run now, 5 from before');
    expect(readFileSync(partial, 'utf8')).toBe(full);
    // Resuming a finished sweep changes nothing.
    expect((await runCli([...SMALL_SWEEP, '--out', partial, '--resume'])).exitCode).toBe(0);
    expect(readFileSync(partial, 'utf8')).toBe(full);
  });

  it('writes JSON Lines with the same columns, and merges three shards of it into the unsharded file', async () => {
    const directory = temporaryDirectory();
    const whole = join(directory, 'whole.jsonl');
    expect((await runCli([...SMALL_SWEEP, '--out', whole])).exitCode).toBe(0);
    const records = lines(whole).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(16);
    expect(Object.keys(records[0] ?? {})).toEqual([
      'point',
      'array.rows',
      'memory.dram.bytesPerCycle',
      'array.dataflow',
      'macs',
      'cycles',
      'latencyMs',
      'energyPj',
      'accumulatorTransient',
      'accumulatorFinal',
      'outputClipped',
      'vectorSaturated',
      'requantInputSaturated',
      'safeAccumulatorBits',
      'pareto',
      'sweep',
    ]);
    expect(records[3]).toMatchObject({
      point: 3,
      'array.rows': 8,
      'memory.dram.bytesPerCycle': 8,
      'array.dataflow': 'os',
      macs: 577856,
      outputClipped: 24,
      safeAccumulatorBits: 18,
    });
    const shards = [1, 2, 3].map((index) => join(directory, `shard${index}.jsonl`));
    for (const [index, file] of shards.entries()) {
      expect((await runCli([...SMALL_SWEEP, '--shard', `${index + 1}/3`, '--out', file])).exitCode).toBe(0);
    }
    const merged = join(directory, 'merged.jsonl');
    expect((await runCli(['merge', ...shards, '--out', merged])).exitCode).toBe(0);
    expect(readFileSync(merged, 'utf8')).toBe(readFileSync(whole, 'utf8'));
    // A missing shard is named, not merged into a smaller sweep.
    const incomplete = await runCli(['merge', shards[0] as string, shards[2] as string, '--out', join(directory, 'incomplete.jsonl')]);
    expect(incomplete.exitCode).toBe(2);
    expect(incomplete.stderr).toContain("the files hold 11 of the sweep's 16 points; missing points 1, 4, 7, 10, 13");
  });

  it('refuses to resume or merge files of another sweep, and never overwrites without --resume or --force', async () => {
    const directory = temporaryDirectory();
    const file = join(directory, 'a.csv');
    expect((await runCli([...SMALL_SWEEP, '--out', file])).exitCode).toBe(0);
    const before = readFileSync(file, 'utf8');
    const again = await runCli([...SMALL_SWEEP, '--out', file]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('already exists; pass --resume to continue this sweep, or --force to start over');
    const other = SMALL_SWEEP.map((argument) => (argument === 'array.rows=8,16' ? 'array.rows=8,32' : argument));
    const resumed = await runCli([...other, '--out', file, '--resume']);
    expect(resumed.exitCode).toBe(2);
    expect(resumed.stderr).toContain('written by a different sweep');
    expect(readFileSync(file, 'utf8')).toBe(before);
    const otherFile = join(directory, 'b.csv');
    expect((await runCli([...other, '--out', otherFile])).exitCode).toBe(0);
    const merge = await runCli(['merge', file, otherFile, '--out', join(directory, 'c.csv')]);
    expect(merge.exitCode).toBe(2);
    expect(merge.stderr).toContain('files of different sweeps cannot be merged');
  });

  it("sweeps a zoo network's quantization with --zoo and quant.* paths", async () => {
    const directory = temporaryDirectory();
    const file = join(directory, 'q.csv');
    const run = await runCli([
      'sweep',
      '--zoo',
      'small_cnn',
      '--hw',
      HW,
      '--set',
      'quant.weightBits=4,8',
      '--set',
      'quant.perChannel=true,false',
      '--jobs',
      '1',
      '--out',
      file,
    ]);
    expect(run.exitCode).toBe(0);
    expect(lines(file).map((row) => row.split(',').slice(0, 3).join(','))).toEqual([
      'point,quant.weightBits,quant.perChannel',
      '0,4,true',
      '1,4,false',
      '2,8,true',
      '3,8,false',
    ]);
    expect(run.stderr).toContain('4 values passes for 4 points (4 value families)');
  });
});

describe('npusim sweep: bad input is exit 2 before anything runs', () => {
  const cases: ReadonlyArray<readonly [string, readonly string[], string, string?]> = [
    [
      'an unknown path, with a did-you-mean',
      ['--set', 'array.rowz=8,16'],
      '(sweep point 0: array.rowz=8):$.array.rowz: unknown key "rowz" (did you mean "rows"?)',
    ],
    [
      'a value outside the schema, naming the point',
      ['--set', 'array.rows=8,0'],
      '(sweep point 1: array.rows=0):$.array.rows: expected a value >= 1, got 0',
    ],
    [
      'a word where a choice is expected',
      ['--set', 'array.dataflow=ws,xs'],
      '$.array.dataflow: expected one of "ws", "os", "is", got "xs" (did you mean "ws"?)',
    ],
    ['a path through a number', ['--set', 'array.rows.x=1'], 'array.rows is a number, so it has no field "x"'],
    [
      'a broken rule between fields',
      ['--set', 'requant.rounding=half-even'],
      '(sweep point 0: requant.rounding=half-even):$.requant.rounding: the tflite-double mode fixes its own rounding',
    ],
    ['a graph that cannot run on a point', ['--set', 'memory.sram.weights.kib=0.001'], 'cannot be tiled into the memory of'],
    [
      'an unknown quant field',
      ['--set', 'quant.weightBitz=4'],
      '$.quant.weightBitz: unknown key "weightBitz" (did you mean "weightBits"?)',
    ],
    ['a bad range', ['--set', 'array.rows=8..4:2'], '--set array.rows=8..4:2: range "8..4:2" is empty'],
    ['a bad shard', ['--set', 'array.rows=8', '--shard', '3/2'], '--shard 3/2: shard 3 is outside 1..2'],
    ['a bad extension', ['--set', 'array.rows=8'], 'the sweep file format follows the extension: .csv or .jsonl', 'out.txt'],
  ];
  for (const [what, flags, message, outName = 'out.csv'] of cases) {
    it(what, async () => {
      const out = join(temporaryDirectory(), outName);
      const run = await runCli(['sweep', 'zoo:small_cnn', '--hw', HW, ...flags, '--jobs', '1', '--out', out]);
      expect(run.stderr).toContain(message);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).not.toContain('    at ');
      expect(existsSync(out)).toBe(false);
    });
  }

  it('needs a zoo network for quant.* paths', async () => {
    const run = await runCli([
      'sweep',
      join(REPO, 'test/fixtures/tiny-graph.json'),
      '--hw',
      HW,
      '--set',
      'quant.weightBits=4',
      '--out',
      join(temporaryDirectory(), 'a.csv'),
    ]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("quant.weightBits sets a seeded zoo network's quantization, but the graph is a file");
  });
});

describe('npusim sweep: Ctrl-C on the real command, with worker threads', () => {
  it('stops with only whole lines in the file, and --resume finishes it to the bytes of an uninterrupted run', async () => {
    const directory = temporaryDirectory();
    const sweep = [
      'sweep',
      'zoo:small_cnn',
      '--hw',
      HW,
      '--set',
      'array.rows=4..64:2',
      '--set',
      'array.columns=8,16,32',
      '--set',
      'array.dataflow=ws,os',
      '--jobs',
      '2',
    ];
    const file = join(directory, 'interrupted.csv');
    const child = spawn(process.execPath, [BIN, ...sweep, '--out', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Interrupt as soon as the first rows are in the file.
    for (let waited = 0; waited < 60_000; waited += 10) {
      if (existsSync(file) && readFileSync(file, 'utf8').split('\n').length > 3) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('run the same command with --resume to finish');
    const text = readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const kept = text.split('\n').length - 2;
    expect(kept).toBeGreaterThan(1);
    expect(kept).toBeLessThan(186);

    const resumed = await runCli([...sweep, '--out', file, '--resume']);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stderr).toContain(`${186 - kept} run now, ${kept} from before`);
    const whole = join(directory, 'whole.csv');
    expect((await runCli([...sweep, '--out', whole])).exitCode).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(whole, 'utf8'));
  });
});

/** The one-line usage error yargs-level flags give. */
const usage = (message: string) => `error: ${message}\nRun \`npusim --help\` for usage.\n`;

describe('npusim sweep --jobs: capped at the cores, bounded', () => {
  it('--jobs 200 runs with a note and writes the bytes --jobs 2 writes', async () => {
    const directory = temporaryDirectory();
    const sweep = SMALL_SWEEP.slice(0, -2);
    const [many, two] = [join(directory, 'many.csv'), join(directory, 'two.csv')];
    const capped = await runCli([...sweep, '--jobs', '200', '--timing-only', '--out', many]);
    expect(capped.exitCode).toBe(0);
    expect(capped.stderr.split('\n')).toContain(`note: --jobs 200 was capped at ${availableParallelism()}, the cores of this machine`);
    expect((await runCli([...sweep, '--jobs', '2', '--timing-only', '--out', two])).exitCode).toBe(0);
    expect(readFileSync(many, 'utf8')).toBe(readFileSync(two, 'utf8'));
  });

  for (const value of ['0', 'abc', '1000000', '2.5']) {
    it(`--jobs ${value} is a usage error`, async () => {
      const directory = temporaryDirectory();
      const run = await runCli([...SMALL_SWEEP.slice(0, -2), '--jobs', value, '--out', join(directory, 'a.csv')]);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toBe(usage(`--jobs takes a whole number from 1 to 4096, got "${value}"`));
      expect(readdirSync(directory)).toEqual([]);
    });
  }
});

describe('npusim sweep and merge: output files follow the one rule, checked before any work', () => {
  it('refuses --out in a missing folder, creating none', async () => {
    const directory = temporaryDirectory();
    const out = join(directory, 'missing', 'a.csv');
    const run = await runCli([...SMALL_SWEEP, '--out', out]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      `error: ${out}: folder ${join(directory, 'missing')} does not exist; create it first (npusim creates no folders for its outputs)\n`,
    );
    expect(readdirSync(directory)).toEqual([]);
  });

  it('refuses --out naming a folder, even with --force, before the sweep and leaving no temporary file', async () => {
    const directory = temporaryDirectory();
    const folder = join(directory, 'results.csv');
    mkdirSync(folder);
    const run = await runCli([...SMALL_SWEEP, '--out', folder, '--force']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(`error: ${folder}: is a folder; --out names a file to write\n`);
    expect(readdirSync(directory)).toEqual(['results.csv']);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('merge refuses a missing folder, a folder, and its own input, with the inputs untouched', async () => {
    const directory = temporaryDirectory();
    const file = join(directory, 'a.csv');
    expect((await runCli([...SMALL_SWEEP, '--timing-only', '--out', file])).exitCode).toBe(0);
    const before = digestFolder(directory);
    const missing = join(directory, 'missing', 'm.csv');
    const folder = temporaryDirectory('npusim-test-folder-') + '.csv';
    mkdirSync(folder);
    const cases: ReadonlyArray<readonly [string, readonly string[], string]> = [
      [
        missing,
        [],
        `error: ${missing}: folder ${join(directory, 'missing')} does not exist; create it first (npusim creates no folders for its outputs)\n`,
      ],
      [folder, ['--force'], `error: ${folder}: is a folder; --out names a file to write\n`],
      [file, ['--force'], `error: ${file}: --out would write over a shard being merged; npusim never writes over its inputs\n`],
    ];
    for (const [out, flags, message] of cases) {
      const run = await runCli(['merge', file, '--out', out, ...flags]);
      expect(run.stderr).toBe(message);
      expect(run.exitCode).toBe(2);
    }
    expect(digestFolder(directory)).toEqual(before);
    expect(readdirSync(folder)).toEqual([]);
  });
});

describe('npusim sweep: limits on points and values', () => {
  const big = ['--set', 'array.rows=1..1000', '--set', 'array.columns=1..1000'];
  const cases: ReadonlyArray<readonly [string, readonly string[], string]> = [
    [
      'more points than one run takes',
      [...big, '--set', 'memory.dram.bytesPerCycle=1..10'],
      'error: --set: the sweep has 10000000 points; one run checks and runs at most 1000000: split the sweep into 10 shards, --shard 1/10 to --shard 10/10 (one run each, on one machine or many), and join their files with npusim merge\n',
    ],
    [
      'a shard with more points than one run takes',
      [...big, '--set', 'memory.dram.bytesPerCycle=1..10', '--shard', '1/2'],
      "error: --shard 1/2: shard 1/2 has 5000000 of the sweep's 10000000 points; one run checks and runs at most 1000000: split the sweep into 10 shards, --shard 1/10 to --shard 10/10 (one run each, on one machine or many), and join their files with npusim merge\n",
    ],
    [
      'more points than a sweep has',
      [...big, '--set', 'memory.dram.bytesPerCycle=1..11'],
      'error: --set: the sweep has 11000000 points; a sweep has at most 10000000 (split it into several sweeps, e.g. one per value of the first --set)\n',
    ],
    [
      'a range bound with an exponent',
      ['--set', 'array.rows=0..1e12:1'],
      'error: --set array.rows=0..1e12:1: range "0..1e12:1": the end "1e12" is not a decimal number (write it without an exponent: 1000000000000); a range is FROM..TO or FROM..TO:STEP, e.g. 0.1..0.3:0.1\n',
    ],
    [
      'a range of too many values',
      ['--set', 'array.rows=0..1000000000000:1'],
      'error: --set array.rows=0..1000000000000:1: range "0..1000000000000:1" has 1000000000001 values; a parameter takes at most 1000000\n',
    ],
    ['a step of zero', ['--set', 'array.rows=1..8:0'], 'error: --set array.rows=1..8:0: range "1..8:0": the step is zero\n'],
    [
      'a fractional step that misses the end',
      ['--set', 'memory.dram.bytesPerCycle=1..2:0.3'],
      'error: --set memory.dram.bytesPerCycle=1..2:0.3: range "1..2:0.3": steps of 0.3 from 1 miss 2 (they reach 1.9, then 2.2); end the range at 1.9 or 2.2, or choose a step that lands on 2\n',
    ],
    [
      'a number beyond the range of numbers',
      ['--set', 'clockMHz=1e400'],
      'error: --set clockMHz=1e400: 1e400 is beyond the range of numbers (about 1.8e308)\n',
    ],
    [
      'a number with more digits than a number holds',
      ['--set', 'array.rows=9007199254740993'],
      'error: --set array.rows=9007199254740993: 9007199254740993 has more digits than a number holds; it would be read as 9007199254740992\n',
    ],
  ];
  for (const [what, flags, message] of cases) {
    it(`refuses ${what} with exit 2 before anything runs`, async () => {
      const directory = temporaryDirectory();
      const run = await runCli(['sweep', 'zoo:small_cnn', '--hw', 'configs/edge-npu.json', ...flags, '--out', join(directory, 'a.csv')]);
      expect(run.stderr).toBe(message);
      expect(run.exitCode).toBe(2);
      expect(readdirSync(directory)).toEqual([]);
    });
  }

  it('shows progress lines while checking a large sweep, and Ctrl-C stops the check with nothing written', async () => {
    const directory = temporaryDirectory();
    const out = join(directory, 'big.csv');
    // Rows and columns both change the lowering, so every point is lowered: minutes of checking.
    const sweep = [
      'sweep',
      'zoo:small_cnn',
      '--hw',
      HW,
      '--set',
      'array.rows=1..1000',
      '--set',
      'array.columns=1..1000',
      '--timing-only',
      '--jobs',
      '1',
      '--out',
      out,
    ];
    const child = spawn(process.execPath, [BIN, ...sweep], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const progressed = new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/checking: \d+\/1000000 points/.test(stderr)) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await Promise.race([progressed, exited]);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/^checking: \d+\/1000000 points \(\d+%\), [\d.]+ points\/s, ETA \S+\n/);
    // The last progress line says how far the check came.
    expect(stderr).toMatch(
      /\nstopping \(Ctrl-C\)\.\.\.\nchecking: \d+\/1000000 points [^\n]*\nstopped while checking the points: nothing was written\n$/,
    );
    expect(readdirSync(directory)).toEqual([]);
  });
});

describe('npusim sweep: points the config cannot run', () => {
  const HW_RELATIVE = 'configs/edge-npu.json';
  const MODES = 'its modes are s8xs8, s8xu8, s4xs8, s4xu8, s4xs4, s4xu4, s8xs16, s16xs16';
  const S16 = `$.ops[0]: conv2d "conv1" needs operand mode s16xs8 (s16 weights x s8 activations), which the array of ${HW_RELATIVE} does not support; ${MODES}`;
  const bits = ['sweep', '--zoo', 'small_cnn', '--hw', HW_RELATIVE, '--set', 'quant.weightBits=4,8,16', '--timing-only', '--jobs', '1'];

  it('are exit 2 before anything runs, naming the first and how many', async () => {
    const directory = temporaryDirectory();
    const run = await runCli([...bits, '--out', join(directory, 'bits.csv')]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      `error: zoo:small_cnn (sweep point 2: quant.weightBits=16):${S16}\nnote: 1 of 3 points cannot run on their configs; --skip-invalid runs the other 2 and marks this one in the output\n`,
    );
    expect(readdirSync(directory)).toEqual([]);
  });

  it('list the next distinct reasons', async () => {
    const directory = temporaryDirectory();
    const run = await runCli([
      'sweep',
      'zoo:small_cnn',
      '--hw',
      HW_RELATIVE,
      '--set',
      'array.rows=0,8',
      '--set',
      'quant.weightBits=8,16',
      '--out',
      join(directory, 'a.csv'),
    ]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      [
        `error: ${HW_RELATIVE} (sweep point 0: array.rows=0 quant.weightBits=8):$.array.rows: expected a value >= 1, got 0`,
        `note: also zoo:small_cnn (sweep point 3: array.rows=8 quant.weightBits=16):${S16}`,
        'note: 3 of 4 points cannot run on their configs; --skip-invalid runs the other 1 and marks these in the output',
        '',
      ].join('\n'),
    );
    expect(readdirSync(directory)).toEqual([]);
  });

  it('with --skip-invalid, run the others and are marked in an invalid column, off the Pareto front', async () => {
    const directory = temporaryDirectory();
    const out = join(directory, 'bits.csv');
    const run = await runCli([...bits, '--skip-invalid', '--out', out]);
    expect(run.exitCode).toBe(0);
    expect(run.stderr.split('\n')[0]).toBe(
      `note: skipping a point that cannot run on its config, marked in the invalid column of ${out}; the first: zoo:small_cnn (sweep point 2: quant.weightBits=16):${S16}`,
    );
    expect(run.stderr).toContain(`wrote ${out}: 3 points, 2 run now, 1 skipped (cannot run on its config) in `);
    expect(run.stdout.split('\n')[0]).toBe('Pareto front (cycles, energy): 1 of 3 points (1 could not run)');
    const rows = lines(out);
    expect(rows[0]).toBe(
      'point,quant.weightBits,macs,cycles,latencyMs,energyPj,accumulatorTransient,accumulatorFinal,outputClipped,vectorSaturated,requantInputSaturated,safeAccumulatorBits,invalid,pareto,sweep',
    );
    expect(rows[1]).toMatch(/^0,4,577856,\d+,[\d.]+,[\d.]+,,,,,,,,true,\w+\/3$/);
    expect(rows[3]).toMatch(/^2,16,,,,,,,,,,,"zoo:small_cnn:\$\.ops\[0\]: conv2d ""conv1"" needs operand mode s16xs8 .*",false,\w+\/3$/);
  });

  it('stay marked through shards, merge and --resume, byte for byte (CSV and JSON Lines)', async () => {
    for (const extension of ['csv', 'jsonl']) {
      const directory = temporaryDirectory();
      const whole = join(directory, `whole.${extension}`);
      const sweep = [
        'sweep',
        'zoo:small_cnn',
        '--hw',
        HW_RELATIVE,
        '--set',
        'quant.weightBits=16,4,8',
        '--set',
        'array.rows=8,16',
        '--skip-invalid',
        '--timing-only',
        '--jobs',
        '1',
      ];
      expect((await runCli([...sweep, '--out', whole])).exitCode).toBe(0);
      const shards = [1, 2].map((index) => join(directory, `shard${index}.${extension}`));
      for (const [index, file] of shards.entries())
        expect((await runCli([...sweep, '--shard', `${index + 1}/2`, '--out', file])).exitCode).toBe(0);
      const merged = join(directory, `merged.${extension}`);
      expect((await runCli(['merge', ...shards, '--out', merged])).exitCode).toBe(0);
      expect(readFileSync(merged, 'utf8')).toBe(readFileSync(whole, 'utf8'));
      // A run killed after two rows (both of points that cannot run) and a cut third: --resume finishes it to the same bytes.
      const partial = join(directory, `partial.${extension}`);
      const kept = readFileSync(whole, 'utf8')
        .split('\n')
        .slice(0, extension === 'csv' ? 3 : 2);
      writeFileSync(partial, `${kept.join('\n')}\n2,4,5778`);
      const resumed = await runCli([...sweep, '--out', partial, '--resume']);
      expect(resumed.exitCode).toBe(0);
      expect(readFileSync(partial, 'utf8')).toBe(readFileSync(whole, 'utf8'));
    }
  });

  it("a graph whose scales one requantization mode cannot represent: that mode's points cannot run", async () => {
    const directory = temporaryDirectory();
    copyFileSync(join(FIXTURES, 'tiny.bin'), join(directory, 'tiny.bin'));
    const graph = join(directory, 'tiny-graph.json');
    const json = JSON.parse(readFileSync(join(FIXTURES, 'tiny-graph.json'), 'utf8')) as {
      tensors: Record<string, { quant: { scale: number[] } }>;
    };
    (json.tensors['conv.weights'] as { quant: { scale: number[] } }).quant.scale[1] = 1e11;
    writeFileSync(graph, JSON.stringify(json));
    const sweep = ['sweep', graph, '--hw', HW_RELATIVE, '--set', 'requant.mode=tflite-double,ort-float', '--jobs', '1'];
    const reason = `$.tensors["conv.weights"].quant.scale[1]: conv2d "conv": effective scale 5e10 (input 0.05 x weight 1e11 / output 0.1) is outside what tflite-double can represent (a multiplier below 2^31 with a shift of -31..30: effective scales below 2^30)`;
    const refused = await runCli([...sweep, '--out', join(directory, 'a.csv')]);
    expect(refused.stderr.split('\n')[0]).toBe(`error: ${graph} (sweep point 0: requant.mode=tflite-double):${reason}`);
    expect(refused.exitCode).toBe(2);
    const out = join(directory, 'b.csv');
    expect((await runCli([...sweep, '--skip-invalid', '--out', out])).exitCode).toBe(0);
    const rows = lines(out);
    expect(rows[1]?.startsWith('0,tflite-double,,,')).toBe(true);
    expect(rows[2]?.startsWith('1,ort-float,978,')).toBe(true);
  });

  it('when none can run, --skip-invalid is still exit 2: there is nothing to sweep', async () => {
    const directory = temporaryDirectory();
    const run = await runCli([
      'sweep',
      'zoo:small_cnn',
      '--hw',
      HW_RELATIVE,
      '--set',
      'quant.weightBits=16',
      '--skip-invalid',
      '--out',
      join(directory, 'a.csv'),
    ]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      `error: zoo:small_cnn (sweep point 0: quant.weightBits=16):${S16}\nnote: the sweep has no other point, so there is nothing to sweep\n`,
    );
    expect(readdirSync(directory)).toEqual([]);
  });
});
