/** Whole-layer anchors (TFLite Micro, onnxruntime) from the shared folder, one record per line. */
import { readFileSync } from 'node:fs';
import { sharedPath } from './sharedFolder.js';

export function readAnchors<T extends { op: string }>(file: string, ops: readonly string[]): T[] {
  return readFileSync(sharedPath('anchors/layers', file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T)
    .filter((anchor) => ops.includes(anchor.op));
}
