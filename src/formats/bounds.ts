/**
 * The bounds of every numeric field of the input files (docs/formats.md, "Limits"). They keep
 * every count npusim derives (cycles, bytes, MACs, elements) an exact integer below 2^53 or make
 * the lowering's guard name the layer when a total would pass it, and every scale a float32 value
 * the libraries npusim reproduces can store.
 */

/** Smallest positive normal float32: TFLite and ONNX store scales as float32. */
export const FLOAT32_MIN_NORMAL = 2 ** -126;
/** Largest finite float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Largest tensor, in elements: npusim holds a tensor's values in one typed array (V8 caps its length at 2^32). */
export const MAX_TENSOR_ELEMENTS = 2 ** 32;
/** Largest dimension of a shape, window or padding. */
export const MAX_DIMENSION = MAX_TENSOR_ELEMENTS;
/** Largest stride or dilation: (k - 1) * dilation + 1 stays exact for any window. */
export const MAX_STRIDE = 65536;

export const CLOCK_MHZ = { min: 0.001, max: 100_000 } as const;
/** A PE that takes 64 cycles per MAC (e.g. wide operands on a narrow PE) is the slowest modelled. */
export const MACS_PER_PE_PER_CYCLE = { min: 1 / 64, max: 16 } as const;
/** One byte to 1 TiB. */
export const SRAM_KIB = { min: 1 / 1024, max: 2 ** 30 } as const;
/** One byte per 1,024 cycles to 1 MiB a cycle, for SRAM and DRAM. */
export const BYTES_PER_CYCLE = { min: 1 / 1024, max: 2 ** 20 } as const;
export const LATENCY_CYCLES = { min: 0, max: 2 ** 20 } as const;
export const OP_CYCLES = { min: 1, max: 1024 } as const;
/** One per PE of the largest array (4096 x 4096). */
export const OUTPUTS_PER_CYCLE = { min: 1, max: 2 ** 24 } as const;
/** A microjoule per action is far beyond any table (DRAM is about 100 pJ a byte). */
export const PICOJOULES = { min: 0, max: 1e6 } as const;

/** Exact integer arithmetic on doubles: every count npusim reports stays at or below this. */
export const MAX_EXACT_INTEGER = Number.MAX_SAFE_INTEGER;

/** `min..max` as a description states it. */
export function rangeText(range: { readonly min: number; readonly max: number }): string {
  const show = (value: number): string => {
    if (value !== 0 && Number.isInteger(Math.log2(Math.abs(value))) && Math.abs(value) >= 1024) return `2^${Math.log2(value)}`;
    if (value !== 0 && Number.isInteger(Math.log2(Math.abs(value))) && Math.abs(value) < 1) return `2^${Math.log2(value)}`;
    return String(value);
  };
  return `${show(range.min)}..${show(range.max)}`;
}

/**
 * The memory a command may use for tensor values unless told otherwise (--max-memory,
 * NPUSIM_MAX_MEMORY): what the graph's constants take once loaded and, for a run, every tensor the
 * engine keeps and the largest layer's working set (src/engine/memory.ts).
 */
export const DEFAULT_MAX_MEMORY_BYTES = 4 * 2 ** 30;

export { BYTES_PER_VALUE } from '../engine/memory.js';
