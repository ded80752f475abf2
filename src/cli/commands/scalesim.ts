/**
 * `npusim scalesim --config CFG --topology CSV [--input-type conv|gemm] --out DIR`: SCALE-Sim v2's
 * run, in compatible mode. The three reports go where SCALE-Sim puts them, `<DIR>/<run_name>/`.
 * SCALE-Sim's own flags (-c, -t, -p, -i) are aliases, so a script switches by changing the program.
 */
import { existsSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import { shownText } from '../../scalesim/limits.js';
import {
  readScaleSimConfigFile,
  readScaleSimTopologyFile,
  REPORT_FILE_NAMES,
  type ScaleSimConfig,
  type ScaleSimRun,
  simulateTopology,
  type TopologyInputType,
} from '../../scalesim/index.js';
import { defineCommand } from '../command.js';
import { type CliIO, EXIT_OK, paint } from '../io.js';
import { forceOption, requiredStringOption } from '../options.js';
import { OutputPlan, writeAll } from '../outputs.js';
import { progressBar } from '../progress.js';

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
 * separator, `..`) would write outside the folder the user named, and one with control characters
 * or past 255 bytes is no folder name most systems make: both are refused.
 */
function reportFolderName(config: ScaleSimConfig, configFile: string): string {
  const { runName } = config;
  const plain =
    runName !== '' && runName !== '.' && runName !== '..' && !/[/\\\u0000-\u001f\u007f]/.test(runName) && Buffer.byteLength(runName) <= 255;
  if (!plain) {
    throw new InputError(
      `[general] run_name must be a plain folder name (no "/", "\\", "..", control characters, at most 255 bytes), got "${shownText(runName)}"`,
      configFile,
      config.locations?.run_name,
    );
  }
  return runName;
}

/** Keys listed in the note, at most: a .cfg of a megabyte may hold thousands. */
const NOTED_KEYS = 10;

/**
 * Creates the planned report folders before the (possibly long) run, so that a place where no folder
 * can be made (`-p /proc/x`) is found at once; they are removed again, when still empty, if the run fails.
 */
function withReportFolders<T>(plan: OutputPlan, folders: readonly string[], work: () => T): T {
  const created = folders.filter((folder) => !existsSync(folder));
  plan.createFolders();
  try {
    return work();
  } catch (error) {
    for (const folder of created.reverse()) {
      try {
        rmdirSync(folder);
      } catch {
        // Not empty, or gone: leave it as it is.
      }
    }
    throw error;
  }
}

export function runScaleSimCommand(options: ScaleSimCommandOptions, io: CliIO): number {
  // The config names the report folder: read it (it is small) and check every output before the run.
  const config = readScaleSimConfigFile(options.config);
  const plan = new OutputPlan(options.force).addInputs([options.config, options.topology]);
  const top = plan.folder(options.out, '-p/--out');
  const folder = join(top, reportFolderName(config, options.config));
  plan.folder(folder, `the report folder of run ${config.runName}`);
  const targets = {
    compute: plan.fileIn(folder, REPORT_FILE_NAMES.compute, REPORT_FILE_NAMES.compute),
    bandwidth: plan.fileIn(folder, REPORT_FILE_NAMES.bandwidth, REPORT_FILE_NAMES.bandwidth),
    detailedAccess: plan.fileIn(folder, REPORT_FILE_NAMES.detailedAccess, REPORT_FILE_NAMES.detailedAccess),
  };
  const layers = readScaleSimTopologyFile(options.topology, options.inputType);
  const run: ScaleSimRun = withReportFolders(plan, [top, folder], () => {
    const bar = progressBar(io, 'scalesim', 'cycles');
    try {
      return simulateTopology(config, layers, options.topology, { onProgress: (done, total) => bar.update(done, total) });
    } finally {
      bar.stop();
    }
  });
  writeAll(plan, [
    [targets.compute, run.reports.compute],
    [targets.bandwidth, run.reports.bandwidth],
    [targets.detailedAccess, run.reports.detailedAccess],
  ]);

  if (config.ignoredKeys.length > 0) {
    const listed = config.ignoredKeys.slice(0, NOTED_KEYS).join(', ');
    const more = config.ignoredKeys.length > NOTED_KEYS ? ` and ${config.ignoredKeys.length - NOTED_KEYS} more` : '';
    io.stderr(`${paint(io).yellow('note')}: ${options.config}: not read by SCALE-Sim v2, ignored: ${listed}${more}\n`);
  }
  // Each layer's count is below 2^53; a million of them summed need not be.
  const totalCycles = run.results.reduce((sum, result) => sum + BigInt(result.totalCycles), 0n);
  const stallCycles = run.results.reduce((sum, result) => sum + BigInt(result.stallCycles), 0n);
  const bandwidth = config.bandwidthMode === 'USER' ? `USER ${config.userBandwidthWordsPerCycle} words/cycle` : 'CALC';
  io.stdout(
    `${config.runName}: ${run.results.length} layer${run.results.length === 1 ? '' : 's'} on ${config.arrayRows}x${config.arrayCols} ${config.dataflow} (${bandwidth}), ` +
      `${totalCycles} total cycles, ${stallCycles} stall cycles; wrote ${folder}/{COMPUTE,BANDWIDTH,DETAILED_ACCESS}_REPORT.csv\n`,
  );
  return EXIT_OK;
}

export const scaleSimCommand = defineCommand({
  command: 'scalesim',
  describe:
    "SCALE-Sim v2 compatible run: a .cfg and a topology CSV in, SCALE-Sim's three reports out in <out>/<run_name>/ (SCALE-Sim's -c -t -p -i work too)",
  builder: (parser) =>
    parser
      .option('config', { ...requiredStringOption('config', 'SCALE-Sim .cfg file'), alias: 'c' })
      .option('topology', { ...requiredStringOption('topology', 'SCALE-Sim topology CSV'), alias: 't' })
      .option('input-type', {
        alias: 'i',
        choices: TOPOLOGY_INPUT_TYPES,
        default: 'conv' as const,
        describe: 'conv rows, or gemm rows (name, M, N, K)',
      })
      .option('out', {
        ...requiredStringOption('out', 'folder the <run_name>/ report folder goes in (created if its parent exists)'),
        alias: 'p',
      })
      .option('force', forceOption),
  run: (args, io) =>
    runScaleSimCommand({ config: args.config, topology: args.topology, inputType: args.inputType, out: args.out, force: args.force }, io),
});
