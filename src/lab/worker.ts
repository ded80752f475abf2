/** An evaluation worker: loads the job once, then computes the tally of each chunk of images it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../errors.js';
import { evaluateImages } from './evaluate.js';
import { type EvaluationJob, loadEvaluation } from './parallel.js';

const job = workerData as EvaluationJob;
const loaded = loadEvaluation(job);
parentPort?.on('message', ({ first, end }: { first: number; end: number }) => {
  try {
    parentPort?.postMessage({ tally: evaluateImages({ ...loaded, first, end, aloneImages: job.aloneImages }) });
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error), inputError: error instanceof InputError });
  }
});
