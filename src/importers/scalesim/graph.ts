/**
 * A SCALE-Sim topology as an npusim graph, one conv2d per row of SCALE-Sim's reports, with seeded
 * int8 weights and calibrated quantization built by the zoo's builder.
 *
 * SCALE-Sim layers are independent (each has its own IFMAP; consecutive rows need not connect), so
 * every op reads its own graph input `<op>.input` and writes its own graph output `<op>.out`.
 * Each op is exactly what SCALE-Sim computes, so MAC counts match its reports:
 * - a conv row is a conv2d with its sizes; SCALE-Sim's rounded-up output size becomes explicit
 *   bottom/right padding (its extra edge windows read nothing past the input);
 * - a "DP" row is already one single-channel layer per channel (the topology reader splits it);
 * - a GEMM row M, N, K is a 1x1 conv2d over an M x 1 input of K channels with N filters.
 */
import type { GraphFile } from '../../formats/graphSchema.js';
import { formatBytes } from '../../formats/readFile.js';
import { windowedOutput } from '../../graph/shapes.js';
import { buildNetwork, type ZooOptions } from '../../zoo/index.js';
import type { Layer, Topology } from '../../zoo/topology.js';
import { outputSize, type ScaleSimLayer, type TopologyInputType } from '../../scalesim/topology.js';

export interface ImportedLayer {
  readonly name: string;
  readonly macs: number;
}

export interface ImportedGraph {
  readonly graph: GraphFile;
  readonly sidecar: Uint8Array;
  readonly layers: readonly ImportedLayer[];
}

/** The zoo's default quantization: W8A8, per-channel weight scales, signed activations, TFLite requantization. */
const QUANTIZATION: Omit<ZooOptions, 'seed' | 'sidecarFile'> = {
  weightBits: 8,
  activationBits: 8,
  perChannel: true,
  signedActivations: true,
  requant: 'tflite-double',
  rounding: 'half-away',
};

/** Each layer gets its own stream of weights, all following from the one seed. */
function layerSeed(seed: number, index: number): number {
  return (seed + Math.imul(index, 0x9e3779b9)) >>> 0;
}

/** Op names are unique in a graph; SCALE-Sim's need not be, so a repeated name gets its LayerID. */
function uniqueNames(layers: readonly ScaleSimLayer[]): string[] {
  const seen = new Set<string>();
  return layers.map((layer, layerId) => {
    const name = seen.has(layer.name) ? `${layer.name}_${layerId}` : layer.name;
    seen.add(name);
    return name;
  });
}

/** One SCALE-Sim layer as a one-layer topology. */
function layerTopology(layer: ScaleSimLayer, name: string, inputType: TopologyInputType): Topology {
  const input = `${name}.input`;
  const output = `${name}.out`;
  if (inputType === 'gemm') {
    // The reader's GEMM form is M x K input, 1 x K filter, 1 channel; here K becomes channels.
    const [m, k, n] = [layer.ifmapHeight, layer.filterWidth, layer.numFilters];
    const conv: Layer = {
      kind: 'conv',
      name,
      input,
      output,
      filters: n,
      kernel: [1, 1],
      stride: [1, 1],
      padding: 'valid',
      activation: 'none',
      depthwise: false,
    };
    return {
      name,
      input,
      output,
      layers: [conv],
      shapes: new Map([
        [input, [1, m, 1, k]],
        [output, [1, m, 1, n]],
      ]),
    };
  }
  const outHeight = outputSize(layer.ifmapHeight, layer.filterHeight, layer.strideHeight);
  const outWidth = outputSize(layer.ifmapWidth, layer.filterWidth, layer.strideWidth);
  const bottom = (outHeight - 1) * layer.strideHeight + layer.filterHeight - layer.ifmapHeight;
  const right = (outWidth - 1) * layer.strideWidth + layer.filterWidth - layer.ifmapWidth;
  const padding = bottom === 0 && right === 0 ? 'valid' : { top: 0, left: 0, bottom, right };
  const kernel: [number, number] = [layer.filterHeight, layer.filterWidth];
  const stride: [number, number] = [layer.strideHeight, layer.strideWidth];
  const window = windowedOutput(layer.ifmapHeight, layer.ifmapWidth, kernel, stride, [1, 1], padding);
  if (window.height !== outHeight || window.width !== outWidth)
    throw new Error(`import of ${name}: output ${window.height}x${window.width}, SCALE-Sim's ${outHeight}x${outWidth}`);
  const conv: Layer = {
    kind: 'conv',
    name,
    input,
    output,
    filters: layer.numFilters,
    kernel,
    stride,
    padding,
    activation: 'none',
    depthwise: false,
  };
  const shapes = new Map([
    [input, [1, layer.ifmapHeight, layer.ifmapWidth, layer.channels]],
    [output, [1, outHeight, outWidth, layer.numFilters]],
  ]);
  return { name, input, output, layers: [conv], shapes };
}

