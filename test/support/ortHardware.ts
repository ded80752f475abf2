/** The edge-npu-ort preset (configs/edge-npu-ort.json): what an ONNX model runs exactly on. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadHardwareData } from '../../src/formats/loadHardware.js';
import type { Hardware } from '../../src/hardware/model.js';
import { REPO } from './files.js';

/** The preset as JSON data, without its $schema (tests write it elsewhere). */
export function ortHardwareConfig(): Record<string, unknown> {
  const config = JSON.parse(readFileSync(join(REPO, 'configs/edge-npu-ort.json'), 'utf8')) as Record<string, unknown>;
  delete config.$schema;
  return config;
}

export function ortHardware(): Hardware {
  return loadHardwareData(ortHardwareConfig(), 'edge-npu-ort', join(REPO, 'configs'));
}
