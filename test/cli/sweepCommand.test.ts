/**
 * `npusim sweep` and `npusim merge`: the acceptance (a 3x3 MobileNet v1 sweep, its shards merged
 * byte for byte), resuming after an interruption, and exit 2 on bad paths and values.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { REPO, temporaryDirectory } from '../support/files.js';

const HW = join(REPO, 'configs/edge-npu.json');
const BIN = join(REPO, 'bin/npusim.js');
const SMALL_SWEEP = ['sweep', 'zoo:small_cnn', '--hw', HW, '--set', 'array.rows=8,16', '--set', 'memory.dram.bytesPerCycle=4..16:4', '--set', 'array.dataflow=ws,os', '--jobs', '1'];

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
    const sweep = ['sweep', 'zoo:mobilenet_v1', '--hw', HW, '--set', 'array.rows=8,16,32', '--set', 'memory.dram.bytesPerCycle=4,8,16', '--jobs', '1'];
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
    const kept = lines(whole).slice(0, 6).map((row, index) => (index === 0 ? row : row.replace(/,(true|false),/, ',,')));
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
      'point', 'array.rows', 'memory.dram.bytesPerCycle', 'array.dataflow', 'macs', 'cycles', 'latencyMs', 'energyPj',
      'accumulatorTransient', 'accumulatorFinal', 'outputClipped', 'vectorSaturated', 'requantInputSaturated', 'safeAccumulatorBits', 'pareto', 'sweep',
    ]);
    expect(records[3]).toMatchObject({ point: 3, 'array.rows': 8, 'memory.dram.bytesPerCycle': 8, 'array.dataflow': 'os', macs: 577856, outputClipped: 24, safeAccumulatorBits: 18 });
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

  it('sweeps a zoo network\'s quantization with --zoo and quant.* paths', async () => {
    const directory = temporaryDirectory();
    const file = join(directory, 'q.csv');
    const run = await runCli(['sweep', '--zoo', 'small_cnn', '--hw', HW, '--set', 'quant.weightBits=4,8', '--set', 'quant.perChannel=true,false', '--jobs', '1', '--out', file]);
    expect(run.exitCode).toBe(0);
    expect(lines(file).map((row) => row.split(',').slice(0, 3).join(','))).toEqual(['point,quant.weightBits,quant.perChannel', '0,4,true', '1,4,false', '2,8,true', '3,8,false']);
    expect(run.stderr).toContain('4 values passes for 4 points (4 value families)');
  });
});

describe('npusim sweep: bad input is exit 2 before anything runs', () => {
  const cases: ReadonlyArray<readonly [string, readonly string[], string, string?]> = [
    ['an unknown path, with a did-you-mean', ['--set', 'array.rowz=8,16'], '(sweep point 0: array.rowz=8):$.array.rowz: unknown key "rowz" (did you mean "rows"?)'],
    ['a value outside the schema, naming the point', ['--set', 'array.rows=8,0'], '(sweep point 1: array.rows=0):$.array.rows: expected a value >= 1, got 0'],
    ['a word where a choice is expected', ['--set', 'array.dataflow=ws,xs'], '$.array.dataflow: expected one of "ws", "os", "is", got "xs" (did you mean "ws"?)'],
    ['a path through a number', ['--set', 'array.rows.x=1'], 'array.rows is a number, so it has no field "x"'],
    ['a broken rule between fields', ['--set', 'requant.rounding=half-even'], '(sweep point 0: requant.rounding=half-even):$.requant.rounding: the tflite-double mode fixes its own rounding'],
    ['a graph that cannot run on a point', ['--set', 'memory.sram.weights.kib=0.001'], 'cannot be tiled into the memory of'],
    ['an unknown quant field', ['--set', 'quant.weightBitz=4'], '$.quant.weightBitz: unknown key "weightBitz" (did you mean "weightBits"?)'],
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
    const run = await runCli(['sweep', join(REPO, 'test/fixtures/tiny-graph.json'), '--hw', HW, '--set', 'quant.weightBits=4', '--out', join(temporaryDirectory(), 'a.csv')]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("quant.weightBits sets a zoo network's quantization, but the graph is a file");
  });
});

describe('npusim sweep: Ctrl-C on the real command, with worker threads', () => {
  it('stops with only whole lines in the file, and --resume finishes it to the bytes of an uninterrupted run', async () => {
    const directory = temporaryDirectory();
    const sweep = ['sweep', 'zoo:small_cnn', '--hw', HW, '--set', 'array.rows=4..64:2', '--set', 'array.columns=8,16,32', '--set', 'array.dataflow=ws,os', '--jobs', '2'];
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
