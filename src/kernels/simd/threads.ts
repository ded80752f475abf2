/**
 * Kernel threads for one layer: worker threads sharing the kernels' memory, each running a range of
 * output rows while the calling thread runs its own. The call stays synchronous (the caller waits
 * with Atomics.wait), and the result does not depend on the number of threads: every output is
 * computed by one lane in the same order wherever it runs, its status lands in shared memory, and
 * what the threads keep apart (zero-operand counts, extremes) is summed or taken the minimum and
 * maximum of.
 *
 * Each worker has a control block (a SharedArrayBuffer): int32 words 0 state (0 idle, 1 job,
 * 2 done, 3 failed, 4 stop), 1 the layer description's address, 2 and 3 the rows, 4 the outputs
 * needing attention, 5 wide, 6 the mode takes int32, 7 ready (the thread has started); float64 words 0 and 1 the wide register's
 * range, 2 the zero-operand MACs, 3..6 the narrow extremes, 7..10 the wide ones.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isMainThread, Worker } from 'node:worker_threads';
import { InputError } from '../../errors.js';

export interface RowJob {
  readonly params: number;
  readonly rowStart: number;
  readonly rowEnd: number;
  /** Wide lanes with the kernels' requantization: the register's range and whether the mode takes int32. */
  readonly wide: { readonly registerMin: number; readonly registerMax: number; readonly int32Input: boolean } | undefined;
}

export interface RowResult {
  readonly attention: number;
  readonly zeroMacs: number;
  readonly extremes: { finalLow: number; finalHigh: number; partialLow: number; partialHigh: number };
  readonly wideExtremes: { finalLow: number; finalHigh: number; partialLow: number; partialHigh: number };
}

const CONTROL_BYTES = 64 + 12 * 8;
/** How long a new thread may take to start before its rows run on the calling thread instead. */
const START_TIMEOUT_MS = 10_000;
const MAX_THREADS = 64;

class KernelThread {
  private readonly words: Int32Array;
  private readonly reals: Float64Array;
  private readonly worker: Worker;
  /** Did not start in time: its jobs run on the caller from then on. */
  private unstartable = false;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory) {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    this.words = new Int32Array(control, 0, 16);
    this.reals = new Float64Array(control, 64, 12);
    this.worker = new Worker(THREAD_SCRIPT, { workerData: { module, memory, control } });
    // A thread waiting for work must not keep the process alive.
    this.worker.unref();
    // A thread that dies is one that never said it was ready (start() then stops waiting for it) or
    // one that failed a job (its state says so): the error itself is not the process's to die of.
    this.worker.on('error', () => {
      this.unstartable = true;
    });
  }

  /** Hands the thread a job; false when it has not started (its rows are then the caller's to run). */
  start(job: RowJob): boolean {
    const { words, reals } = this;
    if (this.unstartable) return false;
    if (Atomics.load(words, 7) !== 1) {
      // A thread that cannot start (no script, no resources) must not leave the caller waiting forever.
      Atomics.wait(words, 7, 0, START_TIMEOUT_MS);
      if (Atomics.load(words, 7) !== 1) {
        this.unstartable = true;
        return false;
      }
    }
    words[1] = job.params;
    words[2] = job.rowStart;
    words[3] = job.rowEnd;
    words[5] = job.wide === undefined ? 0 : 1;
    words[6] = job.wide?.int32Input === true ? 1 : 0;
    reals[0] = job.wide?.registerMin ?? 0;
    reals[1] = job.wide?.registerMax ?? 0;
    Atomics.store(words, 0, 1);
    Atomics.notify(words, 0);
    return true;
  }

  finish(): RowResult {
    const { words, reals } = this;
    let state = Atomics.load(words, 0);
    while (state === 1) {
      Atomics.wait(words, 0, 1);
      state = Atomics.load(words, 0);
    }
    Atomics.store(words, 0, 0);
    if (state !== 2) throw new Error('a kernel thread failed');
    const [, , zeroMacs = 0, ...extremes] = reals;
    const [
      finalLow = 0,
      finalHigh = 0,
      partialLow = 0,
      partialHigh = 0,
      wideFinalLow = 0,
      wideFinalHigh = 0,
      widePartialLow = 0,
      widePartialHigh = 0,
    ] = extremes;
    return {
      attention: words[4] as number,
      zeroMacs,
      extremes: { finalLow, finalHigh, partialLow, partialHigh },
      wideExtremes: { finalLow: wideFinalLow, finalHigh: wideFinalHigh, partialLow: widePartialLow, partialHigh: widePartialHigh },
    };
  }
}

const THREAD_SCRIPT = fileURLToPath(new URL('./thread.js', import.meta.url));

/** The kernel threads of this thread's kernels, started on first use. */
export class KernelThreads {
  private readonly threads: KernelThread[] = [];

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
  ) {}

  /**
   * Boots threads up to `count` without waiting for them: a worker thread takes ~70 ms to start,
   * which then overlaps the caller's other work (reading the graph) instead of delaying the first large layer.
   */
  warm(count: number): void {
    // Without the script (a damaged install), every row runs on the calling thread.
    if (!existsSync(THREAD_SCRIPT)) return;
    while (this.threads.length < count) this.threads.push(new KernelThread(this.module, this.memory));
  }

  /** Starts `jobs` on worker threads (one a job, started once and kept); says which started. */
  start(jobs: readonly RowJob[]): boolean[] {
    this.warm(jobs.length);
    if (this.threads.length < jobs.length) return jobs.map(() => false);
    return jobs.map((job, index) => this.threads[index]?.start(job) === true);
  }

  /** Waits for the jobs start() started (`started` as it returned). */
  finish(started: readonly boolean[]): RowResult[] {
    return started.flatMap((ran, index) => (ran ? [(this.threads[index] as KernelThread).finish()] : []));
  }
}

/** Threads a layer may use: NPUSIM_THREADS if set, else both cores on the main thread and one in a worker (whose caller already splits its work). */
export function threadBudget(): number {
  const setting = process.env.NPUSIM_THREADS;
  if (setting === undefined || setting === '') return isMainThread ? Math.min(2, availableParallelism()) : 1;
  const count = Number(setting);
  if (!Number.isInteger(count) || count < 1 || count > MAX_THREADS)
    throw new InputError(`must be a whole number of threads, 1..${MAX_THREADS}, got "${setting}"`, 'NPUSIM_THREADS');
  return count;
}
