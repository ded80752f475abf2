/**
 * Sweep throughput (runs the bundled CLI through its own entry, as `npusim sweep` does):
 * a timing-only sweep of MobileNet v1 and a values-on sweep, where points that differ in value-free
 * fields share a values pass. The target (issue 17: 1,000 timing-only points a second on 2 cores,
 * setup counted, set on the shared 2-core machine) is judged as points per baseline GEMM timed in
 * the same run (bench/baseline.mjs), not as an absolute rate. Setup is the sweep's own: its check,
 * the network read from the zoo cache (a first sweep, timed apart, fills it), the workers' start.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
// The bundle bin/npusim.js starts, whose worker threads start from their own bundled entries.
import { main } from '../dist/bundle/cli.js';
import { measureBaseline, printTable, referenceSecondsInGemms, reportTargets } from './baseline.mjs';

const HARDWARE = fileURLToPath(new URL('../configs/edge-npu.json', import.meta.url));
const TARGET_POINTS_PER_SECOND = 1000;
/** 1,000 points a second there, as points per baseline GEMM: holds on any machine, loaded or not. */
const TARGET_POINTS_PER_GEMM = TARGET_POINTS_PER_SECOND / referenceSecondsInGemms(1);
const jobs = Math.min(2, availableParallelism());
const directory = mkdtempSync(join(tmpdir(), 'npusim-bench-sweep-'));
// A cache of its own: the first sweep builds the network into it, as a user's first sweep would.
process.env.NPUSIM_CACHE_DIR = join(directory, 'cache');
const quiet = { stdout: () => undefined, stderr: () => undefined, colour: false };

async function sweep(name, sets, extra) {
  const out = join(directory, `${name}.csv`);
  const argv = [
    'sweep',
    'zoo:mobilenet_v1',
    '--hw',
    HARDWARE,
    ...sets.flatMap((set) => ['--set', set]),
    ...extra,
    '--jobs',
    String(jobs),
    '--out',
    out,
  ];
  const start = performance.now();
  const code = await main(argv, quiet);
  const seconds = (performance.now() - start) / 1000;
  if (code !== 0) throw new Error(`npusim ${argv.join(' ')} exited ${code}`);
  const points = readFileSync(out, 'utf8').split('\n').length - 2;
  return { points, seconds };
}

const baseline = measureBaseline();
// The first sweep builds the zoo network into the empty cache (seconds for MobileNet v1), once; a
// second one-point sweep is the setup every sweep pays (its check, the cached network, the workers).
const build = await sweep('build', ['memory.dram.bytesPerCycle=16'], ['--timing-only']);
const setup = await sweep('setup', ['memory.dram.bytesPerCycle=16'], ['--timing-only']);
const timing = await sweep(
  'timing',
  ['array.rows=8..64:8', 'array.columns=8..64:8', 'memory.dram.bytesPerCycle=4,8,16,32', 'array.dataflow=ws,os,is'],
  ['--timing-only'],
);
const values = await sweep('values', ['array.rows=16,32', 'memory.dram.bytesPerCycle=1..32:1', 'clockMHz=400,800'], []);
rmSync(directory, { recursive: true, force: true });

/** Points a second with everything a sweep does counted, and with a one-point sweep's time taken off. */
const withSetup = ({ points, seconds }) => points / seconds;
const rate = ({ points, seconds }) => points / Math.max(1e-9, seconds - setup.seconds);
const timingPerGemm = withSetup(timing) * baseline.seconds;
printTable([
  ['case', 'points', 'wall s', 'points/s less setup', 'with setup', 'per GEMM, with setup'],
  [
    'MobileNet v1 timing-only (rows x columns x DRAM x dataflow)',
    String(timing.points),
    timing.seconds.toFixed(2),
    rate(timing).toFixed(0),
    (timing.points / timing.seconds).toFixed(0),
    timingPerGemm.toFixed(1),
  ],
  [
    'MobileNet v1 values on (2 row counts: 2 values passes)',
    String(values.points),
    values.seconds.toFixed(2),
    rate(values).toFixed(1),
    (values.points / values.seconds).toFixed(1),
    (withSetup(values) * baseline.seconds).toFixed(2),
  ],
]);
process.stdout.write(
  `${jobs} worker threads; a first one-point sweep built the network into the cache in ${build.seconds.toFixed(2)} s, a second took ${setup.seconds.toFixed(2)} s (the setup every sweep pays); "less setup" takes that off, "with setup" counts everything; per GEMM = points/s with setup x one baseline GEMM (${baseline.seconds.toFixed(3)} s here); ${TARGET_POINTS_PER_GEMM.toFixed(1)} points per GEMM is ${TARGET_POINTS_PER_SECOND} points/s on the machine the target was set on\n`,
);
reportTargets([
  {
    what: `timing-only sweep, setup counted, at least ${TARGET_POINTS_PER_GEMM.toFixed(1)} points per baseline GEMM on ${jobs} workers (${timingPerGemm.toFixed(1)})`,
    met: timingPerGemm >= TARGET_POINTS_PER_GEMM,
  },
]);
