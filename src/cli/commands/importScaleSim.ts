/**
 * `npusim import scalesim --config CFG --topology CSV [--input-type] --out-graph G.json --out-hw HW.json
 * [--seed N]`: a SCALE-Sim run as npusim files. The graph (weights in G.bin beside it) has one conv2d
 * per SCALE-Sim report row; the hardware config has SCALE-Sim's array, SRAMs and bandwidth and
 * `timing.model: "scalesim"`, so `npusim run G.json --hw HW.json` reports SCALE-Sim's cycles.
 */
import { basename } from 'node:path';
import { InputError } from '../../errors.js';
import { MAX_SIDECAR_BYTES } from '../../formats/loadGraph.js';
import { formatBytes, READ_LIMITS } from '../../formats/readFile.js';
import { checkImportedGraph, checkImportedHardware } from '../../importers/scalesim/check.js';
import { importScaleSimGraph, importTooLarge } from '../../importers/scalesim/graph.js';
import { importScaleSimHardware } from '../../importers/scalesim/hardware.js';
import { readScaleSimConfigFile, readScaleSimTopologyFile, type TopologyInputType } from '../../scalesim/index.js';
import { type CliIO, EXIT_OK } from '../io.js';
import { OutputPlan, writeAll } from '../outputs.js';
import { progressBar } from '../progress.js';

export interface ImportScaleSimOptions {
  readonly config: string;
  readonly topology: string;
  readonly inputType: TopologyInputType;
  readonly outGraph: string;
  readonly outHardware: string;
  readonly seed: number;
  readonly force: boolean;
}

function jsonTarget(plan: OutputPlan, file: string, flag: string): string {
  if (!file.endsWith('.json')) throw new InputError(`${flag} must name a .json file`, file);
  return plan.file(file, flag);
}

/** The graph as written; one longer than a JavaScript string can hold is refused, not a crash. */
function graphJson(graph: ReturnType<typeof importScaleSimGraph>['graph'], topologyFile: string): string {
  try {
    return `${JSON.stringify(graph, null, 1)}\n`;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new InputError(
      `cannot import: the graph would pass the ${formatBytes(READ_LIMITS.json)} npusim reads back; split the topology (nothing was written)`,
      topologyFile,
    );
  }
}

export function runImportScaleSimCommand(options: ImportScaleSimOptions, io: CliIO): number {
  const plan = new OutputPlan(options.force).addInputs([options.config, options.topology]);
  jsonTarget(plan, options.outGraph, '--out-graph');
  const sidecarFile = `${options.outGraph.slice(0, -'.json'.length)}.bin`;
  plan.file(sidecarFile, 'the sidecar of --out-graph');
  jsonTarget(plan, options.outHardware, '--out-hw');
  // The same readers as `npusim scalesim`, so both see the same layers (DP rows split per channel).
  const config = readScaleSimConfigFile(options.config);
  const layers = readScaleSimTopologyFile(options.topology, options.inputType);
  const tooLarge = importTooLarge(layers, MAX_SIDECAR_BYTES, READ_LIMITS.json);
  if (tooLarge !== undefined) {
    const layer = layers[tooLarge.index];
    throw new InputError(
      `cannot import: ${tooLarge.what}; split the topology (nothing was written)`,
      options.topology,
      layer === undefined ? undefined : `${layer.line}:${layer.column ?? 1}`,
    );
  }
  // Importers write only what npusim accepts: both files are checked as `npusim validate` checks them.
  const hardwareText = `${JSON.stringify(importScaleSimHardware(config, options.config), null, 2)}\n`;
  const hardwareFile = { config, configFile: options.config, hardwareText, hardwareFile: options.outHardware };
  const hardware = checkImportedHardware(hardwareFile);
  const graphName = basename(options.topology).replace(/\.csv$/i, '');
  // Building quantizes every layer on a calibration input; checking lowers the whole graph once more.
  const bar = progressBar(io, 'import scalesim', 'layers');
  let imported: ReturnType<typeof importScaleSimGraph>;
  let graphText: string;
  try {
    imported = importScaleSimGraph(layers, {
      graphName,
      description: `Imported from the SCALE-Sim topology ${options.topology} (${options.inputType}) by npusim import scalesim: one conv2d per SCALE-Sim layer, each on its own input; seeded int8 weights (seed ${options.seed}) quantized as the zoo does`,
      inputType: options.inputType,
      seed: options.seed,
      sidecarFile: basename(sidecarFile),
      onProgress: (done, total) => bar.update(done, total, 'built'),
    });
    bar.update(layers.length, layers.length, 'checking the files');
    graphText = graphJson(imported.graph, options.topology);
    checkImportedGraph(
      {
        ...hardwareFile,
        layers,
        opNames: imported.layers.map((layer) => layer.name),
        topologyFile: options.topology,
        graphText,
        graphFile: options.outGraph,
        sidecar: imported.sidecar,
        sidecarFile,
      },
      hardware,
    );
  } finally {
    bar.stop();
  }
  writeAll(plan, [
    [sidecarFile, imported.sidecar],
    [options.outGraph, graphText],
    [options.outHardware, hardwareText],
  ]);
  // Each layer's MACs are below 2^47; a million layers summed need not stay below 2^53.
  const macs = imported.layers.reduce((total, layer) => total + BigInt(layer.macs), 0n);
  io.stdout(
    `${graphName}: ${imported.layers.length} layer${imported.layers.length === 1 ? '' : 's'}, ${macs} MACs, on ${config.arrayRows}x${config.arrayCols} ${config.dataflow} ` +
      `(${config.bandwidthMode}, SCALE-Sim timing); wrote ${options.outGraph}, ${sidecarFile} and ${options.outHardware}\n`,
  );
  return EXIT_OK;
}
