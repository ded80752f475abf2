/**
 * The memory a run needs, estimated from the graph's shapes alone (nothing is allocated), so that
 * validation refuses with the figure what would not fit instead of the run dying out of memory.
 * It follows what the engine keeps (src/engine/simulate.ts and its kernels):
 * - every tensor as an Int32Array: the constants, the graph inputs, every op's output (a reshape
 *   shares its input's array), all kept to the end of the run;
 * - the same activations again for the exact rerun at 48 bits that measures headroom after an
 *   overflow (possible in any graph with array layers);
 * - the largest layer's working set: an array layer's shifted input (4 bytes a value), its stored
 *   accumulators (8), the positions of its zero weights (up to 8 a weight) and per output channel
 *   about 512 bytes of bookkeeping (requantization parameters, typed-array headers); a pooling
 *   layer's list of taps (8 bytes each);
 * - what the command adds: .npy dumps of every layer's output (--dump), the .npy input read.
 * docs/formats.md ("Limits") documents the figures.
 */
import { InputError } from '../errors.js';
import { formatJsonPath } from '../messages/jsonPath.js';
import { formatBytes } from '../messages/bytes.js';
import type { Graph, GraphOp, Tensor } from '../graph/model.js';
import { elementCount } from '../graph/shapes.js';

/** Bytes of one value held as a 32-bit integer, as npusim holds every tensor. */
export const BYTES_PER_VALUE = 4;

/** Bytes of bookkeeping per output channel of an array layer (measured: about 450 on Node 20). */
export const BYTES_PER_OUTPUT_CHANNEL = 512;

export interface MemoryEstimate {
  readonly totalBytes: number;
  /** Constants, inputs and op outputs as 32-bit integers. */
  readonly tensorBytes: number;
  /** The activations a headroom rerun holds beside the first pass's. */
  readonly rerunBytes: number;
  readonly workingSetBytes: number;
  /** The layer whose working set is largest. */
  readonly workingSetLayer: string | undefined;
  /** --dump and --input files. */
  readonly extraBytes: number;
  /** The largest tensor, which the message names. */
  readonly largest: { readonly name: string; readonly bytes: number } | undefined;
}

export interface RunExtras {
  /** Every layer's output is also written as .npy (run --dump). */
  readonly dumps?: boolean;
  /** The first graph input comes from a .npy file (run --input FILE). */
  readonly npyInput?: boolean;
}

function valueBytes(tensor: Tensor): number {
  return elementCount(tensor.shape) * BYTES_PER_VALUE;
}

/** Bytes of one element in a .npy file (int8 for 4 and 8 bits, int16 or uint16 for 16). */
function npyElementBytes(tensor: Tensor): number {
  return Math.max(1, Math.ceil(tensor.type.bits / 8));
}

function workingSet(op: GraphOp, graph: Graph): number {
  const tensor = (name: string): Tensor | undefined => graph.tensors.get(name);
  switch (op.op) {
    case 'conv2d':
    case 'depthwise_conv2d':
    case 'fully_connected': {
      const input = tensor(op.input);
      const weights = tensor(op.weights);
      const output = tensor(op.output);
      if (input === undefined || weights === undefined || output === undefined) return 0;
      const outChannels = op.op === 'depthwise_conv2d' ? (weights.shape[3] ?? 1) : (weights.shape[0] ?? 1);
      return valueBytes(input) + elementCount(output.shape) * 8 + elementCount(weights.shape) * 8 + outChannels * BYTES_PER_OUTPUT_CHANNEL;
    }
    case 'max_pool':
    case 'avg_pool':
      return op.filter[0] * op.filter[1] * 8;
    case 'global_avg_pool': {
      const input = tensor(op.input);
      return input === undefined ? 0 : (input.shape[1] ?? 1) * (input.shape[2] ?? 1) * 8;
    }
    default:
      return 0;
  }
}

