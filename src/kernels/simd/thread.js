/**
 * A kernel thread: the SIMD kernels instantiated over the main thread's shared memory, running the
 * output rows it is handed (src/kernels/simd/threads.ts describes the control block). Plain
 * JavaScript importing nothing of npusim's, so that it runs as it is from src/ under the tests and
 * from dist/ when built.
 */
import { workerData } from 'node:worker_threads';

const { module, memory, control } = workerData;
const { exports } = new WebAssembly.Instance(module, { env: { memory } });
const words = new Int32Array(control, 0, 16);
const reals = new Float64Array(control, 64, 12);
// Ready: the main thread hands this thread work only once it has said so.
Atomics.store(words, 7, 1);
Atomics.notify(words, 7);

for (;;) {
  // Idle (0) or finished (2, 3) until the main thread hands a job (1) or says stop (4).
  let state = Atomics.load(words, 0);
  while (state !== 1 && state !== 4) {
    Atomics.wait(words, 0, state);
    state = Atomics.load(words, 0);
  }
  if (state === 4) break;
  try {
    exports.resetExtremes();
    exports.resetZeroMacs();
    if (words[5] === 1) exports.setWide(reals[0], reals[1], words[6]);
    words[4] = exports.layerRows(words[1], words[2], words[3]);
    reals[2] = exports.zeroMacs();
    reals[3] = exports.finalLow();
    reals[4] = exports.finalHigh();
    reals[5] = exports.partialLow();
    reals[6] = exports.partialHigh();
    reals[7] = exports.wideFinalLow();
    reals[8] = exports.wideFinalHigh();
    reals[9] = exports.widePartialLow();
    reals[10] = exports.widePartialHigh();
    Atomics.store(words, 0, 2);
  } catch {
    Atomics.store(words, 0, 3);
  }
  Atomics.notify(words, 0);
}
