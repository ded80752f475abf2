/** What every layer laid out in the kernels' memory shares: aligned regions and the geometry words. */
import type { ConvGeometry } from '../../graph/geometry.js';

/** Bytes rounded up to the kernels' 16-byte vectors. */
export function aligned(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/** Regions laid out one after the other from byte 0, each 16-byte aligned. */
export class Layout {
  bytes = 0;
  take(bytes: number): number {
    const at = this.bytes;
    this.bytes += aligned(bytes);
    return at;
  }
}

/** The geometry a layer description carries, in the fields' ConvGeometry names. */
const GEOMETRY_FIELDS = [
  'inHeight',
  'inWidth',
  'inChannels',
  'outHeight',
  'outWidth',
  'outChannels',
  'kernelHeight',
  'kernelWidth',
  'strideHeight',
  'strideWidth',
  'dilationHeight',
  'dilationWidth',
  'padTop',
  'padLeft',
  'groupChannels',
  'groupOutputs',
] as const;

/** Writes the geometry into a layer description whose word of each field `index` gives. */
export function writeGeometry(words: Int32Array, index: Readonly<Record<(typeof GEOMETRY_FIELDS)[number], number>>, g: ConvGeometry): void {
  for (const field of GEOMETRY_FIELDS) words[index[field]] = g[field];
}

/** Whether two geometries lay a weight tensor out alike (the fields its lanes' layout follows). */
export function sameWeightGeometry(a: ConvGeometry, b: ConvGeometry): boolean {
  return (
    a.outChannels === b.outChannels &&
    a.kernelHeight === b.kernelHeight &&
    a.kernelWidth === b.kernelWidth &&
    a.groupChannels === b.groupChannels &&
    a.groupOutputs === b.groupOutputs &&
    a.depthwise === b.depthwise
  );
}
