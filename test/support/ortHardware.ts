/** The edge-npu preset under the ort-float requantization mode: what an ONNX model runs exactly on. */
import { readFileSync } from 'node:fs';
import { loadHardwareData } from '../../src/formats/loadHardware.js';
import type { Hardware } from '../../src/hardware/model.js';

export function ortHardwareConfig(): Record<string, unknown> {
  const config = JSON.parse(readFileSync('configs/edge-npu.json', 'utf8')) as Record<string, unknown> & {
    array: { operandModes: unknown[] };
  };
  delete config.$schema;
  config.name = 'edge-npu-ort';
  config.requant = { mode: 'ort-float', unit: 'dedicated' };
  config.array.operandModes = [
    ...config.array.operandModes,
    { weights: 'u8', activations: 'u8', macsPerPePerCycle: 1 },
    { weights: 'u8', activations: 's8', macsPerPePerCycle: 1 },
  ];
  return config;
}

export function ortHardware(): Hardware {
  return loadHardwareData(ortHardwareConfig(), 'edge-npu-ort', 'configs');
}
