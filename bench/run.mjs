/**
 * npm run bench (runs the built dist/): whole-network simulations beside a plain-JS int8 GEMM baseline measured in the
 * same run, as ratios (machines are noisy; absolute times are printed only for orientation).
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { zooGraph } from '../dist/cli/graphArgument.js';
import { simulate } from '../dist/engine/simulate.js';
import { loadHardwareFile } from '../dist/formats/loadHardware.js';

const HARDWARE = fileURLToPath(new URL('../configs/edge-npu.json', import.meta.url));

/** The baseline: an int8 GEMM in plain JS typed arrays, int32 sums, no overflow tracking. */
function baselineMacsPerSecond() {
  const m = 784;
  const n = 256;
  const k = 512;
  const a = new Int8Array(m * k).map((_, i) => ((i * 7919) % 255) - 127);
  const b = new Int8Array(n * k).map((_, i) => ((i * 104729) % 255) - 127);
  const c = new Int32Array(m * n);
  const start = performance.now();
  for (let i = 0; i < m; i += 1) {
    for (let j = 0; j < n; j += 1) {
      let sum = 0;
      const rowA = i * k;
      const rowB = j * k;
      for (let p = 0; p < k; p += 1) sum += a[rowA + p] * b[rowB + p];
      c[i * n + j] = sum;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  return (m * n * k) / seconds;
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const hardware = loadHardwareFile(HARDWARE);
const baseline = median([baselineMacsPerSecond(), baselineMacsPerSecond(), baselineMacsPerSecond()]);
const rows = [['case', 'wall s', 'MMAC/s', 'vs baseline'], ['int8 GEMM baseline (plain JS)', '-', (baseline / 1e6).toFixed(0), '1.00']];
for (const name of ['mobilenet_v1', 'resnet18']) {
  const graph = zooGraph(name);
  const start = performance.now();
  const result = simulate(graph, hardware);
  const seconds = (performance.now() - start) / 1000;
  const macs = result.layers.reduce((total, layer) => total + layer.macs, 0);
  rows.push([`${name} full run, overflow tracking on`, seconds.toFixed(2), (macs / seconds / 1e6).toFixed(0), (macs / seconds / baseline).toFixed(2)]);
}
const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
for (const row of rows) process.stdout.write(`${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ')}\n`);
process.stdout.write('targets (shown, not asserted): MobileNet v1 in at most 3 s on one core; at least 0.5x the baseline with overflow tracking on\n');
