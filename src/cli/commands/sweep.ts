/**
 * `npusim sweep GRAPH --hw BASE --set PATH=VALUES ... --out FILE`: a design-space sweep over
 * hardware config fields and a zoo network's quantization (docs/sweeps.md). Ctrl-C stops it with
 * the file valid; `--resume` continues it.
 */
import { InputError } from '../../errors.js';
import { paretoTableText } from '../../sweep/paretoTable.js';
import { InvalidPointsError } from '../../sweep/check.js';
import { progressLines } from '../../sweep/progress.js';
import { parseShard } from '../../sweep/shard.js';
import { runSweep } from '../../sweep/sweep.js';
import { ZOO_NAMES } from '../../zoo/index.js';
import { defineCommand } from '../command.js';
import { graphArgumentFiles } from '../../pipeline/graphArgument.js';
import { type CliIO, EXIT_BAD_INPUT, EXIT_OK, paint } from '../io.js';
import {
  forceOption,
  GRAPH_DESCRIPTION,
  hardwareOption,
  htmlOption,
  jobsWithinCores,
  maxMemoryOf,
  maxMemoryOption,
  noteCappedJobs,
  optionalWholeNumberOption,
  requiredStringOption,
  stringOption,
} from '../options.js';
import { OutputPlan, writeAll } from '../outputs.js';
import { loadHardwareFile } from '../../formats/loadHardware.js';
import { renderPage, sweepPage } from '../../html/index.js';
import { readSweepTable } from '../../sweep/readTable.js';
import { progressBar } from '../progress.js';

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** A bar on a terminal, plain lines every few seconds in logs, or nothing. */
export type ProgressStyle = 'bar' | 'lines' | 'none';

