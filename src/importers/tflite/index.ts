/** TFLite models in: read the flatbuffer, map its ops, resolve the graph through the graph file's checks. */
import { basename } from 'node:path';
import { type GraphLoadOptions, resolveGraph } from '../../formats/loadGraph.js';
import { readBoundedFile } from '../../formats/readFile.js';
import type { FloatGraph } from '../../graph/float.js';
import type { Graph } from '../../graph/model.js';
import { importTfliteFloatModel, importTfliteModel, isFloatTfliteModel, type TfliteImport } from './graph.js';
import { MAX_TFLITE_BYTES, parseTfliteModel } from './read.js';

export { isFloatTfliteModel, SUPPORTED_TFLITE_OPS, type TfliteImport } from './graph.js';
export { readTfliteFile } from './read.js';

/** Whether a GRAPH argument names a TFLite model (by its extension). */
export function isTflitePath(file: string): boolean {
  return file.toLowerCase().endsWith('.tflite');
}

function modelName(file: string): string {
  return basename(file).replace(/\.tflite$/i, '');
}

/** The model as a graph file and its sidecar (named `sidecarFile` in the graph's data references). */
export function importTfliteFile(file: string, sidecarFile: string): TfliteImport {
  const bytes = readModelBytes(file);
  const model = parseTfliteModel(bytes, file);
  return importTfliteModel(model, file, { name: modelName(file), sidecarFile, fileBytes: bytes });
}

/** A .tflite file as a resolved graph, checked as a graph file is. */
export function loadTfliteGraph(file: string, options: GraphLoadOptions = {}): Graph {
  const sidecarFile = `${modelName(file)}.weights`;
  const imported = importTfliteFile(file, sidecarFile);
  return resolveGraph(imported.graph, file, { ...options, sidecars: new Map([[sidecarFile, imported.sidecar]]) });
}

function readModelBytes(file: string): Uint8Array {
  return new Uint8Array(readBoundedFile(file, MAX_TFLITE_BYTES, 'a TFLite model (.tflite)'));
}

/** Whether a .tflite file holds a float model (float32 throughout), which the quantization lab reads as it is. */
export function isFloatTfliteFile(file: string): boolean {
  return isFloatTfliteModel(parseTfliteModel(readModelBytes(file), file));
}

/** A float .tflite file as the quantization lab's float model. */
export function loadTfliteFloatModel(file: string): FloatGraph {
  const bytes = readModelBytes(file);
  return importTfliteFloatModel(parseTfliteModel(bytes, file), file, { name: modelName(file), sidecarFile: 'none', fileBytes: bytes });
}
