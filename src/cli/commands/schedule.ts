/** `npusim schedule GRAPH --hw CONFIG`: the lowered schedule (mapping, folds, tiles, traffic, cycles), no values computed. */
import { loadHardwareFile } from '../../formats/loadHardware.js';
import { scheduleJson, scheduleTable } from '../../report/schedule.js';
import { defineCommand } from '../command.js';
import { checkAndLower, graphArgumentFiles, loadGraphArgument } from '../../pipeline/index.js';
import { type CliIO, EXIT_OK, paint } from '../io.js';
import { forceOption, GRAPH_DESCRIPTION, hardwareOption, maxMemoryOf, maxMemoryOption, required, stringOption } from '../options.js';
import { OutputPlan, writeAll } from '../outputs.js';

export const SCHEDULE_FORMATS = ['table', 'json'] as const;

export interface ScheduleOptions {
  readonly graph: string;
  readonly hardware: string;
  readonly format: (typeof SCHEDULE_FORMATS)[number];
  readonly out: string | undefined;
  readonly force: boolean;
  /** The memory limit for the graph's constants (a schedule computes no values). */
  readonly maxMemoryBytes?: number;
}

export function runScheduleCommand(options: ScheduleOptions, io: CliIO): number {
  const plan = new OutputPlan(options.force).addInputs([...graphArgumentFiles(options.graph), options.hardware]);
  const out = plan.optionalFile(options.out, '--out');
  const hardware = loadHardwareFile(options.hardware);
  const graph = loadGraphArgument(options.graph, {
    ...(options.maxMemoryBytes === undefined ? {} : { maxMemoryBytes: options.maxMemoryBytes }),
  });
  plan.addInputs(graph.sourceFiles, `a file of graph ${graph.name}`).addInputs([hardware.energy.file], 'the energy table of this run');
  const schedule = checkAndLower(graph, hardware);
  const text =
    options.format === 'json' ? scheduleJson(schedule) : scheduleTable(schedule, paint(out === undefined ? io : { ...io, colour: false }));
  if (out === undefined) io.stdout(text);
  else {
    writeAll(plan, [[out, text]]);
    io.stdout(`wrote ${out}\n`);
  }
  return EXIT_OK;
}

export const scheduleCommand = defineCommand({
  command: 'schedule <graph>',
  describe: 'print the lowered schedule of a graph on a hardware config (mapping, folds, tiles, traffic, cycles) without computing values',
  builder: (parser) =>
    parser
      .positional('graph', { type: 'string', demandOption: true, describe: GRAPH_DESCRIPTION })
      .option('hw', hardwareOption)
      .option('format', { choices: SCHEDULE_FORMATS, default: 'table' as const, describe: 'table, or the schedule as JSON (with totals)' })
      .option('out', stringOption('out', 'write to this file instead of the terminal'))
      .option('max-memory', maxMemoryOption)
      .option('force', forceOption),
  run: (args, io) =>
    runScheduleCommand(
      {
        graph: required(args.graph, 'GRAPH'),
        hardware: args.hw,
        format: args.format,
        out: args.out,
        force: args.force,
        maxMemoryBytes: maxMemoryOf(args.maxMemory),
      },
      io,
    ),
});
