/**
 * A whole sweep, as `npusim sweep` runs it: parse the parameters, pick this shard's points, take
 * up what an earlier run finished (--resume), check every remaining point, run them, stream the
 * rows to the file in point order, and finally rewrite the file in point order with the Pareto
 * marks over all its rows. Nothing is written before the check has passed.
 */
import { existsSync, truncateSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { InputError } from '../errors.js';
import { DEFAULT_MAX_MEMORY_BYTES } from '../formats/bounds.js';
import { loadHardwareFile } from '../formats/loadHardware.js';
import { readJsonFile } from '../formats/readJson.js';
import { checkPoints } from './check.js';
import type { SweepRow } from './evaluate.js';
import { LineAppender, writeAtomically } from './files.js';
import { sweepId } from './identity.js';
import { formatOf, headerText, type RowContent, rowCells, rowText, sweepColumns } from './output.js';
import type { ParetoSummary } from './paretoTable.js';
import { checkParameters, checkRunSize, pointAt, pointCount } from './points.js';
import type { SweepSpec } from './pointConfig.js';
import { parseSetOption } from './ranges.js';
import { type FinishedRows, finishedRows } from './resume.js';
import { RowIndex, RowLines, writeFinalFile } from './rowIndex.js';
import { runPoints } from './runner.js';
import { type Shard, shardIndices, shardSize, WHOLE_SWEEP } from './shard.js';

export interface SweepOptions {
  /** A graph file, or zoo:NAME. */
  readonly graph: string;
  readonly hardware: string;
  /** The --set options as written: PATH=VALUES. */
  readonly sets: readonly string[];
  readonly zip: boolean;
  readonly timingOnly: boolean;
  /** Points that cannot run on their config are marked in the file (an invalid column) instead of failing the sweep. */
  readonly skipInvalid: boolean;
  readonly out: string;
  readonly jobs: number;
  readonly resume: boolean;
  readonly force: boolean;
  readonly shard?: Shard;
  /** Aborted by Ctrl-C: the check stops with nothing written, the run with the file keeping every finished row. */
  readonly signal?: AbortSignal;
  readonly log?: (text: string) => void;
  readonly onCheckProgress?: (done: number, total: number) => void;
  readonly onRunProgress?: (done: number, total: number) => void;
  /** The memory limit: graph constants, and every worker's run at once (default 4 GiB). */
  readonly maxMemoryBytes?: number;
}

export interface SweepOutcome {
  /** Where it ended: stopped during the check (nothing written), stopped during the run, or done. */
  readonly stage: 'check' | 'run' | 'done';
  /** Points in the whole sweep, in this shard, run now, and taken from an earlier run. */
  readonly points: number;
  readonly shardPoints: number;
  readonly ran: number;
  readonly resumed: number;
  /** Points marked as unable to run (--skip-invalid), now. */
  readonly skipped: number;
  readonly valueRuns: number;
  readonly families: number;
  readonly executors: string;
  readonly seconds: number;
  /** How many parameters were swept (the columns after "point"). */
  readonly parameterCount: number;
  /** The Pareto front of the file as finally written (undefined unless done). */
  readonly summary: ParetoSummary | undefined;
}

/**
 * Puts rows that finish out of order back in point order before they reach the file. Points that
 * cannot run (a reason at their position) are written as their turn comes.
 */
class OrderedRows {
  private readonly waiting = new Map<number, SweepRow>();
  private next = 0;

  constructor(
    private readonly order: readonly number[],
    private readonly reasonAt: (position: number) => string | undefined,
    private readonly write: (index: number, content: RowContent) => void,
  ) {}

  add(row: SweepRow): void {
    this.waiting.set(row.index, row);
    this.advance();
  }

  /** Writes every row whose turn has come. */
  advance(): void {
    for (let index = this.order[this.next]; index !== undefined; index = this.order[this.next]) {
      const invalid = this.reasonAt(this.next);
      const row = this.waiting.get(index);
      if (invalid !== undefined) this.write(index, { invalid });
      else if (row !== undefined) {
        this.write(index, { row });
        this.waiting.delete(index);
      } else return;
      this.next += 1;
    }
  }

  /** On a stop: the finished rows still waiting for an earlier one, in order (--resume fills the gaps). */
  flush(): void {
    for (const index of [...this.waiting.keys()].sort((a, b) => a - b)) this.write(index, { row: this.waiting.get(index) as SweepRow });
    this.waiting.clear();
  }
}

export function sweepSpec(options: Pick<SweepOptions, 'graph' | 'hardware' | 'sets' | 'zip' | 'timingOnly'>): SweepSpec {
  const parameters = options.sets.map(parseSetOption);
  checkParameters(parameters, options.zip);
  // The base config alone first, so that its own errors name the file and nothing else.
  loadHardwareFile(options.hardware);
  return {
    graph: options.graph,
    hardwareFile: options.hardware,
    baseHardware: readJsonFile(options.hardware, 'a hardware config (JSON)'),
    parameters,
    zip: options.zip,
    timingOnly: options.timingOnly,
  };
}

/** Starts the file afresh (its header alone), or cuts a resumed one back to its whole lines. */
function prepareFile(out: string, header: string, finished: FinishedRows | undefined): void {
  if (finished === undefined || finished.empty) {
    writeAtomically(out, (file) => file.write(header));
    return;
  }
  if (!finished.droppedPartialLine) return;
  try {
    truncateSync(out, finished.wholeBytes);
  } catch (error) {
    throw new InputError(`cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, out);
  }
}

export async function runSweep(options: SweepOptions): Promise<SweepOutcome> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const format = formatOf(options.out);
  const spec = sweepSpec(options);
  const points = pointCount(spec.parameters, spec.zip);
  const shard = options.shard ?? WHOLE_SWEEP;
  checkRunSize(points, shardSize(points, shard), shard.index, shard.count);
  const id = sweepId(spec, points);
  const columns = sweepColumns(spec.parameters, options.skipInvalid);
  const index = new RowIndex(columns);

  let finished: FinishedRows | undefined;
  if (existsSync(options.out)) {
    if (options.resume) {
      finished = finishedRows(options.out, spec, index, id, points, shard);
      if (finished.droppedPartialLine)
        log(`${options.out}: dropped a cut last line (the run was killed mid-write); that point runs again\n`);
    } else if (!options.force) {
      throw new InputError('already exists; pass --resume to continue this sweep, or --force to start over', options.out);
    }
  }
  const mine = shardIndices(points, shard);
  const todo = finished === undefined ? mine : mine.filter((point) => finished.done[point] !== 1);
  const outcome = (stage: SweepOutcome['stage'], rest: Partial<SweepOutcome>): SweepOutcome => ({
    stage,
    points,
    shardPoints: mine.length,
    ran: 0,
    resumed: finished?.count ?? 0,
    skipped: 0,
    valueRuns: 0,
    families: 0,
    executors: 'none',
    seconds: (performance.now() - started) / 1000,
    parameterCount: spec.parameters.length,
    summary: undefined,
    ...rest,
  });
  const checked = await checkPoints(spec, todo, {
    skipInvalid: options.skipInvalid,
    maxMemoryBytes: options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES,
    // Each executor runs one point at a time; with worker threads, one run each at once.
    runsAtOnce: Math.max(1, Math.min(options.jobs, todo.length)),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onCheckProgress === undefined ? {} : { onProgress: options.onCheckProgress }),
  });
  if (checked === undefined) return outcome('check', {});
  const [first] = checked.firstInvalid;
  if (first !== undefined) {
    const which =
      checked.invalid === 1 ? 'a point that cannot run on its config' : `${checked.invalid} points that cannot run on their configs`;
    log(`note: skipping ${which}, marked in the invalid column of ${options.out}; the first: ${first.describe()}\n`);
  }
  const runnable: number[] = [];
  const families: number[] = [];
  todo.forEach((point, position) => {
    const family = checked.families[position] as number;
    if (family < 0) return;
    runnable.push(point);
    families.push(family);
  });

  prepareFile(options.out, headerText(format, columns), finished);
  const appender = new LineAppender(options.out);
  let ran = 0;
  let skipped = 0;
  const ordered = new OrderedRows(todo, checked.reasonAt, (point, content) => {
    const cells = rowCells(pointAt(spec.parameters, spec.zip, point), content, id, options.skipInvalid);
    const text = rowText(format, columns, cells);
    index.add(point, 0, appender.append(text), Buffer.byteLength(text) - 1, cells);
    if ('invalid' in content) skipped += 1;
  });
  let run;
  try {
    ordered.advance();
    run = await runPoints({
      spec,
      graphs: checked.graphs,
      indices: runnable,
      families,
      jobs: options.jobs,
      signal: options.signal ?? new AbortController().signal,
      onRows: (rows) => {
        for (const row of rows) ordered.add(row);
        ran += rows.length;
        options.onRunProgress?.(ran, runnable.length);
      },
    });
  } finally {
    ordered.flush();
    appender.close();
  }
  const common = { ran, skipped, valueRuns: run.valueRuns, families: checked.familyCount, executors: run.executors };
  if (!run.completed) return outcome('run', common);
  // Rewritten from the rows' lines as merge does: a resumed or merged sweep ends byte-identical to an uninterrupted one.
  const lines = new RowLines(index, [options.out]);
  let summary: ParetoSummary;
  try {
    const order = index.inPointOrder(() => {
      throw new Error('unreachable: a point is run only when the file does not have it');
    });
    summary = writeFinalFile({ out: options.out, format, sweepId: id, index, order, lines });
  } finally {
    lines.close();
  }
  return outcome('done', { ...common, summary });
}
