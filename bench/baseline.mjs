/**
 * What every bench judges against: a plain-JS int8 GEMM timed in the same process. Machines differ
 * and this one is shared, so a verdict is a ratio to this baseline, never an absolute time; times
 * are printed only for orientation. Also the table printer and the verdict lines bench/all.mjs
 * collects into its summary.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { assembleWat } from '../scripts/wat.mjs';

const M = 784;
const N = 256;
const K = 512;
export const GEMM_MACS = M * N * K;

/**
 * The baseline's speed on the shared 2-core machine where the absolute targets of the issues
 * (a SCALE-Sim-mode MobileNet under a second, 500 sweep points a second) were set. They were set
 * against an earlier baseline (the same loops without `| 0`, timed cold), which did 730 to 860M
 * MACs a second there; the int32 sum and the warm-up make this one 1.3x faster on the same machine
 * (measured side by side), so about 1,040M there. A target of T seconds there is
 * T x this / GEMM_MACS baseline GEMMs, which holds on a faster, slower or loaded machine alike.
 */
export const REFERENCE_BASELINE_MACS_PER_SECOND = 1.04e9;

/** Converts an absolute target set on the reference machine into baseline GEMMs. */
export function referenceSecondsInGemms(seconds) {
  return (seconds * REFERENCE_BASELINE_MACS_PER_SECOND) / GEMM_MACS;
}

function operands() {
  const a = new Int8Array(M * K).map((_, i) => ((i * 7919) % 255) - 127);
  const b = new Int8Array(N * K).map((_, i) => ((i * 104729) % 255) - 127);
  return { a, b };
}

/**
 * One GEMM as anyone would write it in JavaScript: int8 operands, B transposed, an int32 sum
 * (`| 0` keeps it a 32-bit integer for the compiler), no overflow tracking. Returns C.
 */
function gemm(a, b) {
  const c = new Int32Array(M * N);
  for (let i = 0; i < M; i += 1) {
    const rowA = i * K;
    for (let j = 0; j < N; j += 1) {
      const rowB = j * K;
      let sum = 0;
      for (let p = 0; p < K; p += 1) sum = (sum + a[rowA + p] * b[rowB + p]) | 0;
      c[i * N + j] = sum;
    }
  }
  return c;
}

/**
 * The fastest of five timed calls, after two untimed ones that let the compiler optimize. On this
 * shared machine one GEMM takes anywhere from 0.2 to 0.46 s from one minute to the next; the
 * baselines take their best time while npusim's cases take their median, so that a noisy moment
 * can only make a verdict stricter, never kinder.
 */
function fastestSeconds(call) {
  call();
  call();
  let fastest = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 5; run += 1) {
    const start = performance.now();
    call();
    fastest = Math.min(fastest, (performance.now() - start) / 1000);
  }
  return fastest;
}

/** The baseline: the plain-JS GEMM's seconds and MACs per second. */
export function measureBaseline() {
  const { a, b } = operands();
  const seconds = fastestSeconds(() => gemm(a, b));
  return { seconds, macsPerSecond: GEMM_MACS / seconds };
}

/**
 * The ceiling: the same GEMM in WebAssembly SIMD (bench/gemm.wat, i32x4.dot_i16x8_s), checked
 * to give the plain GEMM's C, then timed the same way.
 */
export async function measureSimdCeiling() {
  const bytes = await assembleWat('gemm.wat', readFileSync(fileURLToPath(new URL('gemm.wat', import.meta.url)), 'utf8'));
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  const { a, b } = operands();
  const aBytes = 0;
  const bBytes = M * K * 2;
  const cBytes = bBytes + N * K * 2;
  exports.memory.grow(Math.ceil((cBytes + M * N * 4) / 65_536));
  const memory = exports.memory.buffer;
  new Int16Array(memory, aBytes, M * K).set(a);
  new Int16Array(memory, bBytes, N * K).set(b);
  const call = () => exports.gemm(aBytes, bBytes, cBytes, M, N, K);
  call();
  const c = new Int32Array(memory, cBytes, M * N);
  const expected = gemm(a, b);
  if (!c.every((value, index) => value === expected[index])) throw new Error('the WebAssembly SIMD GEMM disagrees with the plain one');
  const seconds = fastestSeconds(call);
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
