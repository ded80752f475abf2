/**
 * What a hardware config needs for SCALE-Sim timing (`timing.model: "scalesim"`): SCALE-Sim has
 * three separate SRAMs sized in whole kB and, in USER mode, a whole number of DRAM words per cycle.
 * Checked when the config is loaded, and again by the timing adapter (src/lower/scaleSimTiming.ts).
 */
import { InputError } from '../errors.js';
import type { HardwareConfig } from './hardwareSchema.js';

export function checkScaleSimTimingRules(config: HardwareConfig, file: string): void {
  const { timing } = config;
  if (timing.model !== 'scalesim') {
    if (timing.interfaceBandwidth !== undefined) {
      throw new InputError('interfaceBandwidth is a SCALE-Sim setting: it needs "model": "scalesim"', file, '$.timing.interfaceBandwidth');
    }
    return;
  }
  const sram = config.memory.sram;
  if ('unified' in sram) {
    throw new InputError('SCALE-Sim timing needs split SRAM (inputs, weights, outputs): SCALE-Sim models separate IFMAP, FILTER and OFMAP SRAMs', file, '$.memory.sram');
  }
  for (const operand of ['inputs', 'weights', 'outputs'] as const) {
    const kib = sram[operand].kib;
    if (!Number.isInteger(kib)) {
      throw new InputError(`SCALE-Sim timing needs whole KiB for each SRAM (SCALE-Sim's *SramSzkB are integers), got ${kib}`, file, `$.memory.sram.${operand}.kib`);
    }
  }
  const dram = config.memory.dram.bytesPerCycle;
  if (timing.interfaceBandwidth === 'USER' && !Number.isInteger(dram)) {
    throw new InputError(`SCALE-Sim's USER bandwidth is a whole number of words per cycle, got ${dram} bytes per cycle`, file, '$.memory.dram.bytesPerCycle');
  }
}
