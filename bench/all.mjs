/**
 * npm run bench (after the build): every bench table, whatever each one's verdict, then a summary
 * of which met their targets. A bench reports; a missed target does not stop the tables after it.
 * Exit 0 when every target was met, 1 when one was missed or a bench did not finish.
 *
 * Each bench runs in its own process, one after the other (they time things, so never two at
 * once), and ends its output with `target: ... met|MISSED` lines (bench/baseline.mjs), which the
 * summary repeats.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES = ['run.mjs', 'scalesim.mjs', 'sweep.mjs', 'lab.mjs'];

/** Runs one bench, passing its output through, and resolves with its exit code and target lines. */
function runBench(name) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL(name, import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      text += chunk.toString('utf8');
    });
    child.on('close', (code, signal) => {
      const targets = text
        .split('\n')
        .filter((line) => line.startsWith('target: '))
        .map((line) => line.slice('target: '.length));
      resolve({ name, code, ended: code === null ? `killed by ${signal}` : `exit ${code}`, targets });
    });
  });
}

const results = [];
for (const name of BENCHES) {
  process.stdout.write(`\n== bench/${name}\n`);
  results.push(await runBench(name));
}

/**
 * met: exit 0 and every target line met. MISSED: exit 1 with a MISSED line. An uncaught error also
 * exits 1, so a bench that printed no MISSED line broke before its verdict.
 */
function verdictOf({ code, ended, targets }) {
  const missedOne = targets.some((target) => target.endsWith(': MISSED'));
  if (code === 0 && targets.length > 0 && !missedOne) return 'met';
  if (code === 1 && missedOne) return 'MISSED';
  return `did not finish (${ended})`;
}

process.stdout.write('\n== summary\n');
let notMet = 0;
for (const result of results) {
  const verdict = verdictOf(result);
  if (verdict !== 'met') notMet += 1;
  process.stdout.write(`bench/${result.name}: ${verdict}\n`);
  for (const target of result.targets) process.stdout.write(`  ${target}\n`);
}
process.stdout.write(
  notMet === 0
    ? `every target met (${results.length} tables)\n`
    : `${notMet} of ${results.length} tables missed a target or did not finish: exit 1\n`,
);
process.exitCode = notMet === 0 ? 0 : 1;
