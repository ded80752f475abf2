/**
 * `npusim scalesim --config CFG --topology CSV [--input-type conv|gemm] --out DIR`: SCALE-Sim v2's
 * run, in compatible mode. The three reports go where SCALE-Sim puts them, `<DIR>/<run_name>/`.
 * SCALE-Sim's own flags (-c, -t, -p, -i) are aliases, so a script switches by changing the program.
 */
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import { readScaleSimConfigFile, REPORT_FILE_NAMES, runScaleSimFiles, type TopologyInputType } from '../../scalesim/index.js';
import { defineCommand } from '../command.js';
import { type CliIO, EXIT_OK, paint } from '../io.js';
import { forceOption, requiredStringOption } from '../options.js';
import { OutputPlan, writeAll } from '../outputs.js';

export const TOPOLOGY_INPUT_TYPES: readonly TopologyInputType[] = ['conv', 'gemm'];

export interface ScaleSimCommandOptions {
  readonly config: string;
  readonly topology: string;
  readonly inputType: TopologyInputType;
  readonly out: string;
  readonly force: boolean;
}

/**
 * run_name becomes one folder name under --out, as in SCALE-Sim. A name that walks elsewhere (a
 * separator, `..`) would write outside the folder the user named, so it is refused.
 */
function reportFolderName(runName: string, configFile: string): string {
  if (runName === '' || runName === '.' || runName === '..' || /[/\\]/.test(runName)) {
    throw new InputError(`[general] run_name must be a plain folder name (no "/", "\\" or ".."), got "${runName}"`, configFile);
  }
  return runName;
}

export function runScaleSimCommand(options: ScaleSimCommandOptions, io: CliIO): number {
  // The config names the report folder: read it (it is small) and check every output before the run.
  const plannedConfig = readScaleSimConfigFile(options.config);
  const plan = new OutputPlan(options.force).addInputs([options.config, options.topology]);
  const top = plan.folder(options.out, '-p/--out');
  const folder = join(top, reportFolderName(plannedConfig.runName, options.config));
  plan.folder(folder, `the report folder of run ${plannedConfig.runName}`);
  const targets = {
    compute: plan.fileIn(folder, REPORT_FILE_NAMES.compute, REPORT_FILE_NAMES.compute),
    bandwidth: plan.fileIn(folder, REPORT_FILE_NAMES.bandwidth, REPORT_FILE_NAMES.bandwidth),
    detailedAccess: plan.fileIn(folder, REPORT_FILE_NAMES.detailedAccess, REPORT_FILE_NAMES.detailedAccess),
  };
  const run = runScaleSimFiles(options.config, options.topology, options.inputType);
  writeAll(plan, [
    [targets.compute, run.reports.compute],
    [targets.bandwidth, run.reports.bandwidth],
    [targets.detailedAccess, run.reports.detailedAccess],
  ]);

  const { config } = run;
  if (config.ignoredKeys.length > 0) {
    io.stderr(`${paint(io).yellow('note')}: ${options.config}: not read by SCALE-Sim v2, ignored: ${config.ignoredKeys.join(', ')}\n`);
  }
  const totalCycles = run.results.reduce((sum, result) => sum + result.totalCycles, 0);
  const stallCycles = run.results.reduce((sum, result) => sum + result.stallCycles, 0);
  const bandwidth = config.bandwidthMode === 'USER' ? `USER ${config.userBandwidthWordsPerCycle} words/cycle` : 'CALC';
  io.stdout(
    `${config.runName}: ${run.results.length} layer${run.results.length === 1 ? '' : 's'} on ${config.arrayRows}x${config.arrayCols} ${config.dataflow} (${bandwidth}), ` +
      `${totalCycles} total cycles, ${stallCycles} stall cycles; wrote ${folder}/{COMPUTE,BANDWIDTH,DETAILED_ACCESS}_REPORT.csv\n`,
  );
  return EXIT_OK;
}

export const scaleSimCommand = defineCommand({
  command: 'scalesim',
  describe: "SCALE-Sim v2 compatible run: a .cfg and a topology CSV in, SCALE-Sim's three reports out in <out>/<run_name>/ (SCALE-Sim's -c -t -p -i work too)",
  builder: (parser) =>
    parser
      .option('config', { ...requiredStringOption('config', 'SCALE-Sim .cfg file'), alias: 'c' })
      .option('topology', { ...requiredStringOption('topology', 'SCALE-Sim topology CSV'), alias: 't' })
      .option('input-type', { alias: 'i', choices: TOPOLOGY_INPUT_TYPES, default: 'conv' as const, describe: 'conv rows, or gemm rows (name, M, N, K)' })
      .option('out', { ...requiredStringOption('out', 'folder the <run_name>/ report folder goes in (created if its parent exists)'), alias: 'p' })
      .option('force', forceOption),
  run: (args, io) => runScaleSimCommand({ config: args.config, topology: args.topology, inputType: args.inputType, out: args.out, force: args.force }, io),
});
