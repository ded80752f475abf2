/**
 * The FLOAT_MODEL argument of the lab commands: a float ONNX or TFLite model, `zoo:mnist_cnn` or
 * `zoo:fashion_cnn`, or any quantized model npusim reads (a graph file, .tflite, quantized .onnx,
 * `zoo:NAME`) dequantized back to float.
 */
import { dirname, isAbsolute, join } from 'node:path';
import { dequantizeGraph } from '../float/index.js';
import type { FloatGraph } from '../graph/float.js';
import { isFloatOnnxFile, isOnnxFile, loadOnnxFloatModel } from '../importers/onnx/index.js';
import { isFloatTfliteFile, isTflitePath, loadTfliteFloatModel } from '../importers/tflite/index.js';
import { loadGraphArgument } from '../pipeline/index.js';
import { floatZooModelFile, isFloatZooName } from '../zoo/index.js';

export function loadFloatModel(argument: string): FloatGraph {
  if (argument.startsWith('zoo:')) {
    const name = argument.slice('zoo:'.length);
    if (isFloatZooName(name)) return { ...loadOnnxFloatModel(floatZooModelFile(name)), name };
  }
  if (isOnnxFile(argument) && isFloatOnnxFile(argument)) return loadOnnxFloatModel(argument);
  if (isTflitePath(argument) && isFloatTfliteFile(argument)) return loadTfliteFloatModel(argument);
  return dequantizeGraph(loadGraphArgument(argument));
}

/** A graph's `quantizedFrom.model` as a FLOAT_MODEL argument: zoo names as they are, paths from the graph's folder. */
export function floatModelOf(reference: string, graphFile: string): string {
  if (reference.startsWith('zoo:') || isAbsolute(reference)) return reference;
  return join(dirname(graphFile), reference);
}
