/**
 * `npusim sweep GRAPH --hw BASE --set PATH=VALUES ... --out FILE`: a design-space sweep over
 * hardware config fields and a zoo network's quantization (docs/sweeps.md). Ctrl-C stops it with
 * the file valid; `--resume` continues it.
 */
import { availableParallelism } from 'node:os';
import { InputError } from '../../errors.js';
import { paretoTableText } from '../../sweep/paretoTable.js';
import type { ProgressStyle } from '../../sweep/progress.js';
import { parseShard } from '../../sweep/shard.js';
import { runSweep } from '../../sweep/sweep.js';
import { ZOO_NAMES } from '../../zoo/index.js';
import { defineCommand } from '../command.js';
import { type CliIO, EXIT_OK, paint } from '../io.js';
import { forceOption, GRAPH_DESCRIPTION, hardwareOption, maxMemoryOf, maxMemoryOption, optionalWholeNumberOption, requiredStringOption, stringOption } from '../options.js';

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

export interface SweepCommandOptions {
  readonly graph: string | undefined;
  readonly zoo: string | undefined;
  readonly hardware: string;
  readonly sets: readonly string[];
  readonly zip: boolean;
  readonly timingOnly: boolean;
  readonly out: string;
  readonly jobs: number | undefined;
  readonly resume: boolean;
  readonly force: boolean;
  readonly shard: string | undefined;
  readonly progress: ProgressStyle;
  readonly maxMemoryBytes?: number;
}

function graphOf(options: SweepCommandOptions): string {
  if (options.graph !== undefined && options.zoo !== undefined) throw new InputError('give the graph once: GRAPH or --zoo NAME', '--zoo');
  if (options.zoo !== undefined) return `zoo:${options.zoo}`;
  if (options.graph === undefined) throw new InputError('name the graph: a graph file, zoo:NAME, or --zoo NAME', 'npusim sweep');
  return options.graph;
}

/** Worker threads: at most one per core, since more only cost memory and time (a larger --jobs is capped, with a note). */
function jobsOf(jobs: number | undefined, io: CliIO): number {
  const cores = availableParallelism();
  if (jobs === undefined) return cores;
  if (jobs > cores) {
    io.stderr(`${paint(io).yellow('note')}: --jobs ${jobs} capped at ${cores}, the cores of this machine\n`);
    return cores;
  }
  return jobs;
}

export async function runSweepCommand(options: SweepCommandOptions, io: CliIO): Promise<number> {
  const colour = paint(io);
  const stop = new AbortController();
  const onInterrupt = () => {
    io.stderr('\nstopping: finishing the file with the points done so far...\n');
    stop.abort();
  };
  process.once('SIGINT', onInterrupt);
  let outcome;
  try {
    outcome = await runSweep({
      graph: graphOf(options),
      hardware: options.hardware,
      sets: options.sets,
      zip: options.zip,
      timingOnly: options.timingOnly,
      out: options.out,
      jobs: jobsOf(options.jobs, io),
      resume: options.resume,
      force: options.force,
      ...(options.shard === undefined ? {} : { shard: parseShard(options.shard) }),
      progress: options.progress,
      signal: stop.signal,
      log: io.stderr,
      ...(options.maxMemoryBytes === undefined ? {} : { maxMemoryBytes: options.maxMemoryBytes }),
    });
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
  const reuse = outcome.ran > 0 && !options.timingOnly ? `; ${outcome.valueRuns} values passes for ${outcome.ran} points (${outcome.families} value families)` : '';
  const scope = outcome.shardPoints === outcome.points ? `${outcome.points} points` : `${outcome.shardPoints} of ${outcome.points} points (shard ${options.shard ?? ''})`;
  if (!outcome.completed) {
    io.stderr(`${colour.yellow('stopped')}: ${options.out} keeps ${outcome.resumed + outcome.ran} of ${scope}; run the same command with --resume to finish\n`);
    return EXIT_INTERRUPTED;
  }
  if (outcome.table !== undefined && outcome.table.rows.length > 0) io.stdout(paretoTableText(outcome.table, outcome.parameterCount));
  io.stderr(
    `wrote ${options.out}: ${scope}, ${outcome.ran} run now${outcome.resumed > 0 ? `, ${outcome.resumed} from before` : ''} in ${outcome.seconds.toFixed(1)} s on ${outcome.executors}${reuse}\n`,
  );
  return EXIT_OK;
}

/** --jobs accepts up to this many, then caps at the cores; beyond it the value is surely a typo. */
const MAX_JOBS_OPTION = 4096;

export const sweepCommand = defineCommand({
  command: 'sweep [graph]',
  describe: "sweep hardware config fields (and a zoo network's quantization): every point's cycles, energy and overflow in one CSV or JSONL file, with its Pareto front",
  builder: (parser) =>
    parser
      .positional('graph', { type: 'string', describe: GRAPH_DESCRIPTION })
      .option('zoo', { choices: ZOO_NAMES, describe: 'the zoo network to sweep (instead of GRAPH); quant.* paths set its quantization' })
      .option('hw', hardwareOption)
      .option('set', { type: 'string', array: true, default: [] as string[], describe: 'PATH=V1,V2,... or PATH=FROM..TO:STEP (repeat for each parameter), e.g. array.rows=8,16,32' })
      .option('zip', { type: 'boolean', default: false, describe: 'pair the i-th values of every --set instead of the cartesian product' })
      .option('timing-only', { type: 'boolean', default: false, describe: 'cycles and energy from the schedule alone: no values, no overflow columns' })
      .option('out', requiredStringOption('out', 'the results file: .csv or .jsonl (its folder must exist)'))
      .option('jobs', optionalWholeNumberOption('jobs', { describe: 'worker threads (default and cap: the number of cores)', min: 1, max: MAX_JOBS_OPTION }))
      .option('resume', { type: 'boolean', default: false, describe: 'continue the sweep in --out, skipping the points it has' })
      .option('shard', stringOption('shard', 'run shard I of N (I/N, 1-based), or auto/N from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX'))
      .option('max-memory', maxMemoryOption)
      .option('force', forceOption),
  run: (args, io) =>
    runSweepCommand(
      {
        graph: args.graph,
        zoo: args.zoo,
        hardware: args.hw,
        sets: args.set,
        zip: args.zip,
        timingOnly: args.timingOnly,
        out: args.out,
        jobs: args.jobs,
        resume: args.resume,
        force: args.force,
        shard: args.shard,
        progress: process.stderr.isTTY === true && io.colour ? 'bar' : 'lines',
        maxMemoryBytes: maxMemoryOf(args.maxMemory),
      },
      io,
    ),
});
