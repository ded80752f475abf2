/**
 * `npusim import scalesim --config CFG --topology CSV [--input-type] --out-graph G.json --out-hw HW.json
 * [--seed N]`: a SCALE-Sim run as npusim files. The graph (weights in G.bin beside it) has one conv2d
 * per SCALE-Sim report row; the hardware config has SCALE-Sim's array, SRAMs and bandwidth and
 * `timing.model: "scalesim"`, so `npusim run G.json --hw HW.json` reports SCALE-Sim's cycles.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { InputError } from '../../errors.js';
import { importScaleSimGraph } from '../../scalesim/importGraph.js';
import { importScaleSimHardware } from '../../scalesim/importHardware.js';
import { runScaleSimFiles, type TopologyInputType } from '../../scalesim/index.js';
import { type CliIO, EXIT_OK } from '../io.js';

export interface ImportScaleSimOptions {
  readonly config: string;
  readonly topology: string;
  readonly inputType: TopologyInputType;
  readonly outGraph: string;
  readonly outHardware: string;
  readonly seed: number;
  readonly force: boolean;
}

function jsonTarget(file: string, flag: string): void {
  if (!file.endsWith('.json')) throw new InputError(`${flag} must name a .json file`, file);
  if (!existsSync(dirname(file) || '.')) throw new InputError(`folder ${dirname(file)} does not exist`, file);
}

export function runImportScaleSimCommand(options: ImportScaleSimOptions, io: CliIO): number {
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) throw new InputError(`--seed must be a non-negative whole number, got ${options.seed}`);
  jsonTarget(options.outGraph, '--out-graph');
  jsonTarget(options.outHardware, '--out-hw');
  const sidecarFile = `${options.outGraph.slice(0, -'.json'.length)}.bin`;
  const targets = [options.outGraph, sidecarFile, options.outHardware];
  if (new Set(targets).size < targets.length) throw new InputError('--out-graph and --out-hw name the same file', options.outHardware);
  for (const file of targets) {
    if (existsSync(file) && !options.force) throw new InputError('already exists; npusim never overwrites a file unless you pass --force', file);
  }
  // The same reader as `npusim scalesim`, so both see the same layers (DP rows split per channel).
  const run = runScaleSimFiles(options.config, options.topology, options.inputType);
  const graphName = basename(options.topology).replace(/\.csv$/i, '');
  const imported = importScaleSimGraph(run.layers, {
    graphName,
    description: `Imported from the SCALE-Sim topology ${options.topology} (${options.inputType}) by npusim import scalesim: one conv2d per SCALE-Sim layer, each on its own input; seeded int8 weights (seed ${options.seed}) quantized as the zoo does`,
    inputType: options.inputType,
    seed: options.seed,
    sidecarFile: basename(sidecarFile),
  });
  const hardware = importScaleSimHardware(run.config, options.config);
  writeFileSync(sidecarFile, imported.sidecar);
  writeFileSync(options.outGraph, `${JSON.stringify(imported.graph, null, 1)}\n`);
  writeFileSync(options.outHardware, `${JSON.stringify(hardware, null, 2)}\n`);
  const macs = imported.layers.reduce((total, layer) => total + layer.macs, 0);
  const { config } = run;
  io.stdout(
    `${graphName}: ${imported.layers.length} layer${imported.layers.length === 1 ? '' : 's'}, ${macs} MACs, on ${config.arrayRows}x${config.arrayCols} ${config.dataflow} ` +
      `(${config.bandwidthMode}, SCALE-Sim timing); wrote ${options.outGraph}, ${sidecarFile} and ${options.outHardware}\n`,
  );
  return EXIT_OK;
}