/** What a run of `graph` holds at its peak, as the engine allocates it. */
export function estimateRunMemory(graph: Graph, extras: RunExtras = {}): MemoryEstimate {
  let tensorBytes = 0;
  let activationBytes = 0;
  let largest: { name: string; bytes: number } | undefined;
  const note = (tensor: Tensor, activation: boolean): void => {
    const bytes = valueBytes(tensor);
    tensorBytes += bytes;
    if (activation) activationBytes += bytes;
    if (largest === undefined || bytes > largest.bytes) largest = { name: tensor.name, bytes };
  };
  for (const tensor of graph.tensors.values()) if (tensor.data !== undefined) note(tensor, false);
  for (const name of graph.inputs) {
    const tensor = graph.tensors.get(name);
    if (tensor !== undefined) note(tensor, true);
  }
  let workingSetBytes = 0;
  let workingSetLayer: string | undefined;
  let dumpBytes = 0;
  let arrayLayers = false;
  for (const op of graph.ops) {
    const output = graph.tensors.get(op.output);
    if (output !== undefined && op.op !== 'reshape') note(output, true);
    if (output !== undefined) dumpBytes += elementCount(output.shape) * npyElementBytes(output);
    if ('weights' in op) arrayLayers = true;
    const bytes = workingSet(op, graph);
    if (bytes > workingSetBytes) {
      workingSetBytes = bytes;
      workingSetLayer = op.name;
    }
  }
  const first = graph.tensors.get(graph.inputs[0] ?? '');
  const npyBytes = extras.npyInput === true && first !== undefined ? elementCount(first.shape) * npyElementBytes(first) : 0;
  const extraBytes = (extras.dumps === true ? dumpBytes : 0) + npyBytes;
  const rerunBytes = arrayLayers ? activationBytes : 0;
  return {
    totalBytes: tensorBytes + rerunBytes + workingSetBytes + extraBytes,
    tensorBytes,
    rerunBytes,
    workingSetBytes,
    workingSetLayer,
    extraBytes,
    largest,
  };
}

/** The estimate in words: its total and its parts. */
export function describeEstimate(estimate: MemoryEstimate): string {
  const parts = [
    `tensors ${formatBytes(estimate.tensorBytes)}${estimate.largest === undefined ? '' : ` (the largest "${estimate.largest.name}" ${formatBytes(estimate.largest.bytes)})`}`,
  ];
  if (estimate.rerunBytes > 0) parts.push(`their copy for a headroom rerun ${formatBytes(estimate.rerunBytes)}`);
  if (estimate.workingSetLayer !== undefined)
    parts.push(`layer "${estimate.workingSetLayer}" working ${formatBytes(estimate.workingSetBytes)}`);
  if (estimate.extraBytes > 0) parts.push(`.npy files ${formatBytes(estimate.extraBytes)}`);
  return `about ${formatBytes(estimate.totalBytes)}: ${parts.join(', ')}`;
}

/**
 * Throws InputError naming the largest tensor when a run of `graph` would need more than
 * `limitBytes`; `copies` runs at once (sweep workers) multiply it.
 */
export function checkRunMemory(graph: Graph, limitBytes: number, extras: RunExtras = {}, copies = 1): void {
  const estimate = estimateRunMemory(graph, extras);
  if (estimate.totalBytes * copies <= limitBytes) return;
  const what =
    copies > 1
      ? `${copies} runs at once (one per worker) need ${formatBytes(estimate.totalBytes * copies)}, each ${describeEstimate(estimate)}`
      : `a run needs ${describeEstimate(estimate)}`;
  throw new InputError(
    `${what}; the memory limit is ${formatBytes(limitBytes)} (raise it with --max-memory or NPUSIM_MAX_MEMORY${copies > 1 ? ', or use fewer --jobs' : ''})`,
    graph.file,
    estimate.largest === undefined ? '$' : formatJsonPath(['tensors', estimate.largest.name, 'shape']),
  );
}
