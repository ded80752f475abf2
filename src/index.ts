/**
 * npusim's public API: the same functions the CLI uses. Load (or build) a graph and a hardware
 * config, simulate, and turn the result into reports.
 */
export * as numeric from './numeric/index.js';
export { InputError } from './errors.js';
export { runVectorCases } from './conformance/runVectors.js';
export { parseVectorText } from './conformance/vectorFile.js';
export { loadGraphFile, resolveGraph } from './formats/loadGraph.js';
export { loadHardwareFile, loadHardwareConfig, type LoadedHardware, type EnergyTable } from './formats/loadHardware.js';
export type { HardwareConfig } from './formats/hardwareSchema.js';
export type { GraphFile } from './formats/graphSchema.js';
export { checkGraphOnHardware } from './hardware/compatibility.js';
export type { Hardware } from './hardware/model.js';
export { jsonSchemaOf } from './formats/jsonSchema.js';
export type { Graph, Tensor } from './graph/model.js';
export type { SimulateOptions } from './engine/simulate.js';
export { simulate, prepareRun, executeRun, checkAndLower } from './pipeline/index.js';
export type { LayerResult, SimulationResult } from './engine/result.js';
export { totals } from './report/summary.js';
export { jsonReport, reportRecord } from './report/json.js';
export type { Report } from './report/reportSchema.js';
export { evaluationPage, pageForFile, renderPage, runPage, studyPage, sweepPage } from './html/index.js';
export { csvReport, markdownReport } from './report/csv.js';
export { buildZooNetwork, ZOO_NAMES, type ZooName, type ZooOptions } from './zoo/index.js';
export { zooGraph, DEFAULT_ZOO_QUANT } from './zoo/graph.js';
