/**
 * `npusim import scalesim` writes only files npusim accepts: the graph and hardware config built in
 * memory go through the checks `npusim validate G.json HW.json --hw HW.json` makes (the schemas,
 * loadHardwareData, resolveGraph, checkGraphOnHardware, lowerGraph) before anything is written. A
 * refusal is told in SCALE-Sim's terms: the .cfg setting (file:line:column) or topology row that
 * became the value npusim rejects, and npusim's rule.
 */
import { basename } from 'node:path';
import { InputError } from '../../errors.js';
import { graphSchema } from '../../formats/graphSchema.js';
import { type LoadedHardware, loadHardwareData } from '../../formats/loadHardware.js';
import { MAX_SIDECAR_BYTES, resolveGraph } from '../../formats/loadGraph.js';
import { formatBytes, READ_LIMITS } from '../../formats/readFile.js';
import { validateWith } from '../../formats/validate.js';
import { checkGraphOnHardware } from '../../hardware/compatibility.js';
import { lowerGraph } from '../../lower/schedule.js';
import { timingModelFor } from '../../scalesim/timing.js';
import type { ScaleSimConfig, ScaleSimSetting } from '../../scalesim/config.js';
import { shownText } from '../../scalesim/limits.js';
import type { ScaleSimLayer } from '../../scalesim/topology.js';

/** The hardware config that would be written, where, and the .cfg it comes from. */
export interface ImportedHardwareFile {
  readonly config: ScaleSimConfig;
  readonly configFile: string;
  readonly hardwareText: string;
  readonly hardwareFile: string;
}

/** The graph and sidecar that would be written, and the topology they come from. */
export interface ImportedGraphFiles extends ImportedHardwareFile {
  readonly layers: readonly ScaleSimLayer[];
  /** The op each layer became, in order (one conv2d per layer). */
  readonly opNames: readonly string[];
  readonly topologyFile: string;
  readonly graphText: string;
  readonly graphFile: string;
  readonly sidecar: Uint8Array;
  readonly sidecarFile: string;
}

/** The .cfg settings each part of the written hardware config comes from (importHardware.ts). */
const SETTING_OF_PATH: ReadonlyArray<readonly [RegExp, readonly ScaleSimSetting[]]> = [
  [/^\$\.name\b/, ['run_name']],
  [/^\$\.array\.rows\b/, ['ArrayHeight']],
  [/^\$\.array\.columns\b/, ['ArrayWidth']],
  [/^\$\.array\.dataflow\b/, ['Dataflow']],
  [/^\$\.memory\.sram\.inputs\.kib\b/, ['IfmapSramSzkB']],
  [/^\$\.memory\.sram\.weights\.kib\b/, ['FilterSramSzkB']],
  [/^\$\.memory\.sram\.outputs\.kib\b/, ['OfmapSramSzkB']],
  // SRAM bandwidth is one array edge: the larger of the two sides.
  [/^\$\.memory\.sram\.\w+\.bytesPerCycle\b/, ['ArrayHeight', 'ArrayWidth']],
  [/^\$\.memory\.dram\.bytesPerCycle\b/, ['Bandwidth']],
  [/^\$\.timing\b/, ['InterfaceBandwidth']],
];

const SRAM_SETTINGS: readonly ScaleSimSetting[] = ['IfmapSramSzkB', 'FilterSramSzkB', 'OfmapSramSzkB'];

function settingsWhere(config: ScaleSimConfig, configFile: string, settings: readonly ScaleSimSetting[]): string {
  return settings
    .map((setting) => `${setting} (${configFile}${config.locations?.[setting] === undefined ? '' : `:${config.locations[setting]}`})`)
    .join(', ');
}

/** A refusal of the hardware config, located at the .cfg setting it came from. */
function hardwareRefusal(files: ImportedHardwareFile, error: InputError): InputError {
  const path = error.location ?? '';
  const settings = SETTING_OF_PATH.find(([pattern]) => pattern.test(path))?.[1];
  const first = settings?.[0];
  if (settings === undefined || first === undefined) {
    return new InputError(
      `cannot import: the hardware config npusim would write is refused at ${path || 'its top'}: ${error.message}; nothing was written`,
      files.configFile,
    );
  }
  const location = files.config.locations?.[first];
  const from = settings.length === 1 ? first : `${settings.join(' and ')} (the larger)`;
  return new InputError(
    `cannot import ${from}: it becomes ${path} of ${files.hardwareFile}, where npusim ${error.message}; nothing was written`,
    files.configFile,
    location,
  );
}

