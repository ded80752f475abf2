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
 * needing attention, 5 wide, 6 the mode takes int32; float64 words 0 and 1 the wide register's
 * range, 2 the zero-operand MACs, 3..6 the narrow extremes, 7..10 the wide ones.
 */
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
const MAX_THREADS = 64;

class KernelThread {
  private readonly words: Int32Array;
  private readonly reals: Float64Array;
  private readonly worker: Worker;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory) {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    this.words = new Int32Array(control, 0, 16);
    this.reals = new Float64Array(control, 64, 12);
    this.worker = new Worker(fileURLToPath(new URL('./thread.js', import.meta.url)), { workerData: { module, memory, control } });
    // A thread waiting for work must not keep the process alive.
    this.worker.unref();
  }

  start(job: RowJob): void {
    const { words, reals } = this;
    words[1] = job.params;
    words[2] = job.rowStart;
    words[3] = job.rowEnd;
    words[5] = job.wide === undefined ? 0 : 1;
    words[6] = job.wide?.int32Input === true ? 1 : 0;
    reals[0] = job.wide?.registerMin ?? 0;
    reals[1] = job.wide?.registerMax ?? 0;
    Atomics.store(words, 0, 1);
    Atomics.notify(words, 0);
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

/** The kernel threads of this thread's kernels, started on first use. */
export class KernelThreads {
  private readonly threads: KernelThread[] = [];

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
  ) {}

  /** Starts `jobs` on worker threads (as many as there are jobs, started once and kept). */
  start(jobs: readonly RowJob[]): void {
    while (this.threads.length < jobs.length) this.threads.push(new KernelThread(this.module, this.memory));
    for (const [index, job] of jobs.entries()) this.threads[index]?.start(job);
  }

  /** Waits for the jobs started last. */
  finish(count: number): RowResult[] {
    return this.threads.slice(0, count).map((thread) => thread.finish());
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
