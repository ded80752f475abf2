/**
 * Evaluation over worker threads: the images in fixed chunks, each chunk's tally computed by
 * whichever worker is free, and the tallies merged in chunk order, so the figures are the same
 * for any number of workers (in process as well). Each worker loads the graph, the hardware, the
 * float model and the data itself, from the same arguments.
 */
import { Worker } from 'node:worker_threads';
import { InputError } from '../errors.js';
import { compiledWorker } from '../formats/paths.js';
import type { GraphFile } from '../formats/graphSchema.js';
import { resolveGraph } from '../formats/loadGraph.js';
import { loadHardwareFile } from '../formats/loadHardware.js';
import type { FloatGraph } from '../graph/float.js';
import type { Graph } from '../graph/model.js';
import type { Hardware } from '../hardware/model.js';
import { loadGraphArgument } from '../pipeline/index.js';
import { type LabData, loadLabData } from './data.js';
import { emptyTally, type EvaluationTally, evaluateImages, mergeTallies } from './evaluate.js';
import { loadFloatModel } from './floatModel.js';

/** Images per chunk: large beside a worker message, small enough to share 10,000 images over 2 cores evenly. */
export const EVALUATION_CHUNK = 500;

export interface EvaluationJob {
  /** A GRAPH argument, or a name for `graphData`. */
  readonly graph: string;
  /** A graph in memory (a study's scheme): its file and sidecar. */
  readonly graphData?: { readonly file: GraphFile; readonly sidecarFile: string; readonly sidecar: Uint8Array } | undefined;
  readonly hardware: string;
  readonly float: string;
  readonly data: string;
  readonly end: number;
  readonly aloneImages: number;
}

export interface LoadedEvaluation {
  readonly graph: Graph;
  readonly hardware: Hardware;
  readonly float: FloatGraph;
  readonly data: LabData;
}

export function loadEvaluation(job: Pick<EvaluationJob, 'graph' | 'graphData' | 'hardware' | 'float' | 'data'>): LoadedEvaluation {
  const hardware = loadHardwareFile(job.hardware);
  const graph =
    job.graphData === undefined
      ? loadGraphArgument(job.graph)
      : resolveGraph(job.graphData.file, job.graph, { sidecars: new Map([[job.graphData.sidecarFile, job.graphData.sidecar]]) });
  const float = loadFloatModel(job.float);
  return { graph, hardware, float, data: loadLabData(job.data, float, 'test') };
}

function chunks(end: number): [number, number][] {
  return Array.from({ length: Math.ceil(end / EVALUATION_CHUNK) }, (_, index) => [
    index * EVALUATION_CHUNK,
    Math.min(end, (index + 1) * EVALUATION_CHUNK),
  ]);
}

/** The compiled worker for this module, or undefined when running from TypeScript sources (tests). */
function workerFile(): string | undefined {
  return compiledWorker(import.meta.url, 'lab-worker.js');
}

export async function evaluateInParallel(
  job: EvaluationJob,
  loaded: LoadedEvaluation,
  jobs: number,
  onImages: (done: number) => void,
): Promise<EvaluationTally> {
  const parts = chunks(job.end);
  const file = workerFile();
  const workers = Math.min(jobs, parts.length);
  const tallies: EvaluationTally[] = new Array(parts.length);
  let done = 0;
  if (workers <= 1 || file === undefined) {
    parts.forEach(([first, end], index) => {
      tallies[index] = evaluateImages({ ...loaded, first, end, aloneImages: job.aloneImages, onImage: (count) => onImages(done + count) });
      done += end - first;
    });
  } else {
    let next = 0;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        const worker = new Worker(file, { workerData: job });
        try {
          while (next < parts.length) {
            const index = next;
            next += 1;
            const [first, end] = parts[index] as [number, number];
            tallies[index] = await new Promise<EvaluationTally>((resolve, reject) => {
              const onMessage = (message: { tally?: EvaluationTally; error?: string; inputError?: boolean }) => {
                worker.off('error', reject);
                if (message.tally !== undefined) resolve(message.tally);
                else if (message.inputError === true) reject(new InputError(message.error ?? '', job.graph));
                else reject(new Error(message.error ?? 'an evaluation worker failed'));
              };
              worker.once('message', onMessage);
              worker.once('error', reject);
              worker.postMessage({ first, end });
            });
            done += end - first;
            onImages(done);
          }
        } finally {
          await worker.terminate();
        }
      }),
    );
  }
  return tallies.reduce((total, tally) => mergeTallies(total, tally), emptyTally());
}
