/**
 * SCALE-Sim timing inside npusim (hardware `timing.model: "scalesim"`): an array layer's cycles are
 * what SCALE-Sim v2 reports for the equivalent SCALE-Sim layer on the equivalent SCALE-Sim config,
 * computed by the same model as `npusim scalesim` (src/scalesim/model.ts). Only the cycles change:
 * the schedule keeps npusim's mapping, tiles and traffic for energy, and the engine still computes
 * exact values and overflow. docs/scalesim.md lists which hardware fields become which cfg keys.
 */
import { InputError } from '../errors.js';
import type { Hardware } from '../hardware/model.js';
import { type ArrayLayerTiming, type ComputeCycles, NPUSIM_TIMING, type TimingModel } from '../lower/timing.js';
import type { ScaleSimConfig } from './config.js';
import { scaleSimDataflow } from './dataflows.js';
import { foldMapping, layerGeometry } from './layerGeometry.js';
import { simulateLayer } from './model.js';
import type { ScaleSimLayer } from './topology.js';
import type { ArrayOp, ConvGeometry } from '../graph/geometry.js';

/** SCALE-Sim's address bases; they shape only its traces, never a cycle count. */
const ADDRESS_BASES = { ifmapOffset: 0, filterOffset: 10_000_000, ofmapOffset: 20_000_000 };

/**
 * The SCALE-Sim config a hardware config stands for: the array and its dataflow; the split SRAM's
 * inputs, weights and outputs as IfmapSramSzkB, FilterSramSzkB and OfmapSramSzkB (SCALE-Sim counts
 * one-byte words, so a KiB is 1024 words); InterfaceBandwidth from timing.interfaceBandwidth (CALC
 * unless it says USER), and in USER mode the DRAM bytes per cycle as the Bandwidth in words per cycle.
 */
export function scaleSimConfigFor(hardware: Hardware): ScaleSimConfig {
  const sram = hardware.memory.sram;
  if ('unified' in sram) throw new Error('unreachable: resolving the hardware refuses a unified SRAM under SCALE-Sim timing');
  const bandwidthMode = hardware.timing.interfaceBandwidth;
  const bandwidths = bandwidthMode === 'USER' ? [hardware.memory.dram.bytesPerCycle] : [];
  return {
    runName: hardware.name,
    arrayRows: hardware.array.rows,
    arrayCols: hardware.array.columns,
    ifmapSramKiB: sram.inputs.kib,
    filterSramKiB: sram.weights.kib,
    ofmapSramKiB: sram.outputs.kib,
    ...ADDRESS_BASES,
    dataflow: hardware.array.dataflow,
    bandwidthMode,
    bandwidthsWordsPerCycle: bandwidths,
    userBandwidthWordsPerCycle: bandwidths[0] ?? 0,
    memoryBanks: 1,
    ignoredKeys: [],
  };
}

/**
 * The input extent SCALE-Sim needs along one axis. SCALE-Sim has no padding and rounds the output
 * size up, so the equivalent input is the real one with its leading padding, brought into the range
 * where SCALE-Sim's ceil((in - filter) / stride) + 1 gives npusim's output size: trailing padding
 * up to the last window becomes SCALE-Sim's own round-up, and rows no window reads are dropped.
 */
function scaleSimExtent(input: number, padBefore: number, kernel: number, stride: number, output: number): number {
  const largest = (output - 1) * stride + kernel;
  const smallest = Math.max(kernel, largest - stride + 1);
  return Math.min(largest, Math.max(smallest, padBefore + input));
}

export interface ScaleSimEquivalent {
  /** One SCALE-Sim layer; */
  readonly layer: ScaleSimLayer;
  /** run this many times back to back (batch x groups: SCALE-Sim has neither). */
  readonly repeats: number;
}

/**
 * The SCALE-Sim layer an array op runs as. fully_connected is SCALE-Sim's GEMM form (M = batch, N
 * outputs, K inputs). A grouped or depthwise conv runs one SCALE-Sim layer per group, as SCALE-Sim's
 * own "DP" layers run one single-channel layer per channel; a batch runs one layer per image.
 */
