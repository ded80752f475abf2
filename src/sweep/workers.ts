/**
 * Where sweep points run: in worker threads (one PointEvaluator each), or in this thread. Both
 * take a chunk of point indices and give back its rows; the in-process one yields to the event
 * loop between points so that Ctrl-C is handled while it works.
 */
import { Worker } from 'node:worker_threads';
import { InputError } from '../errors.js';
import { compiledWorker } from '../formats/paths.js';
import { PointEvaluator, type SweepRow } from './evaluate.js';
import type { GraphVariants, SweepSpec } from './pointConfig.js';

export interface ChunkRequest {
  readonly indices: readonly number[];
}

export type ChunkReply =
  | { readonly kind: 'rows'; readonly rows: SweepRow[]; readonly valueRuns: number }
  | { readonly kind: 'input-error'; readonly message: string; readonly file: string | undefined; readonly location: string | undefined }
  | { readonly kind: 'internal-error'; readonly message: string };

export interface ChunkResult {
  readonly rows: SweepRow[];
  /** Values passes computed for this chunk (its other points reused one). */
  readonly valueRuns: number;
}

export interface Executor {
  evaluate(indices: readonly number[]): Promise<ChunkResult>;
  close(): Promise<void>;
}

export class InProcessExecutor implements Executor {
  private readonly evaluator: PointEvaluator;
  private stopped = false;

  constructor(spec: SweepSpec, graphs: GraphVariants) {
    this.evaluator = new PointEvaluator(spec, graphs);
  }

  async evaluate(indices: readonly number[]): Promise<ChunkResult> {
    const before = this.evaluator.valueRuns;
    const rows: SweepRow[] = [];
    for (const index of indices) {
      // Stopped (Ctrl-C): hand back the points finished so far; they are complete.
      if (this.stopped) break;
      rows.push(this.evaluator.evaluate(index));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { rows, valueRuns: this.evaluator.valueRuns - before };
  }

  async close(): Promise<void> {
    this.stopped = true;
  }
}

/** Thrown to a chunk whose worker was stopped (Ctrl-C); the runner expects it. */
export class WorkerStopped extends Error {}

export class WorkerExecutor implements Executor {
  private readonly worker: Worker;
  private pending: { resolve: (result: ChunkResult) => void; reject: (error: Error) => void } | undefined;
  private stopped = false;

  constructor(file: string, spec: SweepSpec, graphs: GraphVariants) {
    this.worker = new Worker(file, { workerData: { spec, graphs: [...graphs.all()] } });
    this.worker.on('message', (reply: ChunkReply) => {
      const pending = this.pending;
      this.pending = undefined;
      if (pending === undefined) return;
      if (reply.kind === 'rows') pending.resolve({ rows: reply.rows, valueRuns: reply.valueRuns });
      else if (reply.kind === 'input-error') pending.reject(new InputError(reply.message, reply.file, reply.location));
      else pending.reject(new Error(`a sweep worker failed: ${reply.message}`));
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(this.stopped ? new WorkerStopped() : new Error(`a sweep worker exited (code ${code})`)));
  }

  evaluate(indices: readonly number[]): Promise<ChunkResult> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      const request: ChunkRequest = { indices };
      this.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }
}

/** The compiled worker for this module, or undefined when running from TypeScript sources (tests). */
export function workerFile(): string | undefined {
  return compiledWorker(import.meta.url, 'sweep-worker.js');
}
