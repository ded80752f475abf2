/**
 * WebAssembly text to binary with wabt (the reference tools' assembler): SIMD, and threads for the
 * kernels' shared memory. Used by the build (scripts/build-wasm.mjs) and the bench's GEMM ceiling.
 */
import wabtFactory from 'wabt';

const FEATURES = { simd: true, threads: true };
let wabt;

/** The module's bytes; throws with wabt's message (file, line and column) when it does not assemble or validate. */
export async function assembleWat(name, text) {
  wabt ??= await wabtFactory();
  const module = wabt.parseWat(name, text, FEATURES);
  try {
    module.validate(FEATURES);
    return module.toBinary({ log: false }).buffer;
  } finally {
    module.destroy();
  }
}
