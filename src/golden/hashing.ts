/** SHA-256 digests of files, tensor values and loaded graphs, as golden traces record them. */
import { createHash, type Hash } from 'node:crypto';
import type { Graph } from '../graph/model.js';

export function sha256OfBytes(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Little-endian whatever the machine, so the digest is the same everywhere. */
function int32LittleEndian(values: Int32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((value, index) => view.setInt32(index * 4, value, true));
  return bytes;
}

/** SHA-256 of a tensor's values as int32 little-endian, 4 bytes per element in row-major order. */
export function sha256OfValues(values: Int32Array): string {
  return sha256OfBytes(int32LittleEndian(values));
}

/**
 * SHA-256 of a graph as loaded: its name, inputs, outputs, ops, and every tensor's shape, type,
 * quantization and constant data. It does not depend on how the file was formatted or where the
 * sidecar sits, and it covers zoo networks, which have no file: a change to the zoo builder shows
 * up as a changed input rather than as unexplained moved numbers.
 */
export function sha256OfGraph(graph: Graph): string {
  const hash: Hash = createHash('sha256');
  hash.update(JSON.stringify({ name: graph.name, inputs: graph.inputs, outputs: graph.outputs, ops: graph.ops }));
  for (const [name, tensor] of graph.tensors) {
    hash.update(JSON.stringify({ name, shape: tensor.shape, type: tensor.type, quant: tensor.quant ?? null }));
    if (tensor.data !== undefined) hash.update(int32LittleEndian(tensor.data));
  }
  return hash.digest('hex');
}