/** The layer a graph location belongs to: `$.ops[i]`, `$.inputs[i]`, `$.outputs[i]`, or a tensor of layer i. */
function layerIndexAt(files: ImportedGraphFiles, path: string): number | undefined {
  const indexed = /^\$\.(?:ops|inputs|outputs)\[(\d+)\]/.exec(path);
  if (indexed !== null) return Number(indexed[1]);
  const tensor = /^\$\.tensors(?:\.([A-Za-z_$][\w$]*)|\["((?:[^"\\]|\\.)*)"\])/.exec(path);
  const name = tensor === null ? undefined : (tensor[1] ?? (JSON.parse(`"${tensor[2] ?? ''}"`) as string));
  if (name === undefined) return undefined;
  // Tensors are named <op>.<role>; op names may hold dots themselves: the longest op name wins.
  let best: number | undefined;
  files.opNames.forEach((opName, index) => {
    if (name.startsWith(`${opName}.`) && (best === undefined || opName.length > (files.opNames[best] ?? '').length)) best = index;
  });
  return best;
}

/** A refusal of the graph, located at the topology row the layer came from. */
function graphRefusal(files: ImportedGraphFiles, error: InputError): InputError {
  const index = layerIndexAt(files, error.location ?? '');
  const layer = index === undefined ? undefined : files.layers[index];
  // Tiles that do not fit come from the SRAM sizes: say which settings those are.
  const sram = /tiled into the memory/.test(error.message)
    ? `; the SRAMs are ${settingsWhere(files.config, files.configFile, SRAM_SETTINGS)}`
    : '';
  if (layer === undefined) {
    return new InputError(
      `cannot import: the graph npusim would write is refused at ${error.location ?? 'its top'}: ${error.message}${sram}; nothing was written`,
      files.topologyFile,
    );
  }
  return new InputError(
    `cannot import layer "${shownText(layer.name)}": ${error.message}${sram}; nothing was written`,
    files.topologyFile,
    `${layer.line}:${layer.column ?? 1}`,
  );
}

function checkSizes(files: ImportedGraphFiles): void {
  const tooLarge = (what: string, bytes: number, limit: number): InputError =>
    new InputError(
      `cannot import: ${what} would be ${formatBytes(bytes)}, more than the ${formatBytes(limit)} npusim reads back; split the topology (nothing was written)`,
      files.topologyFile,
    );
  if (files.graphText.length > READ_LIMITS.json) throw tooLarge(`the graph ${files.graphFile}`, files.graphText.length, READ_LIMITS.json);
  if (files.sidecar.length > MAX_SIDECAR_BYTES) throw tooLarge(`its weights ${files.sidecarFile}`, files.sidecar.length, MAX_SIDECAR_BYTES);
}

/**
 * Checks the hardware config as `npusim validate` would load it (before any layer is built: it is
 * quick); a refusal names the .cfg setting. Returns the loaded config for checkImportedGraph.
 */
export function checkImportedHardware(files: ImportedHardwareFile): LoadedHardware {
  try {
    return loadHardwareData(JSON.parse(files.hardwareText) as unknown, files.hardwareFile, files.hardwareFile);
  } catch (error) {
    if (error instanceof InputError && error.file === files.hardwareFile) throw hardwareRefusal(files, error);
    throw error;
  }
}

/** Checks the graph as `npusim validate G.json --hw HW.json` would; a refusal names the topology row. */
export function checkImportedGraph(files: ImportedGraphFiles, hardware: LoadedHardware): void {
  checkSizes(files);
  try {
    const graphFile = validateWith(graphSchema, JSON.parse(files.graphText) as unknown, files.graphFile);
    // The graph names its sidecar as the file beside it, as the importer writes it.
    const graph = resolveGraph(graphFile, files.graphFile, { sidecars: new Map([[basename(files.sidecarFile), files.sidecar]]) });
    // The checks and lowering a run does (src/pipeline), without the pipeline: importers sit below it.
    checkGraphOnHardware(graph, hardware);
    lowerGraph(graph, hardware, timingModelFor(hardware));
  } catch (error) {
    if (error instanceof InputError && error.file === files.graphFile) throw graphRefusal(files, error);
    if (error instanceof InputError && error.file === files.hardwareFile) throw hardwareRefusal(files, error);
    throw error;
  }
}
