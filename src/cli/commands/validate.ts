/** `npusim validate FILE... [--hw CONFIG]`: checks hardware configs, graphs and energy tables. */
import { checkRunMemory } from '../../engine/memory.js';
import { DEFAULT_MAX_MEMORY_BYTES } from '../../formats/bounds.js';
import { checkAndLower } from '../../pipeline/index.js';
import { loadAnyFile } from '../../formats/loadAny.js';
import { isOnnxFile, loadOnnxGraph } from '../../importers/onnx/index.js';
import { isTflitePath, loadTfliteGraph } from '../../importers/tflite/index.js';
import { loadHardwareFile } from '../../formats/loadHardware.js';
import { opMacs } from '../../graph/model.js';
import { defineCommand } from '../command.js';
import { type CliIO, EXIT_OK, paint } from '../io.js';
import { maxMemoryOf, maxMemoryOption, required, stringOption } from '../options.js';

export interface ValidateOptions {
  readonly files: readonly string[];
  readonly hardware: string | undefined;
  /** The memory limit: graphs' constants, and with --hw what a run of each graph needs. */
  readonly maxMemoryBytes?: number;
}

function millions(count: number): string {
  if (count >= 1e9) return `${(count / 1e9).toFixed(2)}G`;
  return count >= 1e6 ? `${(count / 1e6).toFixed(1)}M` : String(count);
}

export function runValidateCommand(options: ValidateOptions, io: CliIO): number {
  const colour = paint(io);
  const maxMemoryBytes = options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES;
  const hardware = options.hardware === undefined ? undefined : loadHardwareFile(options.hardware);
  for (const file of options.files) {
    const loaded: ReturnType<typeof loadAnyFile> = isTflitePath(file)
      ? { kind: 'graph', graph: loadTfliteGraph(file, { maxMemoryBytes }) }
      : isOnnxFile(file)
        ? { kind: 'graph', graph: loadOnnxGraph(file, { maxMemoryBytes }) }
        : loadAnyFile(file, { maxMemoryBytes });
    let summary: string;
    if (loaded.kind === 'graph') {
      const { graph } = loaded;
      if (hardware !== undefined) {
        checkAndLower(graph, hardware);
        checkRunMemory(graph, maxMemoryBytes);
      }
      const macs = graph.ops.reduce((total, op) => total + opMacs(op, graph.tensors), 0);
      const parameters = [...graph.tensors.values()].reduce((total, tensor) => total + (tensor.data?.length ?? 0), 0);
      summary = `graph "${graph.name}": ${graph.ops.length} ops, ${millions(macs)} MACs${macs >= 1e6 ? ` (${macs})` : ''}, ${millions(parameters)} parameters${hardware === undefined ? '' : `, runs on ${hardware.name}`}`;
    } else if (loaded.kind === 'hardware') {
      const machine = loaded.hardware;
      summary = `hardware "${machine.name}": ${machine.array.rows}x${machine.array.columns} ${machine.array.dataflow}, ${machine.accumulator.bits}-bit ${machine.accumulator.overflow} accumulators, ${machine.requant.mode} requantization, energy table "${machine.energy.name}"`;
    } else {
      summary = `energy table "${loaded.table.name}": ${loaded.table.prices.size} priced actions`;
    }
    io.stdout(`${colour.green('valid')} ${file}: ${summary}\n`);
  }
  return EXIT_OK;
}

export const validateCommand = defineCommand({
  command: 'validate <files..>',
  describe: 'check hardware configs, graphs and energy tables, and say what is wrong',
  builder: (parser) =>
    parser
      .positional('files', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'JSON files, or TFLite (.tflite) and ONNX (.onnx) models as graphs',
      })
      .option('hw', stringOption('hw', 'also check that each graph runs on this hardware config'))
      .option('max-memory', maxMemoryOption),
  run: (args, io) =>
    runValidateCommand({ files: required(args.files, 'FILE'), hardware: args.hw, maxMemoryBytes: maxMemoryOf(args.maxMemory) }, io),
});
