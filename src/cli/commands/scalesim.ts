/**
 * `npusim scalesim --config CFG --topology CSV [--input-type conv|gemm] --out DIR`: SCALE-Sim v2's
 * run, in compatible mode. The three reports go where SCALE-Sim puts them, `<DIR>/<run_name>/`.
 * SCALE-Sim's own flags (-c, -t, -p, -i) are aliases, so a script switches by changing the program.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import { REPORT_FILE_NAMES, runScaleSimFiles, type TopologyInputType } from '../../scalesim/index.js';
import { type CliIO, EXIT_OK, paint } from '../io.js';

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
function reportFolder(out: string, runName: string, configFile: string): string {
  if (runName === '' || runName === '.' || runName === '..' || /[/\\]/.test(runName)) {
    throw new InputError(`[general] run_name must be a plain folder name (no "/", "\\" or ".."), got "${runName}"`, configFile);
  }
  return join(out, runName);
}

export function runScaleSimCommand(options: ScaleSimCommandOptions, io: CliIO): number {
  const run = runScaleSimFiles(options.config, options.topology, options.inputType);
  const folder = reportFolder(options.out, run.config.runName, options.config);
  if (existsSync(folder) && !options.force) {
    // SCALE-Sim overwrites silently; npusim checks all three files before writing any of them.
    for (const name of Object.values(REPORT_FILE_NAMES)) {
      const file = join(folder, name);
      if (existsSync(file)) throw new InputError('already exists; npusim never overwrites a file unless you pass --force', file);
    }
  }
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new InputError(`cannot create the report folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, folder);
  }
  writeFileSync(join(folder, REPORT_FILE_NAMES.compute), run.reports.compute);
  writeFileSync(join(folder, REPORT_FILE_NAMES.bandwidth), run.reports.bandwidth);
  writeFileSync(join(folder, REPORT_FILE_NAMES.detailedAccess), run.reports.detailedAccess);

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
