/**
 * The quantization lab's evaluation speed (issue 15: a 10,000-image MNIST evaluation under a minute
 * on 2 cores): `npusim evaluate` of the shipped MNIST model at 8 bits over the whole test set, through
 * the built CLI, with the default layer-alone SQNR on 100 images. Judged in baseline GEMMs timed in
 * the same run (bench/baseline.mjs), as every bench is.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
// The bundle bin/npusim.js starts, whose worker threads start from their own bundled entries.
import { main } from '../dist/bundle/cli.js';
import { measureBaseline, printTable, referenceSecondsInGemms, reportTargets } from './baseline.mjs';

const HARDWARE = fileURLToPath(new URL('../configs/edge-npu.json', import.meta.url));
const TARGET_SECONDS = 60;
const jobs = Math.min(2, availableParallelism());
const directory = mkdtempSync(join(tmpdir(), 'npusim-bench-lab-'));
const quiet = { stdout: () => undefined, stderr: () => undefined, colour: false };

async function timed(argv) {
  const start = performance.now();
  const code = await main(argv, quiet);
  if (code !== 0) throw new Error(`npusim ${argv.join(' ')} exited ${code}`);
  return (performance.now() - start) / 1000;
}

const baseline = measureBaseline();
const graph = join(directory, 'mnist8.json');
const quantize = await timed(['quantize', 'zoo:mnist_cnn', '--calib', 'mnist', '--out', graph]);
const evaluate = await timed([
  'evaluate',
  graph,
  '--hw',
  HARDWARE,
  '--data',
  'mnist',
  '--jobs',
  String(jobs),
  '--out',
  join(directory, 'e.txt'),
]);
rmSync(directory, { recursive: true, force: true });
const evaluateGemms = evaluate / baseline.seconds;
printTable([
  ['step', 'seconds', 'baseline GEMMs'],
  ['quantize (500 calibration images)', quantize.toFixed(2), (quantize / baseline.seconds).toFixed(1)],
  [`evaluate 10,000 images (${jobs} workers)`, evaluate.toFixed(2), evaluateGemms.toFixed(1)],
]);
reportTargets([
  {
    what: `10,000-image MNIST evaluation within ${TARGET_SECONDS} s on the reference machine (${referenceSecondsInGemms(TARGET_SECONDS).toFixed(0)} baseline GEMMs): ${evaluateGemms.toFixed(0)}`,
    met: evaluateGemms <= referenceSecondsInGemms(TARGET_SECONDS),
  },
]);
