/**
 * The npusim command line. Commands are thin: they parse flags, call the library and print; every
 * user error ends as one line naming the file and what was expected, with exit code 2.
 */
import yargs from 'yargs';
import { InputError } from '../errors.js';
import { DEFAULT_MAX_TILE_EVENTS, TRACE_DETAILS } from '../report/trace.js';
import { runImportScaleSimCommand } from './commands/importScaleSim.js';
import { REPORT_FORMATS, runRunCommand } from './commands/run.js';
import { runSchemaCommand, SCHEMA_NAMES } from './commands/schema.js';
import { runScaleSimCommand, TOPOLOGY_INPUT_TYPES } from './commands/scalesim.js';
import { runScheduleCommand, SCHEDULE_FORMATS } from './commands/schedule.js';
import { runValidateCommand } from './commands/validate.js';
import { runVectorsCommand } from './commands/vectors.js';
import { runZooCommand } from './commands/zoo.js';
import { runCheckCommand } from './commands/check.js';
import { runDiffCommand } from './commands/diff.js';
import { runGoldenCommand } from './commands/golden.js';
import { DEFAULT_LINE_LIMIT } from '../golden/printDiff.js';
import { runSweepCommand } from './commands/sweep.js';
import { runMergeCommand } from './commands/merge.js';
import { ZOO_NAMES } from '../zoo/index.js';
import { REQUANT_MODES, ROUNDING_MODES } from '../numeric/index.js';
import { type CliIO, EXIT_BAD_INPUT, paint, processIO } from './io.js';

