/**
 * SCALE-Sim compatible mode: a SCALE-Sim v2 .cfg and topology CSV in, SCALE-Sim's three reports out.
 * The one code path behind both the tests and the `npusim scalesim` command.
 */
import { InputError } from '../errors.js';
import { formatBytes, READ_LIMITS, readTextFile } from '../formats/readFile.js';
import { parseScaleSimConfig, type ScaleSimConfig } from './config.js';
import { demandRowCount, foldMapping, layerSizes } from './layerGeometry.js';
import { MAX_LAYER_WORKING_BYTES, shownText } from './limits.js';
import { inexactCount, layerWorkingBytes, simulateLayer, type ScaleSimLayerResult } from './model.js';
import { scaleSimReports, type ScaleSimReports } from './reports.js';
import { parseTopology, type ScaleSimLayer, type TopologyInputType } from './topology.js';

export type { ScaleSimConfig } from './config.js';
export type { ScaleSimLayerResult } from './model.js';
export type { ScaleSimReports } from './reports.js';
export { REPORT_FILE_NAMES } from './reports.js';
export type { ScaleSimLayer, TopologyInputType } from './topology.js';

export interface ScaleSimSource {
  /** File text and the name to show in messages. */
  text: string;
  file: string;
}

export interface ScaleSimRun {
  config: ScaleSimConfig;
  layers: ScaleSimLayer[];
  results: ScaleSimLayerResult[];
  reports: ScaleSimReports;
}

export interface ScaleSimRunOptions {
  /**
   * Hears how far the run is: demand rows (SCALE-Sim's cycles before stalls) simulated, of all the
   * run's. A layer repeated with the same sizes is simulated once and counted once.
   */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Layers are independent and a pure function of their sizes: equal sizes, equal results. */
function sizeKey(layer: ScaleSimLayer): string {
  return `${layer.ifmapHeight},${layer.ifmapWidth},${layer.filterHeight},${layer.filterWidth},${layer.channels},${layer.numFilters},${layer.strideHeight},${layer.strideWidth}`;
}

function layerLocation(layer: ScaleSimLayer): string {
  return `${layer.line}:${layer.column ?? 1}`;
}

/** Refuses, before anything runs, a layer whose tables would not fit the per-layer memory limit. */
function checkWorkingMemory(config: ScaleSimConfig, layer: ScaleSimLayer, topologyFile: string): void {
  const bytes = layerWorkingBytes(config, layer);
  if (bytes <= MAX_LAYER_WORKING_BYTES) return;
  const sizes = layerSizes(layer);
  throw new InputError(
    `layer "${shownText(layer.name)}" would need ${formatBytes(bytes)} of memory to simulate (${sizes.ofmapPixels} output pixels, a window of ${sizes.windowSize}, ` +
      `${sizes.ifmapWords} IFMAP and ${sizes.filterWords} filter words, ${config.bandwidthMode} bandwidth), more than the ${formatBytes(MAX_LAYER_WORKING_BYTES)} npusim gives one layer (docs/scalesim.md, "Limits")`,
    topologyFile,
    layerLocation(layer),
  );
}

/**
 * Simulates parsed layers under a parsed config; `topologyFile` names the topology in messages.
 * Every layer is checked before the first runs; layers with the same sizes run once.
 */
export function simulateTopology(
  config: ScaleSimConfig,
  layers: readonly ScaleSimLayer[],
  topologyFile: string,
  options: ScaleSimRunOptions = {},
): ScaleSimRun {
  const rowsOf = new Map<string, number>();
  for (const layer of layers) {
    const key = sizeKey(layer);
    if (rowsOf.has(key)) continue;
    checkWorkingMemory(config, layer, topologyFile);
    rowsOf.set(key, demandRowCount(foldMapping(layerSizes(layer), config.dataflow, config.arrayRows, config.arrayCols)));
  }
  const totalRows = [...rowsOf.values()].reduce((sum, rows) => sum + rows, 0);
  const { onProgress } = options;
  onProgress?.(0, totalRows);

  const simulated = new Map<string, ScaleSimLayerResult>();
  let doneRows = 0;
  const results = layers.map((layer) => {
    const key = sizeKey(layer);
    const earlier = simulated.get(key);
    if (earlier !== undefined) return { ...earlier, layer };
    const result = simulateLayer(config, layer, onProgress === undefined ? undefined : (done) => onProgress(doneRows + done, totalRows));
    doneRows += rowsOf.get(key) ?? 0;
    const inexact = inexactCount(result);
    if (inexact !== undefined) {
      throw new InputError(
        `layer "${shownText(layer.name)}": its ${inexact} would pass 2^53, beyond exact integer arithmetic; npusim prints no rounded count (docs/scalesim.md, "Limits")`,
        topologyFile,
        layerLocation(layer),
      );
    }
    simulated.set(key, result);
    return result;
  });
  return { config, layers: [...layers], results, reports: scaleSimReports(results) };
}

/** Runs every layer of a topology under a config, from file texts. */
export function runScaleSim(
  config: ScaleSimSource,
  topology: ScaleSimSource,
  inputType: TopologyInputType = 'conv',
  options: ScaleSimRunOptions = {},
): ScaleSimRun {
  const parsedConfig = parseScaleSimConfig(config.text, config.file);
  const layers = parseTopology(topology.text, topology.file, inputType);
  return simulateTopology(parsedConfig, layers, topology.file, options);
}

/** Reads and parses a .cfg file. */
export function readScaleSimConfigFile(configPath: string): ScaleSimConfig {
  return parseScaleSimConfig(readTextFile(configPath, 'a SCALE-Sim .cfg file', READ_LIMITS.scaleSimConfig), configPath);
}

/** Reads and parses a topology CSV (conv or GEMM rows). */
export function readScaleSimTopologyFile(topologyPath: string, inputType: TopologyInputType = 'conv'): ScaleSimLayer[] {
  return parseTopology(readTextFile(topologyPath, 'a SCALE-Sim topology CSV', READ_LIMITS.scaleSimTopology), topologyPath, inputType);
}

/** Runs from file paths (read errors become InputErrors naming the file). */
export function runScaleSimFiles(
  configPath: string,
  topologyPath: string,
  inputType: TopologyInputType = 'conv',
  options: ScaleSimRunOptions = {},
): ScaleSimRun {
  const config = readScaleSimConfigFile(configPath);
  return simulateTopology(config, readScaleSimTopologyFile(topologyPath, inputType), topologyPath, options);
}
