/**
 * A whole sweep, as `npusim sweep` runs it: parse the parameters, pick this shard's points, take
 * up what an earlier run finished (--resume), validate every remaining point, run them, stream the
 * rows to the file in point order, and finally rewrite the file in point order with the Pareto
 * marks over all its rows.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { InputError } from '../errors.js';
import { checkRunMemory } from '../engine/memory.js';
import { DEFAULT_MAX_MEMORY_BYTES } from '../formats/bounds.js';
import { loadHardwareFile } from '../formats/loadHardware.js';
import { readJsonFile } from '../formats/readJson.js';
import type { SweepRow } from './evaluate.js';
import { sweepId } from './identity.js';
import { formatOf, LineAppender, readSweepFile, rowCells, rowText, type SweepTable, sweepColumns, tableText, writeFileAtomically } from './output.js';
import { finalizeTable } from './pareto.js';
import { checkParameters, pointAt, pointCount } from './points.js';
import { GraphVariants, type SweepSpec } from './pointConfig.js';
import { createProgress, type ProgressStyle } from './progress.js';
import { parseSetOption } from './ranges.js';
import { finishedRows } from './resume.js';
import { runPoints } from './runner.js';
import { type Shard, shardIndices, WHOLE_SWEEP } from './shard.js';
import { validateSweep } from './validate.js';

export interface SweepOptions {
  /** A graph file, or zoo:NAME. */
  readonly graph: string;
  readonly hardware: string;
  /** The --set options as written: PATH=VALUES. */
  readonly sets: readonly string[];
  readonly zip: boolean;
  readonly timingOnly: boolean;
  readonly out: string;
  readonly jobs: number;
  readonly resume: boolean;
  readonly force: boolean;
  readonly shard?: Shard;
  readonly progress: ProgressStyle;
  /** Aborted by Ctrl-C: the run stops and the file keeps every finished row. */
  readonly signal?: AbortSignal;
  readonly log?: (text: string) => void;
  /** The memory limit: graph constants, and every worker's run at once (default 4 GiB). */
  readonly maxMemoryBytes?: number;
}

export interface SweepOutcome {
  readonly completed: boolean;
  /** Points in the whole sweep, in this shard, run now, and taken from an earlier run. */
  readonly points: number;
  readonly shardPoints: number;
  readonly ran: number;
  readonly resumed: number;
  readonly valueRuns: number;
  readonly families: number;
  readonly executors: string;
  readonly seconds: number;
  /** How many parameters were swept (the columns after "point"). */
  readonly parameterCount: number;
  /** The file as finally written (undefined when the run was stopped). */
  readonly table: SweepTable | undefined;
}

/** Puts rows that finish out of order back in point order before they reach the file. */
class OrderedRows {
  private readonly waiting = new Map<number, SweepRow>();
  private next = 0;

  constructor(
    private readonly order: readonly number[],
    private readonly write: (row: SweepRow) => void,
  ) {}

  add(row: SweepRow): void {
    this.waiting.set(row.index, row);
    for (let index = this.order[this.next]; index !== undefined && this.waiting.has(index); index = this.order[this.next]) {
      this.write(this.waiting.get(index) as SweepRow);
      this.waiting.delete(index);
      this.next += 1;
    }
  }

  /** On a stop: the finished rows still waiting for an earlier one, in order (--resume fills the gaps). */
  flush(): void {
    for (const index of [...this.waiting.keys()].sort((a, b) => a - b)) this.write(this.waiting.get(index) as SweepRow);
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

export async function runSweep(options: SweepOptions): Promise<SweepOutcome> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const format = formatOf(options.out);
  const spec = sweepSpec(options);
  const points = pointCount(spec.parameters, spec.zip);
  const shard = options.shard ?? WHOLE_SWEEP;
  const id = sweepId(spec, points);
  const columns = sweepColumns(spec.parameters);
  const mine = shardIndices(points, shard);

  let existing: SweepTable = { columns, rows: [] };
  let done: ReadonlySet<number> = new Set();
  if (existsSync(options.out)) {
    if (options.resume) {
      const finished = finishedRows(options.out, spec, columns, id, points, shard);
      existing = finished.table;
      done = finished.done;
      if (finished.droppedPartialLine) log(`${options.out}: dropped a cut last line (the run was killed mid-write); that point runs again\n`);
    } else if (!options.force) {
      throw new InputError('already exists; pass --resume to continue this sweep, or --force to start over', options.out);
    }
  }
  const todo = mine.filter((index) => !done.has(index));
  const maxMemoryBytes = options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES;
  const validated = validateSweep(spec, todo, new GraphVariants(spec.graph, new Map(), { maxMemoryBytes }));
  if (!spec.timingOnly) {
    // Each executor runs one point at a time; with worker threads, one run each at once.
    const runsAtOnce = Math.max(1, Math.min(options.jobs, todo.length));
    for (const graph of validated.graphs.all().values()) checkRunMemory(graph, maxMemoryBytes, {}, runsAtOnce);
  }

  // Start from the rows kept (a cut line dropped), then append.
  writeFileAtomically(options.out, tableText(format, { columns, rows: existing.rows }));
  const appender = new LineAppender(options.out);
  const progress = createProgress(options.progress, todo.length, log);
  let finished = 0;
  const ordered = new OrderedRows(todo, (row) => {
    appender.append(rowText(format, columns, rowCells(pointAt(spec.parameters, spec.zip, row.index), row, id)));
  });
  let run;
  try {
    run = await runPoints({
      spec,
      graphs: validated.graphs,
      indices: todo,
      familyOf: validated.familyOf,
      jobs: options.jobs,
      signal: options.signal ?? new AbortController().signal,
      onRows: (rows) => {
        for (const row of rows) ordered.add(row);
        finished += rows.length;
        progress.update(finished);
      },
    });
  } finally {
    ordered.flush();
    appender.close();
    progress.stop();
  }
  let table: SweepTable | undefined;
  if (run.completed) {
    // Read back and finalized as merge does: a resumed or merged sweep ends byte-identical to an uninterrupted one.
    table = finalizeTable(readSweepFile(options.out).table);
    writeFileAtomically(options.out, tableText(format, table));
  }
  return {
    completed: run.completed,
    points,
    shardPoints: mine.length,
    ran: finished,
    resumed: done.size,
    valueRuns: run.valueRuns,
    families: validated.families,
    executors: run.executors,
    seconds: (performance.now() - started) / 1000,
    parameterCount: spec.parameters.length,
    table,
  };
}