export function scaleSimEquivalent(op: ArrayOp, geometry: ConvGeometry, graphFile: string, path: string): ScaleSimEquivalent {
  const base = { name: op.name, line: 0 };
  if (op.op === 'fully_connected') {
    const k = geometry.inChannels;
    return {
      layer: {
        ...base,
        ifmapHeight: geometry.batch,
        ifmapWidth: k,
        filterHeight: 1,
        filterWidth: k,
        channels: 1,
        numFilters: geometry.outChannels,
        strideHeight: 1,
        strideWidth: 1,
      },
      repeats: 1,
    };
  }
  if (geometry.dilationHeight !== 1 || geometry.dilationWidth !== 1) {
    throw new InputError(
      `${op.op} "${op.name}" is dilated; SCALE-Sim timing has no dilated convolutions (use timing model npusim)`,
      graphFile,
      `${path}.dilation`,
    );
  }
  const groups = geometry.depthwise ? geometry.inChannels : geometry.inChannels / geometry.groupChannels;
  return {
    layer: {
      ...base,
      ifmapHeight: scaleSimExtent(geometry.inHeight, geometry.padTop, geometry.kernelHeight, geometry.strideHeight, geometry.outHeight),
      ifmapWidth: scaleSimExtent(geometry.inWidth, geometry.padLeft, geometry.kernelWidth, geometry.strideWidth, geometry.outWidth),
      filterHeight: geometry.kernelHeight,
      filterWidth: geometry.kernelWidth,
      channels: geometry.groupChannels,
      numFilters: geometry.groupOutputs,
      strideHeight: geometry.strideHeight,
      strideWidth: geometry.strideWidth,
    },
    repeats: geometry.batch * groups,
  };
}

export interface ScaleSimArrayCycles {
  readonly compute: ComputeCycles;
  /** SCALE-Sim's stall cycles (USER bandwidth only). */
  readonly memoryStall: number;
}

/**
 * An array op's cycles under SCALE-Sim timing: SCALE-Sim's Total Cycles (its -1 included) times the
 * repeats, split the way SCALE-Sim's folds spend them: T streaming rows per fold, R stationary-load
 * rows per fold (ws, is), fill/drain the rest, stalls apart.
 */
export function scaleSimArrayCycles(
  config: ScaleSimConfig,
  op: ArrayOp,
  geometry: ConvGeometry,
  graphFile: string,
  path: string,
): ScaleSimArrayCycles {
  const { layer, repeats } = scaleSimEquivalent(op, geometry, graphFile, path);
  const result = simulateLayer(config, layer);
  const folds = foldMapping(layerGeometry(layer), config.dataflow, config.arrayRows, config.arrayCols);
  const foldCount = folds.rowFolds * folds.colFolds;
  const compute = result.totalCycles - result.stallCycles;
  const streaming = foldCount * folds.temporal;
  const stationaryLoad = scaleSimDataflow(config.dataflow).preloadsStationary ? foldCount * config.arrayRows : 0;
  return {
    compute: {
      streaming: repeats * streaming,
      stationaryLoad: repeats * stationaryLoad,
      fillDrain: repeats * (compute - streaming - stationaryLoad),
      total: repeats * compute,
    },
    memoryStall: repeats * result.stallCycles,
  };
}

/** SCALE-Sim's timing as npusim's lowering asks for it (one SCALE-Sim config per machine). */
export function scaleSimTiming(hardware: Hardware): TimingModel {
  const config = scaleSimConfigFor(hardware);
  return {
    name: 'scalesim',
    arrayCycles: (layer: ArrayLayerTiming) => scaleSimArrayCycles(config, layer.op, layer.geometry, layer.graphFile, layer.path),
  };
}

/** The timing model a machine asks for (`timing.model`): SCALE-Sim's, or npusim's own. */
export function timingModelFor(hardware: Hardware): TimingModel {
  return hardware.timing.model === 'scalesim' ? scaleSimTiming(hardware) : NPUSIM_TIMING;
}
