/**
 * ONNX models (QOperator and QDQ, as onnxruntime's quantizer writes them) as npusim graphs: the
 * same resolved Graph a graph file gives, with the weights in a sidecar, checked as any graph is.
 */
import { basename } from 'node:path';
import { type GraphLoadOptions, resolveGraph } from '../../formats/loadGraph.js';
import type { GraphFile } from '../../formats/graphSchema.js';
import type { Graph } from '../../graph/model.js';
import type { FloatGraph } from '../../graph/float.js';
import { isFloatOnnx, translateFloatModel } from './float.js';
import { parseOnnx } from './model.js';
import { readOnnxBytes } from './proto.js';
import { quantizedModel } from './quantized.js';
import { translateModel } from './translate.js';

export { nchwToNhwc, nhwcToNchw } from './layout.js';
export { FLOAT_ONNX_OPS } from './float.js';
export { QDQ_OPS, QOPERATOR_OPS } from './supported.js';

export interface ImportedOnnx {
  /** The graph as `npusim import onnx` writes it (data in the sidecar). */
  readonly file: GraphFile;
  readonly sidecar: Uint8Array;
  readonly sidecarFile: string;
  readonly form: 'QOperator' | 'QDQ' | 'QOperator and QDQ';
  /** The resolved graph (checked as a graph file is; `graph.source` gives every tensor in the model's terms). */
  readonly graph: Graph;
}

/** Whether a GRAPH argument names an ONNX model. */
export function isOnnxFile(file: string): boolean {
  return /\.onnx$/i.test(file);
}

/** Imports an ONNX model from its bytes; `sidecarFile` is the name the graph's data references give. */
export function importOnnx(bytes: Uint8Array, file: string, sidecarFile: string, options: GraphLoadOptions = {}): ImportedOnnx {
  const onnx = parseOnnx(bytes, file);
  const model = quantizedModel(onnx);
  const translated = translateModel(onnx, model, sidecarFile);
  const resolved = resolveGraph(translated.graph, file, { ...options, sidecars: new Map([[sidecarFile, translated.sidecar]]) });
  return {
    file: translated.graph,
    sidecar: translated.sidecar,
    sidecarFile,
    form: model.form,
    graph: { ...resolved, sourceFiles: [file] },
  };
}

/** An .onnx file as a resolved graph (run, schedule, golden, sweep and validate --hw take one directly). */
export function loadOnnxGraph(file: string, options: GraphLoadOptions = {}): Graph {
  return importOnnx(readOnnxBytes(file), file, `${basename(file)}.bin`, options).graph;
}

/** Reads an .onnx file for `npusim import onnx`: the graph with its data in `sidecarFile`. */
export function importOnnxFile(file: string, sidecarFile: string, options: GraphLoadOptions = {}): ImportedOnnx {
  return importOnnx(readOnnxBytes(file), file, sidecarFile, options);
}

/** Whether an .onnx file is a float model (no quantization op), for the lab's model loader. */
export function isFloatOnnxFile(file: string): boolean {
  return isFloatOnnx(parseOnnx(readOnnxBytes(file), file));
}

/** A float .onnx file as npusim's float model. */
export function loadOnnxFloatModel(file: string): FloatGraph {
  return translateFloatModel(parseOnnx(readOnnxBytes(file), file));
}

/** A float ONNX model from its bytes. */
export function importOnnxFloat(bytes: Uint8Array, file: string): FloatGraph {
  return translateFloatModel(parseOnnx(bytes, file));
}
