/** The GRAPH argument of `run` and `schedule`: a graph file, a TFLite model, or `zoo:NAME` for a zoo network built in memory. */
import { type GraphLoadOptions, loadGraphFile } from '../formats/loadGraph.js';
import type { Graph } from '../graph/model.js';
import { isOnnxFile, loadOnnxGraph } from '../importers/onnx/index.js';
import { isTflitePath, loadTfliteGraph } from '../importers/tflite/index.js';
import { zooGraph } from '../zoo/index.js';

/** The files a GRAPH argument names before it is read (none for a zoo network). */
export function graphArgumentFiles(argument: string): string[] {
  return argument.startsWith('zoo:') ? [] : [argument];
}

/** Reads a GRAPH argument; `options.maxMemoryBytes` bounds what its constants may take. */
export function loadGraphArgument(argument: string, options: GraphLoadOptions = {}): Graph {
  if (argument.startsWith('zoo:')) return zooGraph(argument.slice('zoo:'.length));
  if (isOnnxFile(argument)) return loadOnnxGraph(argument, options);
  return isTflitePath(argument) ? loadTfliteGraph(argument, options) : loadGraphFile(argument, options);
}
