/**
 * SCALE-Sim timing on npusim's own graphs: which SCALE-Sim layer each array op stands for (padding,
 * depthwise and fully connected layers), that only the array layers' cycles change, and the
 * hardware fields SCALE-Sim timing needs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGraphArgument } from '../../src/pipeline/graphArgument.js';
import { InputError } from '../../src/errors.js';
import { type HardwareConfig, hardwareSchema } from '../../src/formats/hardwareSchema.js';
import type { Hardware } from '../../src/hardware/model.js';
import { checkHardwareRules, loadHardwareFile } from '../../src/formats/loadHardware.js';
import { type ArrayLayerSchedule, lowerGraph } from '../../src/lower/schedule.js';
import { scaleSimConfigFor, scaleSimEquivalent, scaleSimTiming } from '../../src/scalesim/timing.js';
import { simulateLayer } from '../../src/scalesim/model.js';
import type { ScaleSimLayer } from '../../src/scalesim/topology.js';
import { REPO } from '../support/files.js';

const EDGE_NPU = join(REPO, 'configs/edge-npu.json');
/** The config as its file writes it (the timing rules read files) and the machine it resolves to. */
const edgeNpu = hardwareSchema.parse(JSON.parse(readFileSync(EDGE_NPU, 'utf8')));
const scaleSimTimed: HardwareConfig = { ...edgeNpu, timing: { model: 'scalesim' } };
const edgeMachine = loadHardwareFile(EDGE_NPU);
const scaleSimMachine: Hardware = { ...edgeMachine, timing: { model: 'scalesim', interfaceBandwidth: 'CALC' } };
const mobilenet = loadGraphArgument('zoo:mobilenet_v1');

function layer(fields: Omit<ScaleSimLayer, 'name' | 'line'> & { name?: string }): ScaleSimLayer {
  return { name: 'x', line: 0, ...fields };
}

function arrayLayer(schedule: ReturnType<typeof lowerGraph>, name: string): ArrayLayerSchedule {
  const found = schedule.layers.find((candidate) => candidate.name === name);
  if (found === undefined || found.unit !== 'array') throw new Error(`no array layer ${name}`);
  return found;
}

describe('SCALE-Sim timing of npusim graphs (mobilenet_v1 zoo network on edge-npu)', () => {
  const scaleSim = scaleSimConfigFor(scaleSimMachine);
  const timed = lowerGraph(mobilenet, scaleSimMachine, scaleSimTiming(scaleSimMachine));
  const own = lowerGraph(mobilenet, edgeMachine);

  it('maps edge-npu to SCALE-Sim keys: 32x32 ws, 256/256/128 KiB, CALC', () => {
    expect(scaleSim).toMatchObject({
      arrayRows: 32,
      arrayCols: 32,
      dataflow: 'ws',
      ifmapSramKiB: 256,
      filterSramKiB: 256,
      ofmapSramKiB: 128,
      bandwidthMode: 'CALC',
      userBandwidthWordsPerCycle: 0,
    });
    expect(scaleSimConfigFor({ ...edgeMachine, timing: { model: 'scalesim', interfaceBandwidth: 'USER' } })).toMatchObject({
      bandwidthMode: 'USER',
      userBandwidthWordsPerCycle: 16,
    });
  });

  it('conv1 (224x224x3, 3x3 stride 2, same padding 0 above, 1 below: 112x112): SCALE-Sim input 224x224, the padding is its round-up', () => {
    const conv1Op = mobilenet.ops.find((op) => op.name === 'conv1');
    if (conv1Op === undefined || conv1Op.op !== 'conv2d') throw new Error('mobilenet_v1 has conv1');
    expect(scaleSimEquivalent(conv1Op, arrayLayer(timed, 'conv1').geometry, 'g', '$.ops[0]')).toEqual({
      layer: layer({
        name: 'conv1',
        ifmapHeight: 224,
        ifmapWidth: 224,
        filterHeight: 3,
        filterWidth: 3,
        channels: 3,
        numFilters: 32,
        strideHeight: 2,
        strideWidth: 2,
      }),
      repeats: 1,
    });
    const expected = simulateLayer(
      scaleSim,
      layer({
        ifmapHeight: 224,
        ifmapWidth: 224,
        filterHeight: 3,
        filterWidth: 3,
        channels: 3,
        numFilters: 32,
        strideHeight: 2,
        strideWidth: 2,
      }),
    );
    const conv1 = arrayLayer(timed, 'conv1');
    expect(conv1.cycles.compute).toBe(expected.totalCycles);
    // ws: one fold (K = 27, F = 32) of 2R + C + T - 2 rows with T = 112 x 112, less SCALE-Sim's 1.
    expect(expected.totalCycles).toBe(64 + 32 + 12544 - 2 - 1);
  });

  it('block1_dw (depthwise, 32 channels of 112x112, same padding 1 around): 32 single-channel SCALE-Sim layers of 114x114', () => {
    const dwOp = mobilenet.ops.find((op) => op.name === 'block1_dw');
    if (dwOp === undefined || dwOp.op !== 'depthwise_conv2d') throw new Error('mobilenet_v1 has block1_dw');
    expect(scaleSimEquivalent(dwOp, arrayLayer(timed, 'block1_dw').geometry, 'g', '$.ops[1]')).toEqual({
      layer: layer({
        name: 'block1_dw',
        ifmapHeight: 114,
        ifmapWidth: 114,
        filterHeight: 3,
        filterWidth: 3,
        channels: 1,
        numFilters: 1,
        strideHeight: 1,
        strideWidth: 1,
      }),
      repeats: 32,
    });
    const expected = simulateLayer(
      scaleSim,
      layer({
        ifmapHeight: 114,
        ifmapWidth: 114,
        filterHeight: 3,
        filterWidth: 3,
        channels: 1,
        numFilters: 1,
        strideHeight: 1,
        strideWidth: 1,
      }),
    );
    const dw = arrayLayer(timed, 'block1_dw');
    expect(dw.cycles.compute).toBe(32 * expected.totalCycles);
    expect(dw.cycles.streaming).toBe(32 * 12544);
    expect(dw.cycles.stationaryLoad).toBe(32 * 32);
  });

  it('fc (1024 -> 1000): SCALE-Sim GEMM form M = 1, N = 1000, K = 1024', () => {
    const expected = simulateLayer(
      scaleSim,
      layer({
        ifmapHeight: 1,
        ifmapWidth: 1024,
        filterHeight: 1,
        filterWidth: 1024,
        channels: 1,
        numFilters: 1000,
        strideHeight: 1,
        strideWidth: 1,
      }),
    );
    expect(arrayLayer(timed, 'fc').cycles.compute).toBe(expected.totalCycles);
    expect(expected.totalCycles).toBe(32 * 32 * (64 + 32 + 1 - 2) - 1);
  });

  it("keeps the mapping, tiles, traffic and actions, and the vector layers' cycles", () => {
    timed.layers.forEach((timedLayer, index) => {
      const ownLayer = own.layers[index];
      expect(ownLayer?.name).toBe(timedLayer.name);
      expect(timedLayer.traffic).toEqual(ownLayer?.traffic);
      expect(timedLayer.actions).toEqual(ownLayer?.actions);
      if (timedLayer.unit === 'array' && ownLayer?.unit === 'array') {
        expect(timedLayer.mapping).toEqual(ownLayer.mapping);
        expect(timedLayer.tiling).toEqual(ownLayer.tiling);
        expect(timedLayer.cycles.memoryStall).toBe(0); // CALC: SCALE-Sim never stalls
      } else {
        expect(timedLayer.cycles).toEqual(ownLayer?.cycles);
      }
    });
  });
});