/** A command line yargs rejected (unknown command or flag, a value outside its choices). */
class UsageError extends Error {}

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode = 0;
  const parser = yargs([...argv])
    .scriptName('npusim')
    .usage('$0 <command> [options]')
    .command(
      'vectors <files..>',
      'check conformance vector files (JSON Lines) against the numeric core',
      (command) =>
        command
          .positional('files', { type: 'string', array: true, demandOption: true, describe: 'vector files (.jsonl)' })
          .option('max-failures', { type: 'number', default: 10, describe: 'how many failures to print in full' }),
      async (args) => {
        exitCode = await runVectorsCommand({ files: args.files, maxFailures: args['max-failures'] }, io);
      },
    )
    .command(
      'run <graph>',
      'simulate a graph on a hardware config: exact values, cycles, energy and overflow per layer',
      (command) =>
        command
          .positional('graph', { type: 'string', demandOption: true, describe: 'graph file, or zoo:NAME for a zoo network built in memory' })
          .option('hw', { type: 'string', demandOption: true, describe: 'hardware config' })
          .option('format', { choices: REPORT_FORMATS, default: 'table' as const, describe: 'report format' })
          .option('out', { type: 'string', describe: 'write the report to this file instead of the terminal' })
          .option('input', { type: 'string', describe: 'the graph input: a .npy file, or a whole-number seed for random values (default 1)' })
          .option('dump', { type: 'string', describe: "write every layer's exact output to this folder as <layer>.npy" })
          .option('trace', { type: 'string', describe: 'write the timeline as Chrome trace event JSON (opens in ui.perfetto.dev)' })
          .option('trace-detail', { choices: TRACE_DETAILS, default: 'tile' as const, describe: 'slices per layer, or per tile inside each layer' })
          .option('trace-max-events', { type: 'number', default: DEFAULT_MAX_TILE_EVENTS, describe: 'cap on tile slices in the trace; beyond it tiles are drawn in runs' })
          .option('force', { type: 'boolean', default: false, describe: 'overwrite --out and --dump files' }),
      (args) => {
        exitCode = runRunCommand(
          { graph: args.graph, hardware: args.hw, format: args.format, out: args.out, input: args.input, dump: args.dump, trace: args.trace, traceDetail: args['trace-detail'], traceMaxEvents: args['trace-max-events'], force: args.force },
          io,
        );
      },
    )
    .command(
      'schedule <graph>',
      'print the lowered schedule of a graph on a hardware config (mapping, folds, tiles, traffic, cycles) without computing values',
      (command) =>
        command
          .positional('graph', { type: 'string', demandOption: true, describe: 'graph file, or zoo:NAME for a zoo network built in memory' })
          .option('hw', { type: 'string', demandOption: true, describe: 'hardware config' })
          .option('format', { choices: SCHEDULE_FORMATS, default: 'table' as const, describe: 'table, or the schedule as JSON' })
          .option('out', { type: 'string', describe: 'write to this file instead of the terminal' })
          .option('force', { type: 'boolean', default: false, describe: 'overwrite --out' }),
      (args) => {
        exitCode = runScheduleCommand({ graph: args.graph, hardware: args.hw, format: args.format, out: args.out, force: args.force }, io);
      },
    )
    .command(
      'scalesim',
      "SCALE-Sim v2 compatible run: a .cfg and a topology CSV in, SCALE-Sim's three reports out in <out>/<run_name>/ (SCALE-Sim's -c -t -p -i work too)",
      (command) =>
        command
          .option('config', { alias: 'c', type: 'string', demandOption: true, describe: 'SCALE-Sim .cfg file' })
          .option('topology', { alias: 't', type: 'string', demandOption: true, describe: 'SCALE-Sim topology CSV' })
          .option('input-type', { alias: 'i', choices: TOPOLOGY_INPUT_TYPES, default: 'conv' as const, describe: 'conv rows, or gemm rows (name, M, N, K)' })
          .option('out', { alias: 'p', type: 'string', demandOption: true, describe: 'folder the <run_name>/ report folder goes in' })
          .option('force', { type: 'boolean', default: false, describe: 'overwrite existing report files' }),
      (args) => {
        exitCode = runScaleSimCommand({ config: args.config, topology: args.topology, inputType: args['input-type'], out: args.out, force: args.force }, io);
      },
    )
    .command(
      'import <source>',
      'write a graph and a hardware config from another simulator\'s inputs (scalesim: a SCALE-Sim .cfg and topology CSV, with SCALE-Sim timing)',
      (command) =>
        command
          .positional('source', { choices: ['scalesim'] as const, demandOption: true, describe: 'what to import from' })
          .option('config', { alias: 'c', type: 'string', demandOption: true, describe: 'SCALE-Sim .cfg file' })
          .option('topology', { alias: 't', type: 'string', demandOption: true, describe: 'SCALE-Sim topology CSV' })
          .option('input-type', { alias: 'i', choices: TOPOLOGY_INPUT_TYPES, default: 'conv' as const, describe: 'conv rows, or gemm rows (name, M, N, K)' })
          .option('out-graph', { type: 'string', demandOption: true, describe: 'graph file to write (.json); the weights go to the .bin beside it' })
          .option('out-hw', { type: 'string', demandOption: true, describe: 'hardware config to write (.json)' })
          .option('seed', { type: 'number', default: 1, describe: 'seed of the weights and the calibration inputs' })
          .option('force', { type: 'boolean', default: false, describe: 'overwrite existing files' }),
      (args) => {
        exitCode = runImportScaleSimCommand(
          { config: args.config, topology: args.topology, inputType: args['input-type'], outGraph: args['out-graph'], outHardware: args['out-hw'], seed: args.seed, force: args.force },
          io,
        );
      },
    )
    .command(
      'validate <files..>',
      'check hardware configs, graphs and energy tables, and say what is wrong',
      (command) =>
        command
          .positional('files', { type: 'string', array: true, demandOption: true, describe: 'JSON files' })
          .option('hw', { type: 'string', describe: 'also check that each graph runs on this hardware config' }),
      (args) => {
        exitCode = runValidateCommand({ files: args.files, hardware: args.hw }, io);
      },
    )
    .command(
      'schema <kind>',
      'print the JSON Schema of an input file kind (hardware, graph, energy) or of the JSON report',
      (command) => command.positional('kind', { choices: SCHEMA_NAMES, demandOption: true, describe: 'which schema' }),
      (args) => {
        exitCode = runSchemaCommand(args.kind, io);
      },
    )
    .command(
      'zoo <name>',
      'write a real network (real layer shapes, seeded weights, calibrated quantization) as a graph and its sidecar',
      (command) =>
        command
          .positional('name', { choices: ZOO_NAMES, demandOption: true, describe: 'network' })
          .option('out', { type: 'string', demandOption: true, describe: 'graph file to write (.json); the weights go to the .bin beside it' })
          .option('seed', { type: 'number', default: 1, describe: 'seed of the weights and the calibration input' })
          .option('weight-bits', { choices: [4, 8, 16] as const, default: 8 as const, describe: 'weight width' })
          .option('activation-bits', { choices: [4, 8, 16] as const, default: 8 as const, describe: 'activation width' })
          .option('per-channel', { type: 'boolean', default: true, describe: 'per-channel weight scales (--per-tensor for one scale a tensor)' })
          .option('per-tensor', { type: 'boolean', default: false, describe: 'one weight scale per tensor' })
          .option('signed', { type: 'boolean', default: true, describe: 'signed activations (--unsigned for unsigned)' })
          .option('unsigned', { type: 'boolean', default: false, describe: 'unsigned activations' })
          .option('requant', { choices: REQUANT_MODES, default: 'tflite-double' as const, describe: 'requantization the graph is prepared for: shift-only writes dynamic fixed point' })
          .option('rounding', { choices: ROUNDING_MODES, default: 'half-away' as const, describe: 'rounding of float weights and biases to integers' })
          .option('force', { type: 'boolean', default: false, describe: 'overwrite existing files' })
          .check((argv) => {
            if (!Number.isSafeInteger(argv.seed) || argv.seed < 0) throw new UsageError('--seed must be a non-negative whole number');
            return true;
          }),
      (args) => {
        exitCode = runZooCommand(
          {
            name: args.name,
            out: args.out,
            seed: args.seed,
            weightBits: args['weight-bits'],
            activationBits: args['activation-bits'],
            perChannel: args['per-tensor'] ? false : args['per-channel'],
            signedActivations: args.unsigned ? false : args.signed,
            requant: args.requant,
            rounding: args.rounding,
            force: args.force,
          },
          io,
        );
      },
    )
    .command(
      'golden <graph>',
      'run once and write a golden trace: what was run (graph, config with its hash and content, seed) and what came out, for `npusim check`',
      (command) =>
        command
          .positional('graph', { type: 'string', demandOption: true, describe: 'graph file, or zoo:NAME for a zoo network built in memory' })
          .option('hw', { type: 'string', demandOption: true, describe: 'hardware config' })
          .option('input', { type: 'string', describe: 'a whole-number seed for the random input (default 1)' })
          .option('out', { type: 'string', demandOption: true, describe: 'golden file to write, e.g. traces/NAME.json' })
          .option('root', { type: 'string', default: '.', describe: 'folder the recorded paths are relative to (your repository)' })
          .option('force', { type: 'boolean', default: false, describe: 'overwrite --out' }),
      (args) => {
        exitCode = runGoldenCommand({ graph: args.graph, hardware: args.hw, input: args.input, out: args.out, root: args.root, force: args.force }, io);
      },
    )
    .command(
      'check <traces..>',
      're-run golden traces and compare: integers exactly, energies within a relative 1e-9; exit 1 with a diff when any differ',
      (command) =>
        command
          .positional('traces', { type: 'string', array: true, demandOption: true, describe: 'golden trace files (.json)' })
          .option('update', { type: 'boolean', default: false, describe: 'rewrite the goldens that differ, printing what changed' })
          .option('limit', { type: 'number', default: DEFAULT_LINE_LIMIT, describe: 'moved numbers printed per golden (0: all)' })
          .check((argv) => {
            if (!Number.isSafeInteger(argv.limit) || argv.limit < 0) throw new UsageError('--limit must be a non-negative whole number');
            return true;
          }),
      (args) => {
        exitCode = runCheckCommand({ files: args.traces, update: args.update, limit: args.limit }, io);
      },
    )
    .command(
      'diff <old> <new>',
      'compare two JSON reports (`run --format json`) or two goldens: the inputs that differ, then the numbers that moved; exit 1 when they differ',
      (command) =>
        command
          .positional('old', { type: 'string', demandOption: true, describe: 'the earlier report' })
          .positional('new', { type: 'string', demandOption: true, describe: 'the later report' })
          .option('limit', { type: 'number', default: DEFAULT_LINE_LIMIT, describe: 'moved numbers printed (0: all)' })
          .check((argv) => {
            if (!Number.isSafeInteger(argv.limit) || argv.limit < 0) throw new UsageError('--limit must be a non-negative whole number');
            return true;
          }),
      (args) => {
        exitCode = runDiffCommand({ old: args.old, new: args.new, limit: args.limit }, io);
      },
    )
    .command(
      'sweep [graph]',
      'sweep hardware config fields (and a zoo network\'s quantization): every point\'s cycles, energy and overflow in one CSV or JSONL file, with its Pareto front',
      (command) =>
        command
          .positional('graph', { type: 'string', describe: 'graph file, or zoo:NAME for a zoo network built in memory' })
          .option('zoo', { choices: ZOO_NAMES, describe: 'the zoo network to sweep (instead of GRAPH); quant.* paths set its quantization' })
          .option('hw', { type: 'string', demandOption: true, describe: 'the base hardware config' })
          .option('set', { type: 'string', array: true, default: [] as string[], describe: 'PATH=V1,V2,... or PATH=FROM..TO:STEP (repeat for each parameter), e.g. array.rows=8,16,32' })
          .option('zip', { type: 'boolean', default: false, describe: 'pair the i-th values of every --set instead of the cartesian product' })
          .option('timing-only', { type: 'boolean', default: false, describe: 'cycles and energy from the schedule alone: no values, no overflow columns' })
          .option('out', { type: 'string', demandOption: true, describe: 'the results file: .csv or .jsonl' })
          .option('jobs', { type: 'number', describe: 'worker threads (default: the number of cores)' })
          .option('resume', { type: 'boolean', default: false, describe: 'continue the sweep in --out, skipping the points it has' })
          .option('shard', { type: 'string', describe: 'run shard I of N (I/N, 1-based), or auto/N from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX' })
          .option('force', { type: 'boolean', default: false, describe: 'overwrite --out' }),
      async (args) => {
        exitCode = await runSweepCommand(
          {
            graph: args.graph,
            zoo: args.zoo,
            hardware: args.hw,
            sets: args.set,
            zip: args.zip,
            timingOnly: args['timing-only'],
            out: args.out,
            jobs: args.jobs,
            resume: args.resume,
            force: args.force,
            shard: args.shard,
            progress: process.stderr.isTTY === true && io.colour ? 'bar' : 'lines',
          },
          io,
        );
      },
    )
    .command(
      'merge <files..>',
      'join the shards of a sweep into the file one unsharded run writes',
      (command) =>
        command
          .positional('files', { type: 'string', array: true, demandOption: true, describe: 'sweep files (.csv or .jsonl) of one sweep' })
          .option('out', { type: 'string', demandOption: true, describe: 'the merged file' })
          .option('force', { type: 'boolean', default: false, describe: 'overwrite --out' }),
      (args) => {
        exitCode = runMergeCommand({ files: args.files, out: args.out, force: args.force }, io);
      },
    )
    .demandCommand(1, 'name a command')
    .strict()
    .help()
    .version()
    .exitProcess(false)
    .fail((message, error) => {
      // A check's own UsageError is a usage error; anything else thrown (InputError, a bug) keeps its kind.
      if (error instanceof UsageError) throw error;
      if (error !== undefined && error !== null) throw error;
      // Stop here: without a throw yargs would go on and run the command with the bad values.
      throw new UsageError(message);
    });
  try {
    // --help and --version print through this callback; errors end in the catch below.
    await parser.parseAsync(argv as string[], {}, (_error, _parsed, output) => {
      if (output !== '') io.stdout(`${output}\n`);
    });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${paint(io).red('error')}: ${error.message}\nRun \`npusim --help\` for usage.\n`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof InputError) {
      io.stderr(`${paint(io).red('error')}: ${error.describe()}\n`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }
  return exitCode;
}

export async function runFromProcess(): Promise<void> {
  const io = processIO();
  try {
    process.exitCode = await main(process.argv.slice(2), io);
  } catch (error) {
    io.stderr(`npusim: internal error (please report it): ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 70;
  }
}
