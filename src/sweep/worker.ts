/**
 * A sweep worker thread: receives the sweep (and the graphs, built once in the main thread), then
 * evaluates the chunks of point indices it is sent, keeping the values passes it computed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../errors.js';
import type { Graph } from '../graph/model.js';
import { PointEvaluator } from './evaluate.js';
import { GraphVariants, type SweepSpec } from './pointConfig.js';
import type { ChunkReply, ChunkRequest } from './workers.js';

interface SweepWorkerData {
  readonly spec: SweepSpec;
  readonly graphs: ReadonlyArray<readonly [string, Graph]>;
}

const data = workerData as SweepWorkerData;
const evaluator = new PointEvaluator(data.spec, new GraphVariants(data.spec.graph, new Map(data.graphs)));
const port = parentPort;
if (port === null) throw new Error('src/sweep/worker.ts runs as a worker thread');

port.on('message', (request: ChunkRequest) => {
  let reply: ChunkReply;
  try {
    const before = evaluator.valueRuns;
    const rows = request.indices.map((index) => evaluator.evaluate(index));
    reply = { kind: 'rows', rows, valueRuns: evaluator.valueRuns - before };
  } catch (error) {
    reply =
      error instanceof InputError
        ? { kind: 'input-error', message: error.message, file: error.file, location: error.location }
        : { kind: 'internal-error', message: (error as Error).stack ?? String(error) };
  }
  port.postMessage(reply);
});
