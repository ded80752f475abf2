/**
 * What every bench judges against: a plain-JS int8 GEMM timed in the same process. Machines differ
 * and this one is shared, so a verdict is a ratio to this baseline, never an absolute time; times
 * are printed only for orientation. Also the table printer and the verdict lines bench/all.mjs
 * collects into its summary.
 */
import { performance } from 'node:perf_hooks';

const M = 784;
const N = 256;
const K = 512;
export const GEMM_MACS = M * N * K;

/**
 * The baseline's speed on the shared 2-core machine where the absolute targets of the issues
 * (a SCALE-Sim-mode MobileNet under a second, 500 sweep points a second) were set: MobileNet v1's
 * 569M MACs ran there in 1.3 to 1.45 s at 0.51x to 0.54x the baseline (docs/performance.md), so the
 * baseline did 730 to 860M MACs a second. A target of T seconds there is T x this / GEMM_MACS
 * baseline GEMMs, which holds on a faster, slower or loaded machine alike.
 */
export const REFERENCE_BASELINE_MACS_PER_SECOND = 800e6;

/** Converts an absolute target set on the reference machine into baseline GEMMs. */
export function referenceSecondsInGemms(seconds) {
  return (seconds * REFERENCE_BASELINE_MACS_PER_SECOND) / GEMM_MACS;
}

/** One GEMM, int32 sums, no overflow tracking: seconds. */
function gemmSeconds() {
  const a = new Int8Array(M * K).map((_, i) => ((i * 7919) % 255) - 127);
  const b = new Int8Array(N * K).map((_, i) => ((i * 104729) % 255) - 127);
  const c = new Int32Array(M * N);
  const start = performance.now();
  for (let i = 0; i < M; i += 1) {
    for (let j = 0; j < N; j += 1) {
      let sum = 0;
      const rowA = i * K;
      const rowB = j * K;
      for (let p = 0; p < K; p += 1) sum += a[rowA + p] * b[rowB + p];
      c[i * N + j] = sum;
    }
  }
  return (performance.now() - start) / 1000;
}

/** The baseline: the median of three GEMMs, as seconds per GEMM and MACs per second. */
export function measureBaseline() {
  const times = [gemmSeconds(), gemmSeconds(), gemmSeconds()].sort((x, y) => x - y);
  const seconds = times[1];
  return { seconds, macsPerSecond: GEMM_MACS / seconds };
}

/** Prints rows as a table: the first column left-aligned, the others right-aligned. */
export function printTable(rows) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows)
    process.stdout.write(
      `${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ')}\n`,
    );
}

/**
 * Prints one `target: ... met|MISSED` line per target (bench/all.mjs repeats them in its summary)
 * and sets the exit code: 1 when any was missed. The bench has printed its whole table by then.
 */
export function reportTargets(targets) {
  for (const { what, met } of targets) process.stdout.write(`target: ${what}: ${met ? 'met' : 'MISSED'}\n`);
  if (targets.some((target) => !target.met)) process.exitCode = 1;
}
