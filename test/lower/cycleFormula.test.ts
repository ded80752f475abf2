/**
 * docs/cycle-model.md's formulas, computed here from each layer's mapping, traffic and outputs
 * exactly as the page writes them, against the schedule: every layer of every zoo network on every
 * preset, and on variants that reach the branches no preset does (no double buffering; a split
 * SRAM with unequal ports, where the port rule differs from the ports' sum; a requantization unit
 * slower than the array).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zooGraph } from '../../src/zoo/graph.js';
import { type HardwareConfig, hardwareSchema } from '../../src/formats/hardwareSchema.js';
import { loadHardwareData, loadHardwareFile, type LoadedHardware } from '../../src/formats/loadHardware.js';
import type { Graph } from '../../src/graph/model.js';
import type { LayerSchedule } from '../../src/lower/schedule.js';
import { checkAndLower } from '../../src/pipeline/index.js';
import { ZOO_NAMES } from '../../src/zoo/index.js';
import { REPO } from '../support/files.js';

const PRESETS = readdirSync(join(REPO, 'configs'))
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => join(REPO, 'configs', name));

type Json = Record<string, unknown>;

/** The resolved machine, and its config as the file writes it (the formulas read the file's fields). */
interface Machine {
  readonly hardware: LoadedHardware;
  readonly config: HardwareConfig;
}

function machine(file: string, label?: string, change?: (config: Json) => void): Machine {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Json;
  change?.(data);
  const hardware = label === undefined ? loadHardwareFile(file) : loadHardwareData(data, `${file} (${label})`, file);
  return { hardware, config: hardwareSchema.parse(data) };
}

const EDGE = join(REPO, 'configs/edge-npu.json');
const HARDWARE: ReadonlyArray<readonly [string, Machine]> = [
  ...PRESETS.map((file) => [file.slice(file.lastIndexOf('/') + 1), machine(file)] as const),
  ...PRESETS.map(
    (file) =>
      [
        `${file.slice(file.lastIndexOf('/') + 1)} without double buffering`,
        machine(file, 'no double buffering', (config) => ((config.memory as Json).doubleBuffering = false)),
      ] as const,
  ),
  // One output a cycle: the dedicated unit outlasts the array, so the overlap is the array's time.
  [
    'edge-npu.json with a one-output-a-cycle requantization unit',
    machine(EDGE, 'slow requantization unit', (config) => ((config.requant as Json).outputsPerCycle = 1)),
  ],
  [
    'edge-npu.json with a 16-byte weight port',
    machine(EDGE, 'slow weight port', (config) => (((config.memory as Json).sram as Json).weights = { kib: 256, bytesPerCycle: 16 })),
  ],
];

// Built once: a zoo network takes a second or two to build.
const graphs = new Map<string, Graph>();
function graph(name: string): Graph {
  let built = graphs.get(name);
  if (built === undefined) {
    built = zooGraph(name);
    graphs.set(name, built);
  }
  return built;
}

/** Section 4: a vector op over `bytes` bytes. */
function vectorOpCycles(config: HardwareConfig, op: string, bytes: number): number {
  const perInstruction = (config.vector.opCycles as Partial<Record<string, number>>)[op] ?? 1;
  return Math.ceil((Math.ceil(bytes / config.vector.vectorBytes) * perInstruction) / config.vector.issueSlots);
}

/** Section 3.3, the port rule: a split SRAM counts as three of its slowest port. */
function documentedPorts(config: HardwareConfig): number {
  const sram = config.memory.sram;
  return 'unified' in sram
    ? sram.unified.bytesPerCycle
    : 3 * Math.min(sram.inputs.bytesPerCycle, sram.weights.bytesPerCycle, sram.outputs.bytesPerCycle);
}

/** Section 3.3: the stall beyond `busy` cycles. */
function documentedStall(layer: LayerSchedule, config: HardwareConfig, busy: number, ports = documentedPorts(config)): number {
  const { traffic } = layer;
  const dramBytes = traffic.dramReadBytes + traffic.dramWriteBytes;
  const dram = dramBytes === 0 ? 0 : Math.ceil(dramBytes / config.memory.dram.bytesPerCycle) + config.memory.dram.latencyCycles;
  const sramCycles = Math.ceil((traffic.sramReadBytes + traffic.sramWriteBytes) / ports);
  return config.memory.doubleBuffering ? Math.max(0, Math.max(dram, sramCycles) - busy) : dram + Math.max(0, sramCycles - busy);
}

const VECTOR_OPS: Record<string, string | undefined> = {
  add: 'add',
  max_pool: 'maxPool',
  avg_pool: 'avgPool',
  global_avg_pool: 'avgPool',
  concat: 'copy',
  pad: 'pad',
  reshape: undefined,
};

