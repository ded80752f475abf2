/** The GRAPH argument of `run` and `schedule`: a graph file, or `zoo:NAME` for a zoo network built in memory. */
import { InputError } from '../errors.js';
import { graphSchema } from '../formats/graphSchema.js';
import { type GraphLoadOptions, loadGraphFile, resolveGraph } from '../formats/loadGraph.js';
import { decodeElements } from '../formats/sidecar.js';
import type { Graph } from '../graph/model.js';
import { buildZooNetwork, ZOO_NAMES, type ZooName, type ZooOptions } from '../zoo/index.js';

/** The quantization choices of a zoo network built for `run zoo:NAME` (`npusim zoo`'s defaults). */
export const DEFAULT_ZOO_QUANT: Omit<ZooOptions, 'sidecarFile'> = {
  seed: 1, weightBits: 8, activationBits: 8, perChannel: true, signedActivations: true, requant: 'tflite-double', rounding: 'half-away',
};

/** A zoo network built in memory: its sidecar bytes are decoded straight into the tensors. */
export function zooGraph(name: string, quant: Omit<ZooOptions, 'sidecarFile'> = DEFAULT_ZOO_QUANT): Graph {
  if (!(ZOO_NAMES as readonly string[]).includes(name)) {
    throw new InputError(`no zoo network "${name}"; the zoo has ${ZOO_NAMES.join(', ')}`, `zoo:${name}`);
  }
  const network = buildZooNetwork(name as ZooName, { ...quant, sidecarFile: 'memory' });
  const file = graphSchema.parse(network.graph);
  // Inline the sidecar so the graph needs no file on disk.
  for (const tensor of Object.values(file.tensors)) {
    if (tensor.data !== undefined && !Array.isArray(tensor.data)) {
      const type = { name: tensor.type, bits: Number(tensor.type.slice(1)), signed: tensor.type.startsWith('s') };
      const count = tensor.shape.reduce((a, b) => a * b, 1);
      const start = tensor.data.offset;
      tensor.data = Array.from(decodeElements(network.sidecar.subarray(start), type, count));
    }
  }
  return { ...resolveGraph(file, `zoo:${name}`), sourceFiles: [] };
}


/** The files a GRAPH argument names before it is read (none for a zoo network). */
export function graphArgumentFiles(argument: string): string[] {
  return argument.startsWith('zoo:') ? [] : [argument];
}

/** Reads a GRAPH argument; `options.maxMemoryBytes` bounds what its constants may take. */
export function loadGraphArgument(argument: string, options: GraphLoadOptions = {}): Graph {
  return argument.startsWith('zoo:') ? zooGraph(argument.slice('zoo:'.length)) : loadGraphFile(argument, options);
}
