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
import { type CliIO, EXIT_OK, paint } from '../io.js';

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
}

function graphOf(options: SweepCommandOptions): string {
  if (options.graph !== undefined && options.zoo !== undefined) throw new InputError('give the graph once: GRAPH or --zoo NAME', '--zoo');
  if (options.zoo !== undefined) return `zoo:${options.zoo}`;
  if (options.graph === undefined) throw new InputError('name the graph: a graph file, zoo:NAME, or --zoo NAME', 'npusim sweep');
  return options.graph;
}

function jobsOf(jobs: number | undefined): number {
  if (jobs === undefined) return availableParallelism();
  if (!Number.isSafeInteger(jobs) || jobs < 1) throw new InputError(`--jobs takes a whole number of at least 1, got ${jobs}`, '--jobs');
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
      jobs: jobsOf(options.jobs),
      resume: options.resume,
      force: options.force,
      ...(options.shard === undefined ? {} : { shard: parseShard(options.shard) }),
      progress: options.progress,
      signal: stop.signal,
      log: io.stderr,
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
