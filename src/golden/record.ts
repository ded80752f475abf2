/**
 * Running what a golden describes and recording it: the inputs with their hashes and content, and
 * the per-layer result. `npusim golden` writes this record; `npusim check` builds a fresh one and
 * compares it with the file.
 */
import { checkRunMemory } from '../engine/memory.js';
import { executeRun, prepareRun } from '../pipeline/index.js';
import { overflowCounts } from '../engine/overflowCounters.js';
import type { LayerResult, SimulationResult } from '../engine/result.js';
import { DEFAULT_MAX_MEMORY_BYTES } from '../formats/bounds.js';
import { loadHardwareFile } from '../formats/loadHardware.js';
import { READ_LIMITS, readBoundedFile } from '../formats/readFile.js';
import { readJsonFile } from '../formats/readJson.js';
import type { Graph } from '../graph/model.js';
import { energyRecord, eventRecord, runHeader } from '../report/records.js';
import { totals } from '../report/summary.js';
import { InputError } from '../errors.js';
import {
  GOLDEN_FORMAT,
  GOLDEN_VERSION,
  type GoldenFile,
  type GoldenGraph,
  type GoldenLayer,
  type GoldenResult,
  type JsonObject,
  REAL_RELATIVE_TOLERANCE,
  type RecordedFile,
  SAMPLE_VALUES,
} from './format.js';
import { sha256OfBytes, sha256OfGraph, sha256OfValues } from './hashing.js';
import { recordedPath, rootField } from './paths.js';
import { npusimVersion } from '../formats/version.js';

/** What to run: the graph as `zoo:NAME` or a file path, the hardware config file, the input seed. */
export interface GoldenSpec {
  readonly graph: string;
  readonly hardwareFile: string;
  readonly seed: number;
  /** The folder recorded paths are relative to (absolute, or relative to the working directory). */
  readonly root: string;
  /** The memory the run may use (not recorded: it changes no number). */
  readonly maxMemoryBytes?: number;
}

/** Loads a graph argument; `check` passes a cache so a zoo network is built once for all goldens. */
export type GraphLoader = (argument: string) => Graph;

function recordFile(file: string, root: string, what: string): RecordedFile {
  const content = readJsonFile(file, what);
  if (content === null || typeof content !== 'object' || Array.isArray(content))
    throw new InputError(`expected ${what}, a JSON object`, file);
  return {
    file: recordedPath(root, file),
    sha256: sha256OfBytes(readBoundedFile(file, READ_LIMITS.json, what)),
    content: content as JsonObject,
  };
}

function layerRecord(layer: LayerResult, values: Int32Array | undefined, accumulatorBits: number): GoldenLayer {
  const output = values ?? new Int32Array(0);
  const { overflow, cycles } = layer;
  return {
    name: layer.name,
    op: layer.op,
    unit: layer.unit,
    macs: layer.macs,
    cycles: {
      total: cycles.total,
      compute: cycles.compute,
      streaming: cycles.streaming,
      fillDrain: cycles.fillDrain,
      stationaryLoad: cycles.stationaryLoad,
      memoryStall: cycles.memoryStall,
      requant: cycles.requant,
      vector: cycles.vector,
      overlap: cycles.overlap,
    },
    energyPj: energyRecord(layer.energy),
    overflow: overflowCounts(overflow),
    firstOverflow: {
      transient: eventRecord(overflow.firstTransient),
      final: eventRecord(overflow.firstFinal),
      clipped: eventRecord(overflow.firstClipped),
      vectorSaturated: eventRecord(overflow.firstVectorSaturated),
    },
    headroomBits: { final: overflow.finalBits, partial: overflow.partialBits, accumulator: accumulatorBits },
    output: {
      tensor: layer.outputTensor,
      shape: [...layer.outputShape],
      sha256: sha256OfValues(output),
      first: Array.from(output.subarray(0, SAMPLE_VALUES)),
    },
  };
}

export function resultRecord(result: SimulationResult): GoldenResult {
  const total = totals(result);
  return {
    ...runHeader(result),
    totals: {
      macs: total.macs,
      cycles: total.cycles,
      computeCycles: total.computeCycles,
      memoryStallCycles: total.memoryStallCycles,
      vectorCycles: total.vectorCycles,
      energyPj: total.energyPj,
      energyByComponentPj: total.energyByComponentPj,
      overflow: { ...total.overflow },
    },
    layers: result.layers.map((layer) => layerRecord(layer, result.tensors.get(layer.outputTensor), result.accumulator.bits)),
  };
}

/** Runs the spec and records it as the golden file `goldenFile` would hold it. */
export function recordGolden(
  spec: GoldenSpec,
  goldenFile: string,
  loadGraph: GraphLoader,
  onProgress?: (done: number, total: number) => void,
): GoldenFile {
  const hardware = loadHardwareFile(spec.hardwareFile);
  const graph = loadGraph(spec.graph);
  const prepared = prepareRun(graph, hardware);
  checkRunMemory(graph, spec.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES);
  const result = executeRun(prepared, { seed: spec.seed, ...(onProgress === undefined ? {} : { onProgress }) });
  const graphRecord: GoldenGraph = spec.graph.startsWith('zoo:')
    ? { zoo: spec.graph.slice('zoo:'.length), sha256: sha256OfGraph(graph) }
    : { file: recordedPath(spec.root, spec.graph), sha256: sha256OfGraph(graph) };
  const inlineTable = hardware.energy.file === hardware.file;
  return {
    format: GOLDEN_FORMAT,
    version: GOLDEN_VERSION,
    compare: { integers: 'exact', realRelativeTolerance: REAL_RELATIVE_TOLERANCE },
    npusimVersion: npusimVersion(),
    root: rootField(goldenFile, spec.root),
    run: {
      graph: graphRecord,
      hardware: recordFile(spec.hardwareFile, spec.root, 'a hardware config (JSON)'),
      ...(inlineTable ? {} : { energyTable: recordFile(hardware.energy.file, spec.root, 'an energy table (JSON)') }),
      input: { seed: spec.seed },
    },
    result: resultRecord(result),
  };
}