export interface SweepCommandOptions {
  readonly graph: string | undefined;
  readonly zoo: string | undefined;
  readonly hardware: string;
  readonly sets: readonly string[];
  readonly zip: boolean;
  readonly timingOnly: boolean;
  readonly skipInvalid: boolean;
  readonly out: string;
  /** Also draw the finished file as an HTML page here. */
  readonly html?: string | undefined;
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

/**
 * Checks --out under the rule every command follows (src/cli/outputs.ts) before any work: its folder
 * exists, it is not a folder, not an input. Whether an existing file may be replaced is the sweep's
 * own rule (--resume continues it, --force starts over), so the plan lets it through.
 */
function planOutputs(options: SweepCommandOptions, graph: string): OutputPlan {
  const plan = new OutputPlan(options.force).addInputs([options.hardware, ...graphArgumentFiles(graph)], 'an input of this sweep');
  plan.file(options.out, '--out', false, true);
  plan.optionalFile(options.html, '--html');
  return plan;
}

/** The sweep page of the finished file, naming what the file does not record: the graph, base config and energy table. */
async function writeSweepPage(options: SweepCommandOptions, graph: string, plan: OutputPlan, io: CliIO): Promise<void> {
  if (options.html === undefined) return;
  const page = sweepPage(readSweepTable(options.out), {
    graph,
    hardware: options.hardware,
    energyTable: loadHardwareFile(options.hardware).energy.name,
  });
  writeAll(plan, [[options.html, await renderPage(page)]]);
  io.stderr(`wrote ${options.html} (open it in a browser)\n`);
}

interface Reporter {
  update(done: number, total: number): void;
  stop(): void;
}

/** Progress of one stage (`checking` the points, running the `sweep`) in the chosen style. */
function reporter(style: ProgressStyle, io: CliIO, label: string, finalLine: boolean): Reporter {
  if (style === 'none') return { update: () => undefined, stop: () => undefined };
  if (style === 'lines') return progressLines(io.stderr, { label, alwaysFinalLine: finalLine });
  const bar = progressBar(io, label, 'points');
  const started = Date.now();
  return {
    update: (done, total) => {
      const seconds = (Date.now() - started) / 1000;
      bar.update(done, total, seconds > 0 ? `| ${(done / seconds).toFixed(1)} points/s` : '');
    },
    stop: () => bar.stop(),
  };
}

/** Points that cannot run: the first one's error, the next distinct reasons, and what to do. */
function reportInvalidPoints(error: InvalidPointsError, skipInvalid: boolean, io: CliIO): number {
  const colour = paint(io);
  io.stderr(`${colour.red('error')}: ${error.describe()}\n`);
  for (const other of error.others) io.stderr(`${colour.yellow('note')}: also ${other.describe()}\n`);
  const { invalid, checked } = error;
  if (invalid === checked && (checked > 1 || skipInvalid)) {
    io.stderr(
      `${colour.yellow('note')}: ${checked === 1 ? 'the sweep has no other point' : `none of the ${checked} points can run`}${skipInvalid ? ', so there is nothing to sweep' : ''}\n`,
    );
  } else if (invalid < checked) {
    io.stderr(
      `${colour.yellow('note')}: ${invalid} of ${checked} points cannot run on their configs; --skip-invalid runs the other ${checked - invalid} and marks ${invalid === 1 ? 'this one' : 'these'} in the output\n`,
    );
  }
  return EXIT_BAD_INPUT;
}

export async function runSweepCommand(options: SweepCommandOptions, io: CliIO): Promise<number> {
  const colour = paint(io);
  const graph = graphOf(options);
  const plan = planOutputs(options, graph);
  const stop = new AbortController();
  const onInterrupt = () => {
    io.stderr('\nstopping (Ctrl-C)...\n');
    stop.abort();
  };
  const checking = reporter(options.progress, io, 'checking', false);
  const running = reporter(options.progress, io, 'sweep', true);
  process.once('SIGINT', onInterrupt);
  const workers = jobsWithinCores(options.jobs);
  let outcome;
  try {
    outcome = await runSweep({
      graph,
      hardware: options.hardware,
      sets: options.sets,
      zip: options.zip,
      timingOnly: options.timingOnly,
      skipInvalid: options.skipInvalid,
      out: options.out,
      jobs: workers.jobs,
      resume: options.resume,
      force: options.force,
      ...(options.shard === undefined ? {} : { shard: parseShard(options.shard) }),
      signal: stop.signal,
      log: io.stderr,
      onCheckProgress: (done, total) => {
        checking.update(done, total);
        // The bar goes before anything else is printed.
        if (done === total) checking.stop();
      },
      onRunProgress: (done, total) => running.update(done, total),
      ...(options.maxMemoryBytes === undefined ? {} : { maxMemoryBytes: options.maxMemoryBytes }),
    });
  } catch (error) {
    if (error instanceof InvalidPointsError) return reportInvalidPoints(error, options.skipInvalid, io);
    throw error;
  } finally {
    checking.stop();
    running.stop();
    process.removeListener('SIGINT', onInterrupt);
  }
  noteCappedJobs(io, options.jobs, workers);
  const reuse =
    outcome.ran > 0 && !options.timingOnly
      ? `; ${outcome.valueRuns} values passes for ${outcome.ran} points (${outcome.families} value families)`
      : '';
  const scope =
    outcome.shardPoints === outcome.points
      ? `${outcome.points} points`
      : `${outcome.shardPoints} of ${outcome.points} points (shard ${options.shard ?? ''})`;
  if (outcome.stage === 'check') {
    io.stderr(
      `${colour.yellow('stopped')} while checking the points: nothing was written${options.resume ? ` (${options.out} is as it was)` : ''}\n`,
    );
    return EXIT_INTERRUPTED;
  }
  if (outcome.stage === 'run') {
    io.stderr(
      `${colour.yellow('stopped')}: ${options.out} keeps ${outcome.resumed + outcome.ran + outcome.skipped} of ${scope}; run the same command with --resume to finish\n`,
    );
    return EXIT_INTERRUPTED;
  }
  if (outcome.summary !== undefined && outcome.summary.front > 0) io.stdout(paretoTableText(outcome.summary, outcome.parameterCount));
  const skipped =
    outcome.skipped > 0 ? `, ${outcome.skipped} skipped (cannot run on ${outcome.skipped === 1 ? 'its config' : 'their configs'})` : '';
  io.stderr(
    `wrote ${options.out}: ${scope}, ${outcome.ran} run now${skipped}${outcome.resumed > 0 ? `, ${outcome.resumed} from before` : ''} in ${outcome.seconds.toFixed(1)} s on ${outcome.executors}${reuse}\n`,
  );
  await writeSweepPage(options, graph, plan, io);
  return EXIT_OK;
}

/** --jobs accepts up to this many, then caps at the cores; beyond it the value is surely a typo. */
const MAX_JOBS_OPTION = 4096;

export const sweepCommand = defineCommand({
  command: 'sweep [graph]',
  describe:
    "sweep hardware config fields (and a zoo network's quantization): every point's cycles, energy and overflow in one CSV or JSONL file, with its Pareto front",
  builder: (parser) =>
    parser
      .positional('graph', { type: 'string', describe: GRAPH_DESCRIPTION })
      .option('zoo', { choices: ZOO_NAMES, describe: 'the zoo network to sweep (instead of GRAPH); quant.* paths set its quantization' })
      .option('hw', hardwareOption)
      .option('set', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'PATH=V1,V2,... or PATH=FROM..TO:STEP (repeat for each parameter), e.g. array.rows=8,16,32',
      })
      .option('zip', { type: 'boolean', default: false, describe: 'pair the i-th values of every --set instead of the cartesian product' })
      .option('timing-only', {
        type: 'boolean',
        default: false,
        describe: 'cycles and energy from the schedule alone: no values, no overflow columns',
      })
      .option('skip-invalid', {
        type: 'boolean',
        default: false,
        describe: 'run the points the config can run and mark the others in an invalid column (else they are exit 2 before anything runs)',
      })
      .option('out', requiredStringOption('out', 'the results file: .csv or .jsonl (its folder must exist)'))
      .option('html', htmlOption)
      .option(
        'jobs',
        optionalWholeNumberOption('jobs', {
          describe: 'worker threads (default and cap: the number of cores)',
          min: 1,
          max: MAX_JOBS_OPTION,
        }),
      )
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
        skipInvalid: args.skipInvalid,
        out: args.out,
        html: args.html,
        jobs: args.jobs,
        resume: args.resume,
        force: args.force,
        shard: args.shard,
        progress: io.progressBar === true ? 'bar' : 'lines',
        maxMemoryBytes: maxMemoryOf(args.maxMemory),
      },
      io,
    ),
});
