/**
 * node bench/scalesim.mjs (after npm run build): MobileNet (SCALE-Sim's mobilenet.csv, 27 layers) on a
 * 32x32 array, CALC bandwidth, WS and OS, through runScaleSim from dist/, beside SCALE-Sim v2's recorded
 * wall times (../shared/anchors/scalesim/README.md), checking the recorded total cycles.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runScaleSim } from '../dist/scalesim/index.js';

const ANCHORS = fileURLToPath(new URL('../../shared/anchors/scalesim/', import.meta.url));
const REPEATS = 5;
/** Recorded by running SCALE-Sim v2 (22f88b1) on a 2-core machine, Python 3.11. */
const RECORDED = {
  ws: { scaleSimSeconds: 242, totalCycles: 1_433_453 },
  os: { scaleSimSeconds: 247, totalCycles: 1_338_519 },
};

function config(dataflow) {
  return `[general]
run_name = mobilenet_32x32_${dataflow}

[architecture_presets]
ArrayHeight: 32
ArrayWidth: 32
IfmapSramSzkB: 64
FilterSramSzkB: 64
OfmapSramSzkB: 64
IfmapOffset: 0
FilterOffset: 10000000
OfmapOffset: 20000000
Bandwidth : 10
Dataflow : ${dataflow}
MemoryBanks: 1

[run_presets]
InterfaceBandwidth: CALC
`;
}

let failed = false;
const topologyFile = `${ANCHORS}topologies/mobilenet.csv`;
const topology = { text: readFileSync(topologyFile, 'utf8'), file: topologyFile };
for (const [dataflow, recorded] of Object.entries(RECORDED)) {
  const cfg = { text: config(dataflow), file: `mobilenet_${dataflow}.cfg` };
  const times = [];
  let totalCycles = 0;
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    const started = performance.now();
    const run = runScaleSim(cfg, topology, 'conv');
    times.push(performance.now() - started);
    totalCycles = run.results.reduce((sum, result) => sum + result.totalCycles, 0);
  }
  const first = times[0];
  const best = Math.min(...times);
  const matches = totalCycles === recorded.totalCycles;
  failed ||= !matches;
  console.log(
    `mobilenet 32x32 CALC ${dataflow}: first run ${first.toFixed(0)} ms, best of ${REPEATS} ${best.toFixed(0)} ms; ` +
      `SCALE-Sim ${recorded.scaleSimSeconds} s (${Math.round((recorded.scaleSimSeconds * 1000) / first)}x faster on the first run); ` +
      `total cycles ${totalCycles.toLocaleString('en-US')} ${matches ? '= recorded' : `!= recorded ${recorded.totalCycles.toLocaleString('en-US')}`}`,
  );
}
if (failed) process.exitCode = 1;
