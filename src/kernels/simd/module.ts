/**
 * The WebAssembly SIMD kernels (kernels.wat, assembled by `npm run build`), loaded once per thread.
 * Where WebAssembly SIMD is missing, or the assembled file is, the plain TypeScript kernels run
 * instead and give the same numbers; NPUSIM_KERNELS=plain asks for them on purpose.
 */
import { readFileSync } from 'node:fs';
import { KernelThreads } from './threads.js';

export type KernelKind = 'simd' | 'plain';

interface KernelExports {
  shiftInput(source: number, count: number, zeroPoint: number, target: number): number;
  layerRows(params: number, rowStart: number, rowEnd: number): number;
  resetExtremes(): void;
  finalLow(): number;
  finalHigh(): number;
  partialLow(): number;
  partialHigh(): number;
  resetZeroMacs(): void;
  zeroMacs(): number;
  setWide(registerMin: number, registerMax: number, int32Input: number): void;
  layOutWeights(
    source: number,
    target: number,
    sums: number,
    nonZero: number,
    depth: number,
    outChannels: number,
    groupOutputs: number,
    groups: number,
    blocks: number,
    depthwise: number,
  ): void;
  weightLow(): number;
  weightHigh(): number;
  floatRows(params: number, rowStart: number, rowEnd: number): void;
  wideFinalLow(): number;
  wideFinalHigh(): number;
  widePartialLow(): number;
  widePartialHigh(): number;
}

const WASM_PAGE_BYTES = 65_536;
/** The shared memory's maximum: 4 GiB, reserved as address space, not taken. */
const MAX_PAGES = 65_536;

/** A layer needs more than the kernels' memory can hold: it runs on the plain kernels instead. */
export class KernelMemoryFull extends Error {}

/** The kernels and their linear memory, which one layer at a time lays out from byte 0. */
export class SimdKernels {
  private kernelThreads: KernelThreads | undefined;

  private constructor(
    private readonly exports: KernelExports,
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
  ) {}

  static load(): SimdKernels | undefined {
    let bytes: Buffer;
    try {
      bytes = readFileSync(new URL('./kernels.wasm', import.meta.url));
    } catch {
      return undefined;
    }
    if (!WebAssembly.validate(bytes)) return undefined;
    const module = new WebAssembly.Module(bytes);
    // Shared, so that kernel threads can run other rows of a layer in it. Where the address space
    // cannot be reserved (a ulimit), the plain kernels run.
    let memory: WebAssembly.Memory;
    try {
      memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    } catch {
      return undefined;
    }
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    return new SimdKernels(instance.exports as unknown as KernelExports, module, memory);
  }

  /** Worker threads over this memory, started on first use. */
  get threads(): KernelThreads {
    this.kernelThreads ??= new KernelThreads(this.module, this.memory);
    return this.kernelThreads;
  }

  get shiftInput(): KernelExports['shiftInput'] {
    return this.exports.shiftInput;
  }

  get floatRows(): KernelExports['floatRows'] {
    return this.exports.floatRows;
  }

  get layerRows(): KernelExports['layerRows'] {
    return this.exports.layerRows;
  }

  resetZeroMacs(): void {
    this.exports.resetZeroMacs();
  }

  /** Starts a wide layer's requantization: the register's exact range, whether the mode takes int32. */
  setWide(registerMin: number, registerMax: number, int32Input: boolean): void {
    this.exports.setWide(registerMin, registerMax, int32Input ? 1 : 0);
  }

  /** The extremes of a wide layer's requantized outputs. */
  wideExtremes(): { finalLow: number; finalHigh: number; partialLow: number; partialHigh: number } {
    const e = this.exports;
    return { finalLow: e.wideFinalLow(), finalHigh: e.wideFinalHigh(), partialLow: e.widePartialLow(), partialHigh: e.widePartialHigh() };
  }

  /** Lays weights out for the lanes in the kernels' memory (kernels.wat layOutWeights); returns their range. */
  layOutWeights(
    source: number,
    target: number,
    sums: number,
    nonZero: number,
    depth: number,
    outChannels: number,
    groupOutputs: number,
    groups: number,
    blocks: number,
    depthwise: boolean,
  ): { low: number; high: number } {
    const e = this.exports;
    e.layOutWeights(source, target, sums, nonZero, depth, outChannels, groupOutputs, groups, blocks, depthwise ? 1 : 0);
    return { low: e.weightLow(), high: e.weightHigh() };
  }

  /** Zero-operand MACs counted by layerRows() since resetZeroMacs(). */
  zeroMacs(): number {
    return this.exports.zeroMacs();
  }

  /** Starts the extremes the layer's requantization keeps. */
  resetExtremes(): void {
    this.exports.resetExtremes();
  }

  /** The extremes of the final sums and of every partial value of the outputs the kernels requantized. */
  extremes(): { finalLow: number; finalHigh: number; partialLow: number; partialHigh: number } {
    const e = this.exports;
    return { finalLow: e.finalLow(), finalHigh: e.finalHigh(), partialLow: e.partialLow(), partialHigh: e.partialHigh() };
  }

  /** The memory grown to at least `bytes`; views taken before a call to this are stale after it. */
  reserve(bytes: number): SharedArrayBuffer {
    const memory = this.memory;
    const size = memory.buffer.byteLength;
    if (bytes <= size) return memory.buffer;
    const pages = size / WASM_PAGE_BYTES;
    const needed = Math.ceil(bytes / WASM_PAGE_BYTES);
    if (needed > MAX_PAGES)
      throw new KernelMemoryFull(`a layer needs ${bytes} bytes of kernel memory, past ${MAX_PAGES * WASM_PAGE_BYTES}`);
    // At least doubling (a network's layers ask for more a little at a time), within the maximum.
    const target = Math.min(MAX_PAGES, Math.max(needed, 2 * pages));
    try {
      memory.grow(target - pages);
    } catch {
      // The system would not give the doubled size: ask for what is needed.
      try {
        memory.grow(needed - pages);
      } catch {
        throw new KernelMemoryFull(`the system would not grow the kernel memory to ${bytes} bytes`);
      }
    }
    return memory.buffer;
  }
}

let kernels: SimdKernels | null | undefined;

/** The SIMD kernels, or undefined where they cannot run. */
export function simdKernels(): SimdKernels | undefined {
  if (kernels === undefined) kernels = SimdKernels.load() ?? null;
  return kernels ?? undefined;
}

/** What runs when the caller does not say: SIMD where available, unless NPUSIM_KERNELS=plain. */
export function defaultKernels(): KernelKind {
  return process.env.NPUSIM_KERNELS !== 'plain' && simdKernels() !== undefined ? 'simd' : 'plain';
}
