/**
 * Running a sweep's points on executors (worker threads, or this thread), chunk by chunk, until
 * all are done or the run is stopped. Rows go to `onRows` as chunks finish; putting them in point
 * order is the writer's job.
 */
import { ChunkQueue } from './dispatch.js';
import type { SweepRow } from './evaluate.js';
import type { GraphVariants, SweepSpec } from './pointConfig.js';
import { type Executor, InProcessExecutor, WorkerExecutor, workerFile, WorkerStopped } from './workers.js';

export interface RunPointsOptions {
  readonly spec: SweepSpec;
  readonly graphs: GraphVariants;
  /** The point indices to run, ascending. */
  readonly indices: readonly number[];
  /** The value family of each point of `indices`, in the same order (points of one family share a values pass). */
  readonly families: ArrayLike<number>;
  readonly jobs: number;
  readonly signal: AbortSignal;
  readonly onRows: (rows: readonly SweepRow[]) => void;
}

export interface RunPointsResult {
  readonly completed: boolean;
  readonly valueRuns: number;
  /** 'workers' with their number, or 'in-process'. */
  readonly executors: string;
}

/**
 * Chunks big enough that messaging costs little beside the work (a timing-only point takes a
 * fraction of a millisecond), small enough to spread a few families over all workers.
 */
function chunkSize(spec: SweepSpec, points: number, jobs: number): number {
  const target = spec.timingOnly ? 64 : 8;
  return Math.max(1, Math.min(target, Math.ceil(points / (jobs * 4))));
}

function createExecutors(options: RunPointsOptions): { executors: Executor[]; description: string } {
  const jobs = Math.max(1, Math.min(options.jobs, options.indices.length));
  const file = jobs > 1 ? workerFile() : undefined;
  if (file === undefined) return { executors: [new InProcessExecutor(options.spec, options.graphs)], description: 'in-process' };
  return {
    executors: Array.from({ length: jobs }, () => new WorkerExecutor(file, options.spec, options.graphs)),
    description: `${jobs} worker threads`,
  };
}

export async function runPoints(options: RunPointsOptions): Promise<RunPointsResult> {
  const { executors, description } = createExecutors(options);
  const queue = new ChunkQueue(options.indices, options.families, chunkSize(options.spec, options.indices.length, executors.length));
  const stop = new AbortController();
  const onAbort = () => {
    stop.abort();
    for (const executor of executors) void executor.close();
  };
  options.signal.addEventListener('abort', onAbort);
  // Ctrl-C during validation: the signal is already aborted and will not fire again.
  if (options.signal.aborted) onAbort();
  let valueRuns = 0;
  let failure: unknown;
  const drive = async (executor: Executor) => {
    let family: number | undefined;
    while (!stop.signal.aborted) {
      const chunk = queue.next(family);
      if (chunk === undefined) return;
      family = chunk.family;
      try {
        const result = await executor.evaluate(chunk.indices);
        valueRuns += result.valueRuns;
        options.onRows(result.rows);
      } catch (error) {
        if (error instanceof WorkerStopped && stop.signal.aborted) return;
        failure ??= error;
        onAbort();
        return;
      }
    }
  };
  try {
    await Promise.all(executors.map(drive));
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    await Promise.all(executors.map((executor) => executor.close()));
  }
  if (failure !== undefined) throw failure;
  return { completed: !options.signal.aborted && queue.remaining === 0, valueRuns, executors: description };
}
