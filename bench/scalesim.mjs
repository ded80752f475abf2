/**
 * node bench/scalesim.mjs (after npm run build): MobileNet (SCALE-Sim's mobilenet.csv, 27 layers) on a
 * 32x32 array, CALC bandwidth, WS and OS, through runScaleSim from dist/, beside SCALE-Sim v2's recorded
 * wall times (../shared/anchors/scalesim/README.md), checking the recorded total cycles. Prints one
 * self-contained table. Targets: every total equals SCALE-Sim's, and a first run takes at most as
 * long as "under a second" is in baseline GEMMs measured in the same run (bench/baseline.mjs).
 */
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runScaleSim } from '../dist/scalesim/index.js';
import { measureBaseline, printTable, referenceSecondsInGemms, reportTargets } from './baseline.mjs';

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

/**
 * Acceptance (issue 6): a whole MobileNet run in SCALE-Sim mode takes under a second on the shared
 * 2-core machine. An absolute time fails on a loaded or slower machine and passes on a faster one
 * whatever the code does, so the verdict is the first run's time in baseline GEMMs timed in this
 * process, against what a second was in GEMMs there. SCALE-Sim itself (Python, four minutes a run)
 * cannot be the same-run baseline; its recorded times give the speed-up column only.
 */
const TARGET_GEMMS = referenceSecondsInGemms(1);

const topologyFile = `${ANCHORS}topologies/mobilenet.csv`;
if (!existsSync(topologyFile)) {
  process.stderr.write(
    `bench/scalesim.mjs: ${topologyFile} is missing: the team's shared folder must sit beside the repository as ../shared\n`,
  );
  process.exit(2);
}
const topology = { text: readFileSync(topologyFile, 'utf8'), file: topologyFile };
const baseline = measureBaseline();
const rows = [
  [
    'SCALE-Sim mode: mobilenet.csv 32x32 CALC',
    'layers',
    'total cycles',
    'first run s',
    'in GEMMs',
    `best of ${REPEATS} s`,
    'SCALE-Sim s',
    'speed-up',
    'cycles',
  ],
];
const targets = [];
for (const [dataflow, recorded] of Object.entries(RECORDED)) {
  const cfg = { text: config(dataflow), file: `mobilenet_${dataflow}.cfg` };
  const times = [];
  let run;
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    const started = performance.now();
    run = runScaleSim(cfg, topology, 'conv');
    times.push(performance.now() - started);
  }
  const totalCycles = run.results.reduce((sum, result) => sum + result.totalCycles, 0);
  // The first run is what a user waits for (cold JIT); the best shows the steady state.
  const first = times[0];
  const best = Math.min(...times);
  const firstInGemms = first / 1000 / baseline.seconds;
  const matches = totalCycles === recorded.totalCycles;
  rows.push([
    dataflow.toUpperCase(),
    String(run.results.length),
    totalCycles.toLocaleString('en-US'),
    (first / 1000).toFixed(3),
    firstInGemms.toFixed(1),
    (best / 1000).toFixed(3),
    String(recorded.scaleSimSeconds),
    `${Math.round((recorded.scaleSimSeconds * 1000) / first)}x`,
    matches ? '= SCALE-Sim' : `!= ${recorded.totalCycles.toLocaleString('en-US')}`,
  ]);
  targets.push({ what: `${dataflow.toUpperCase()} total cycles equal SCALE-Sim's`, met: matches });
  targets.push({
    what: `${dataflow.toUpperCase()} first run in at most ${TARGET_GEMMS.toFixed(1)} baseline GEMMs (${firstInGemms.toFixed(1)})`,
    met: firstInGemms <= TARGET_GEMMS,
  });
}
printTable(rows);
console.log(
  `in GEMMs = first run / one baseline GEMM (${baseline.seconds.toFixed(3)} s here); ${TARGET_GEMMS.toFixed(1)} GEMMs is "under a second" on the machine the target was set on; speed-up = SCALE-Sim's recorded wall time / npusim's first run`,
);
reportTargets(targets);
