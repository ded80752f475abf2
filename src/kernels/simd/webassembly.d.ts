/**
 * The part of the WebAssembly JavaScript API the SIMD kernels use. Node has it as a global, but
 * @types/node 20 leaves it to the DOM library, which npusim does not compile against.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: Record<string, never>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  function validate(bytes: Uint8Array): boolean;
}
