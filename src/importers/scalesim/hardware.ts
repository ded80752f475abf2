/**
 * A SCALE-Sim config as an npusim hardware config with SCALE-Sim timing. What SCALE-Sim's cfg says
 * is carried over (src/lower/scaleSimTiming.ts maps it back the same way); what SCALE-Sim does not
 * model (accumulators, requantization, vector unit, energy) takes npusim's edge-npu defaults.
 */
import type { z } from 'zod';
import type { hardwareSchema } from '../../formats/hardwareSchema.js';
import type { ScaleSimConfig } from '../../scalesim/config.js';

/** The hardware JSON as written (the schema's input form: defaults may be left out). */
export type HardwareFileJson = z.input<typeof hardwareSchema>;

/**
 * DRAM bandwidth when a CALC cfg states none: SCALE-Sim's CALC mode assumes 10 words per cycle for
 * the first fill of each buffer (cycle-model.md); npusim's own timing model would use it.
 */
const CALC_DEFAULT_DRAM_WORDS_PER_CYCLE = 10;

export function importScaleSimHardware(config: ScaleSimConfig, configFile: string): HardwareFileJson {
  const { arrayRows: rows, arrayCols: columns } = config;
  // SCALE-Sim's SRAMs serve whatever the array asks each cycle: at most one array edge.
  const edgeBytesPerCycle = Math.max(rows, columns);
  const dramWordsPerCycle =
    config.bandwidthMode === 'USER'
      ? config.userBandwidthWordsPerCycle
      : (config.bandwidthsWordsPerCycle[0] ?? CALC_DEFAULT_DRAM_WORDS_PER_CYCLE);
  return {
    name: config.runName,
    description:
      `Imported from the SCALE-Sim config ${configFile} by npusim import scalesim: array, dataflow, SRAM sizes and DRAM bandwidth are SCALE-Sim's ` +
      "(one-byte words, so a SCALE-Sim kB is a KiB here), cycles come from SCALE-Sim's model; accumulators, requantization, vector unit and energy are npusim's edge-npu defaults.",
    sources: [
      `${configFile}: ArrayHeight, ArrayWidth, Dataflow, IfmapSramSzkB, FilterSramSzkB, OfmapSramSzkB, InterfaceBandwidth, Bandwidth`,
      'clockMHz 1000 so that a cycle is a nanosecond (SCALE-Sim has no clock); SRAM bytes per cycle one array edge (SCALE-Sim never waits for SRAM)',
      "accumulators, requantization, vector unit and energy table: configs/edge-npu.json's choices",
    ],
    clockMHz: 1000,
    array: {
      rows,
      columns,
      dataflow: config.dataflow,
      operandModes: [{ weights: 's8', activations: 's8', macsPerPePerCycle: 1 }],
      zeroGating: false,
    },
    accumulator: { bits: 32, overflow: 'wrap' },
    requant: { mode: 'tflite-double', unit: 'dedicated' },
    vector: { vectorBytes: 128, issueSlots: 2, opCycles: {} },
    memory: {
      sram: {
        inputs: { kib: config.ifmapSramKiB, bytesPerCycle: edgeBytesPerCycle },
        weights: { kib: config.filterSramKiB, bytesPerCycle: edgeBytesPerCycle },
        outputs: { kib: config.ofmapSramKiB, bytesPerCycle: edgeBytesPerCycle },
      },
      dram: { bytesPerCycle: dramWordsPerCycle, latencyCycles: 0 },
      doubleBuffering: true,
    },
    energy: { table: 'horowitz45' },
    timing: { model: 'scalesim', interfaceBandwidth: config.bandwidthMode },
  };
}