describe('hardware fields SCALE-Sim timing needs', () => {
  function problem(config: HardwareConfig): string {
    try {
      checkHardwareRules(config, 'hw.json');
    } catch (error) {
      if (error instanceof InputError) return error.describe();
      throw error;
    }
    return 'no problem';
  }
  const split = edgeNpu.memory.sram as Extract<HardwareConfig['memory']['sram'], { inputs: unknown }>;

  it('refuses a unified SRAM, fractional KiB, a fractional USER bandwidth, and interfaceBandwidth without scalesim', () => {
    expect(problem({ ...scaleSimTimed, memory: { ...edgeNpu.memory, sram: { unified: { kib: 512, bytesPerCycle: 64 } } } })).toBe(
      'hw.json:$.memory.sram: SCALE-Sim timing needs split SRAM (inputs, weights, outputs): SCALE-Sim models separate IFMAP, FILTER and OFMAP SRAMs',
    );
    expect(problem({ ...scaleSimTimed, memory: { ...edgeNpu.memory, sram: { ...split, weights: { kib: 1.5, bytesPerCycle: 64 } } } })).toBe(
      "hw.json:$.memory.sram.weights.kib: SCALE-Sim timing needs whole KiB for each SRAM (SCALE-Sim's *SramSzkB are integers), got 1.5",
    );
    expect(
      problem({
        ...edgeNpu,
        timing: { model: 'scalesim', interfaceBandwidth: 'USER' },
        memory: { ...edgeNpu.memory, dram: { bytesPerCycle: 12.5, latencyCycles: 0 } },
      }),
    ).toBe(
      "hw.json:$.memory.dram.bytesPerCycle: SCALE-Sim's USER bandwidth is a whole number of words per cycle, got 12.5 bytes per cycle",
    );
    expect(problem({ ...edgeNpu, timing: { model: 'npusim', interfaceBandwidth: 'CALC' } })).toBe(
      'hw.json:$.timing.interfaceBandwidth: interfaceBandwidth is a SCALE-Sim setting: it needs "model": "scalesim"',
    );
    expect(problem(scaleSimTimed)).toBe('no problem');
  });

  it('refuses a dilated convolution, naming the op', () => {
    const dilated = loadGraphArgument('zoo:small_cnn');
    const index = dilated.ops.findIndex((op) => op.op === 'conv2d');
    const op = dilated.ops[index];
    if (op === undefined || op.op !== 'conv2d') throw new Error('small_cnn has a conv2d');
    const ops = [...dilated.ops];
    ops[index] = { ...op, dilation: [2, 2], padding: 'same' };
    expect(() => lowerGraph({ ...dilated, ops }, scaleSimMachine, scaleSimTiming(scaleSimMachine))).toThrow(
      /is dilated; SCALE-Sim timing has no dilated convolutions/,
    );
  });
});
