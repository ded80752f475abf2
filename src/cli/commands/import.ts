/**
 * `npusim import SOURCE ...`: other tools' files as npusim files. `scalesim` takes a SCALE-Sim .cfg and
 * topology CSV (graph and hardware config, SCALE-Sim timing); `tflite` takes a TFLite model and `onnx` a
 * quantized ONNX model, QOperator or QDQ (graph).
 */
import { defineCommand } from '../command.js';
import { forceOption, seedOption, stringOption } from '../options.js';
import { UsageError } from '../usage.js';
import { runImportOnnxCommand } from './importOnnx.js';
import { runImportScaleSimCommand } from './importScaleSim.js';
import { runImportTfliteCommand } from './importTflite.js';
import { TOPOLOGY_INPUT_TYPES } from './scalesim.js';

function need(value: string | undefined, flag: string, source: string): string {
  if (value === undefined) throw new UsageError(`Missing required argument: ${flag} (import ${source})`);
  return value;
}

export const importCommand = defineCommand({
  command: 'import <source> [model]',
  describe:
    "write npusim files from another tool's: scalesim (a SCALE-Sim .cfg and topology CSV: graph and hardware config, SCALE-Sim timing), tflite (a .tflite model: graph), onnx (a quantized .onnx model, QOperator or QDQ: graph)",
  builder: (parser) =>
    parser
      .positional('source', { choices: ['scalesim', 'tflite', 'onnx'] as const, demandOption: true, describe: 'what to import from' })
      .positional('model', { type: 'string', describe: 'tflite, onnx: the model (.tflite, .onnx)' })
      .option('config', { ...stringOption('config', 'scalesim: SCALE-Sim .cfg file'), alias: 'c' })
      .option('topology', { ...stringOption('topology', 'scalesim: SCALE-Sim topology CSV'), alias: 't' })
      .option('input-type', {
        alias: 'i',
        choices: TOPOLOGY_INPUT_TYPES,
        default: 'conv' as const,
        describe: 'scalesim: conv rows, or gemm rows (name, M, N, K)',
      })
      .option('out-graph', stringOption('out-graph', 'scalesim: graph file to write (.json); the weights go to the .bin beside it'))
      .option('out-hw', stringOption('out-hw', 'scalesim: hardware config to write (.json)'))
      .option('out', stringOption('out', 'tflite, onnx: graph file to write (.json); the weights go to the .bin beside it'))
      .option('seed', seedOption('scalesim: seed of the weights and the calibration inputs'))
      .option('force', forceOption),
  run: (args, io) => {
    if (args.source === 'onnx') {
      return runImportOnnxCommand({ model: need(args.model, 'MODEL', 'onnx'), out: need(args.out, 'out', 'onnx'), force: args.force }, io);
    }
    if (args.source === 'tflite') {
      return runImportTfliteCommand(
        { model: need(args.model, 'MODEL', 'tflite'), out: need(args.out, 'out', 'tflite'), force: args.force },
        io,
      );
    }
    if (args.model !== undefined)
      throw new UsageError(`import scalesim takes no positional model (got "${args.model}"); give -c CFG and -t CSV`);
    return runImportScaleSimCommand(
      {
        config: need(args.config, 'config', 'scalesim'),
        topology: need(args.topology, 'topology', 'scalesim'),
        inputType: args.inputType,
        outGraph: need(args.outGraph, 'out-graph', 'scalesim'),
        outHardware: need(args.outHw, 'out-hw', 'scalesim'),
        seed: args.seed,
        force: args.force,
      },
      io,
    );
  },
});
