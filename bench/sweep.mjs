/**
 * Sweep throughput (runs the built dist/ through the CLI's own entry, as `npusim sweep` does):
 * a timing-only sweep of MobileNet v1 (points per second against the target of 500 on 2 cores)
 * and a values-on sweep, where points that differ in value-free fields share a values pass.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { main } from '../dist/cli/main.js';

const HARDWARE = fileURLToPath(new URL('../configs/edge-npu.json', import.meta.url));
const TARGET_POINTS_PER_SECOND = 500;
const jobs = Math.min(2, availableParallelism());
const directory = mkdtempSync(join(tmpdir(), 'npusim-bench-sweep-'));
const quiet = { stdout: () => undefined, stderr: () => undefined, colour: false };

async function sweep(name, sets, extra) {
  const out = join(directory, `${name}.csv`);
  const argv = ['sweep', 'zoo:mobilenet_v1', '--hw', HARDWARE, ...sets.flatMap((set) => ['--set', set]), ...extra, '--jobs', String(jobs), '--out', out];
  const start = performance.now();
  const code = await main(argv, quiet);
  const seconds = (performance.now() - start) / 1000;
  if (code !== 0) throw new Error(`npusim ${argv.join(' ')} exited ${code}`);
  const points = readFileSync(out, 'utf8').split('\n').length - 2;
  return { points, seconds };
}

// The zoo network is built once per sweep (about 2 s for MobileNet v1); time it apart so the rate
// shows the sweep itself.
const setup = await sweep('setup', ['memory.dram.bytesPerCycle=16'], ['--timing-only']);
const timing = await sweep('timing', ['array.rows=8..64:8', 'array.columns=8..64:8', 'memory.dram.bytesPerCycle=4,8,16,32', 'array.dataflow=ws,os,is'], ['--timing-only']);
const values = await sweep('values', ['array.rows=16,32', 'memory.dram.bytesPerCycle=1..32:1', 'clockMHz=400,800'], []);
rmSync(directory, { recursive: true, force: true });

const rate = ({ points, seconds }) => points / Math.max(1e-9, seconds - setup.seconds);
const rows = [
  ['case', 'points', 'wall s', 'points/s', 'with setup', 'target'],
  ['MobileNet v1 timing-only (rows x columns x DRAM x dataflow)', String(timing.points), timing.seconds.toFixed(2), rate(timing).toFixed(0), (timing.points / timing.seconds).toFixed(0), `>= ${TARGET_POINTS_PER_SECOND} points/s on 2 cores`],
  ['MobileNet v1 values on (2 row counts: 2 values passes)', String(values.points), values.seconds.toFixed(2), rate(values).toFixed(1), (values.points / values.seconds).toFixed(1), '-'],
];
const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
for (const row of rows) process.stdout.write(`${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ')}\n`);
process.stdout.write(`${jobs} worker threads; points/s leaves out the ${setup.seconds.toFixed(2)} s a one-point sweep takes (building the network), "with setup" does not; target shown, not asserted\n`);