export interface ImportGraphOptions {
  readonly graphName: string;
  readonly description: string;
  readonly inputType: TopologyInputType;
  readonly seed: number;
  /** The sidecar's file name as the graph refers to it (beside the graph). */
  readonly sidecarFile: string;
  /** Hears how many of the layers are built (each is quantized on a seeded calibration input). */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Characters each output channel adds to the graph's JSON at least: its weight scale on a line of
 * its own (the graph is written indented). Measured: about 26.
 */
const MIN_JSON_CHARACTERS_PER_FILTER = 10;

/**
 * The first layer at which the files would certainly pass what npusim reads back (a sidecar of
 * `maxSidecarBytes`, a graph of `maxGraphCharacters`), and why; checked before any layer is built.
 * Lower bounds: int8 weights and s32 biases (the builder may align tensors), one line per channel.
 */
export function importTooLarge(
  layers: readonly ScaleSimLayer[],
  maxSidecarBytes: number,
  maxGraphCharacters: number,
): { index: number; what: string } | undefined {
  let sidecarBytes = 0;
  let graphCharacters = 0;
  for (const [index, layer] of layers.entries()) {
    sidecarBytes += layer.filterHeight * layer.filterWidth * layer.channels * layer.numFilters + 4 * layer.numFilters;
    graphCharacters += MIN_JSON_CHARACTERS_PER_FILTER * layer.numFilters;
    if (sidecarBytes > maxSidecarBytes)
      return {
        index,
        what: `with this layer the weights and biases would pass the ${formatBytes(maxSidecarBytes)} npusim reads from a graph's sidecar`,
      };
    if (graphCharacters > maxGraphCharacters) {
      return {
        index,
        what: `with this layer the graph would pass the ${formatBytes(maxGraphCharacters)} npusim reads back (it takes at least ${MIN_JSON_CHARACTERS_PER_FILTER} characters per filter)`,
      };
    }
  }
  return undefined;
}

export function importScaleSimGraph(layers: readonly ScaleSimLayer[], options: ImportGraphOptions): ImportedGraph {
  const graph: GraphFile = { name: options.graphName, description: options.description, inputs: [], outputs: [], tensors: {}, ops: [] };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const imported: ImportedLayer[] = [];
  const names = uniqueNames(layers);
  options.onProgress?.(0, layers.length);
  layers.forEach((layer, index) => {
    const name = names[index] ?? layer.name;
    const network = buildNetwork(layerTopology(layer, name, options.inputType), {
      ...QUANTIZATION,
      seed: layerSeed(options.seed, index),
      sidecarFile: options.sidecarFile,
    });
    for (const [tensorName, tensor] of Object.entries(network.graph.tensors)) {
      const data = tensor.data;
      // Each layer's sidecar is appended to one file: move its data references along.
      graph.tensors[tensorName] =
        data !== undefined && !Array.isArray(data) ? { ...tensor, data: { ...data, offset: data.offset + offset } } : tensor;
    }
    graph.inputs.push(...network.graph.inputs);
    graph.outputs.push(...network.graph.outputs);
    graph.ops.push(...network.graph.ops);
    chunks.push(network.sidecar);
    offset += network.sidecar.length;
    imported.push({ name, macs: network.totals.macs });
    options.onProgress?.(index + 1, layers.length);
  });
  const sidecar = new Uint8Array(offset);
  let position = 0;
  for (const chunk of chunks) {
    sidecar.set(chunk, position);
    position += chunk.length;
  }
  return { graph, sidecar, layers: imported };
}
