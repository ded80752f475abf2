/**
 * SCALE-Sim compatible mode: a SCALE-Sim v2 .cfg and topology CSV in, SCALE-Sim's three reports out.
 * The one code path behind both the tests and the `npusim scalesim` command.
 */
import { READ_LIMITS, readTextFile } from '../formats/readFile.js';
import { parseScaleSimConfig, type ScaleSimConfig } from './config.js';
import { simulateLayer, type ScaleSimLayerResult } from './model.js';
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

/** Runs every layer of a topology under a config, from file texts. */
export function runScaleSim(config: ScaleSimSource, topology: ScaleSimSource, inputType: TopologyInputType = 'conv'): ScaleSimRun {
  const parsedConfig = parseScaleSimConfig(config.text, config.file);
  const layers = parseTopology(topology.text, topology.file, inputType);
  const results = layers.map((layer) => simulateLayer(parsedConfig, layer));
  return { config: parsedConfig, layers, results, reports: scaleSimReports(results) };
}

/** Reads and parses a .cfg file. */
export function readScaleSimConfigFile(configPath: string): ScaleSimConfig {
  return parseScaleSimConfig(readTextFile(configPath, 'a SCALE-Sim .cfg file', READ_LIMITS.scaleSimConfig), configPath);
}

/** Runs from file paths (read errors become InputErrors naming the file). */
export function runScaleSimFiles(configPath: string, topologyPath: string, inputType: TopologyInputType = 'conv'): ScaleSimRun {
  return runScaleSim(
    { text: readTextFile(configPath, 'a SCALE-Sim .cfg file', READ_LIMITS.scaleSimConfig), file: configPath },
    { text: readTextFile(topologyPath, 'a SCALE-Sim topology CSV', READ_LIMITS.table), file: topologyPath },
    inputType,
  );
}