/** Every component as docs/cycle-model.md defines it for this kind of layer, and the total from them. */
function documentedCycles(layer: LayerSchedule, config: HardwareConfig, graph: Graph) {
  const outputs = layer.outputShape.reduce((product, extent) => product * extent, 1);
  if (layer.unit === 'array') {
    // Section 2.
    const { rows, columns } = config.array;
    const { mapping } = layer;
    const streaming = mapping.folds * Math.ceil(mapping.temporalLength * mapping.cyclesPerStep);
    const buffered = config.memory.doubleBuffering;
    const fillDrain = buffered ? rows + columns - 2 : mapping.folds * (rows + columns - 2);
    const stationaryLoad = buffered ? rows : mapping.folds * rows;
    const compute = streaming + fillDrain + stationaryLoad;
    const memoryStall = documentedStall(layer, config, compute);
    // Section 4: one unit or the other requantizes.
    const dedicated = config.requant.unit === 'dedicated';
    const requant = dedicated ? Math.ceil(outputs / (config.requant.outputsPerCycle ?? columns)) : 0;
    const vector = dedicated ? 0 : vectorOpCycles(config, 'requant', 4 * outputs);
    const overlap = Math.min(requant + vector, compute + memoryStall);
    return {
      compute,
      streaming,
      fillDrain,
      stationaryLoad,
      memoryStall,
      requant,
      vector,
      overlap,
      total: compute + memoryStall + requant + vector - overlap,
    };
  }
  const op = VECTOR_OPS[layer.op];
  if (!(layer.op in VECTOR_OPS)) throw new Error(`the test does not know op ${layer.op}`);
  const inputs = graph.ops.find((candidate) => candidate.name === layer.name);
  if (inputs === undefined) throw new Error(`no op ${layer.name}`);
  const inputNames = 'inputs' in inputs ? inputs.inputs : [inputs.input];
  const inputBytes = inputNames.reduce((total, name) => {
    const tensor = graph.tensors.get(name);
    if (tensor === undefined) throw new Error(`no tensor ${name}`);
    return total + Math.ceil((tensor.shape.reduce((product, extent) => product * extent, 1) * tensor.type.bits) / 8);
  }, 0);
  const vector = op === undefined ? 0 : vectorOpCycles(config, op, inputBytes);
  const memoryStall = documentedStall(layer, config, vector);
  return {
    compute: 0,
    streaming: 0,
    fillDrain: 0,
    stationaryLoad: 0,
    memoryStall,
    requant: 0,
    vector,
    overlap: 0,
    total: 0 + memoryStall + 0 + vector - 0,
  };
}

describe('docs/cycle-model.md, section 4: total = compute + stall + requant + vector - overlap', () => {
  it.each(ZOO_NAMES.flatMap((name) => HARDWARE.map(([label, hardware]) => [name, label, hardware] as const)))(
    '%s on %s: every layer as documented',
    (name, _label, { hardware, config }) => {
      const network = graph(name);
      const schedule = checkAndLower(network, hardware);
      expect(schedule.layers.length).toBe(network.ops.length);
      for (const layer of schedule.layers) {
        expect({ layer: layer.name, ...layer.cycles }).toEqual({ layer: layer.name, ...documentedCycles(layer, config, network) });
      }
    },
  );

  it('the variants reach the branches the presets do not: stalls, both requantization units, unbuffered, the port rule', () => {
    const layers = HARDWARE.flatMap(([, { hardware, config }]) =>
      ZOO_NAMES.flatMap((name) => checkAndLower(graph(name), hardware).layers.map((layer) => ({ layer, hardware, config }))),
    );
    const some = (test: (entry: (typeof layers)[number]) => boolean) => layers.some(test);
    expect(some(({ layer }) => layer.unit === 'array' && layer.cycles.memoryStall > 0)).toBe(true);
    expect(some(({ layer }) => layer.unit === 'vector' && layer.cycles.memoryStall > 0)).toBe(true);
    expect(some(({ layer }) => layer.unit === 'array' && layer.cycles.requant > layer.cycles.compute + layer.cycles.memoryStall)).toBe(
      true,
    );
    expect(some(({ layer }) => layer.unit === 'array' && layer.cycles.vector > 0)).toBe(true);
    expect(some(({ layer, config }) => !config.memory.doubleBuffering && layer.cycles.memoryStall > 0)).toBe(true);
    // On the slow weight port the rule gives 48 bytes a cycle; the ports' sum (144) would give other
    // stalls, so the comparison above tells the two apart.
    const slow = layers.filter(({ hardware }) => hardware.file.includes('slow weight port'));
    expect(
      slow.some(
        ({ layer, config }) =>
          layer.unit === 'array' && layer.cycles.memoryStall !== documentedStall(layer, config, layer.cycles.compute, 64 + 16 + 64),
      ),
    ).toBe(true);
  });
});

describe('docs/cycle-model.md worked examples: small_cnn on edge-npu', () => {
  it('conv1, pool1 and fc have the cycles the page shows', () => {
    const layers = checkAndLower(graph('small_cnn'), loadHardwareFile(EDGE)).layers;
    const cycles = (name: string) => layers.find((layer) => layer.name === name)?.cycles;
    expect(cycles('conv1')).toMatchObject({ compute: 1118, memoryStall: 0, requant: 512, vector: 0, overlap: 512, total: 1118 });
    expect(cycles('pool1')).toMatchObject({ compute: 0, memoryStall: 43, requant: 0, vector: 64, overlap: 0, total: 107 });
    expect(cycles('fc')).toMatchObject({ compute: 95, memoryStall: 26, requant: 1, vector: 0, overlap: 1, total: 121 });
    const pool1 = layers.find((layer) => layer.name === 'pool1');
    expect(pool1?.traffic).toMatchObject({ dramReadBytes: 0, dramWriteBytes: 0, sramReadBytes: 16384, sramWriteBytes: 4096 });
  });
});
