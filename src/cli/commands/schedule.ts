/** `npusim schedule GRAPH --hw CONFIG`: the lowered schedule (mapping, folds, tiles, traffic, cycles), no values computed. */
import { existsSync, writeFileSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { checkGraphOnHardware } from '../../formats/compatibility.js';
import { loadHardwareFile } from '../../formats/loadHardware.js';
import { lowerGraph } from '../../lower/schedule.js';
import { scheduleJson, scheduleTable } from '../../report/schedule.js';
import { loadGraphArgument } from '../graphArgument.js';
import { type CliIO, EXIT_OK, paint } from '../io.js';

export const SCHEDULE_FORMATS = ['table', 'json'] as const;

export interface ScheduleOptions {
  readonly graph: string;
  readonly hardware: string;
  readonly format: (typeof SCHEDULE_FORMATS)[number];
  readonly out: string | undefined;
  readonly force: boolean;
}

export function runScheduleCommand(options: ScheduleOptions, io: CliIO): number {
  const hardware = loadHardwareFile(options.hardware);
  const graph = loadGraphArgument(options.graph);
  checkGraphOnHardware(graph, hardware.config, hardware.file);
  if (options.out !== undefined && existsSync(options.out) && !options.force) {
    throw new InputError('already exists; npusim never overwrites a file unless you pass --force', options.out);
  }
  const schedule = lowerGraph(graph, hardware.config, hardware.file);
  const text = options.format === 'json' ? scheduleJson(schedule) : scheduleTable(schedule, paint(options.out === undefined ? io : { ...io, colour: false }));
  if (options.out === undefined) io.stdout(text);
  else {
    writeFileSync(options.out, text);
    io.stdout(`wrote ${options.out}\n`);
  }
  return EXIT_OK;
}
