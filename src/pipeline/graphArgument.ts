/** The GRAPH argument of `run` and `schedule`: a graph file, a TFLite model, or `zoo:NAME` for a zoo network built in memory. */
import { type GraphLoadOptions, loadGraphFile } from '../formats/loadGraph.js';
import type { Graph } from '../graph/model.js';
import { isOnnxFile, loadOnnxGraph } from '../importers/onnx/index.js';
import { isTflitePath, loadTfliteGraph } from '../importers/tflite/index.js';
import { isRealZooName, realZooModelFile, zooGraph } from '../zoo/index.js';

/** The files a GRAPH argument names before it is read (none for a seeded zoo network; a real one's vendored model). */
export function graphArgumentFiles(argument: string): string[] {
  if (!argument.startsWith('zoo:')) return [argument];
  const name = argument.slice('zoo:'.length);
  return isRealZooName(name) ? [realZooModelFile(name)] : [];
}

/** Reads a GRAPH argument; `options.maxMemoryBytes` bounds what its constants may take. */
export function loadGraphArgument(argument: string, options: GraphLoadOptions = {}): Graph {
  if (argument.startsWith('zoo:')) {
    const name = argument.slice('zoo:'.length);
    return isRealZooName(name) ? loadTfliteGraph(realZooModelFile(name), options) : zooGraph(name);
  }
  if (isOnnxFile(argument)) return loadOnnxGraph(argument, options);
  return isTflitePath(argument) ? loadTfliteGraph(argument, options) : loadGraphFile(argument, options);
}
