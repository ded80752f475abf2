/**
 * Whole-network simulations (the built dist/) beside the plain-JS int8 GEMM baseline measured in the
 * same run (bench/baseline.mjs). The verdict is the ratio of MACs per second to the baseline's;
 * absolute times are printed only for orientation.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { zooGraph } from '../dist/zoo/graph.js';
import { simulate } from '../dist/pipeline/index.js';
import { loadHardwareFile } from '../dist/formats/loadHardware.js';
import { measureBaseline, printTable, reportTargets } from './baseline.mjs';

const HARDWARE = fileURLToPath(new URL('../configs/edge-npu.json', import.meta.url));
/** At least half the baseline's MACs per second with overflow tracking on (issue 5). */
const TARGET_RATIO = 0.5;

const hardware = loadHardwareFile(HARDWARE);
const baseline = measureBaseline();
const rows = [
  ['case', 'wall s', 'MMAC/s', 'vs baseline'],
  ['int8 GEMM baseline (plain JS)', baseline.seconds.toFixed(3), (baseline.macsPerSecond / 1e6).toFixed(0), '1.00'],
];
const targets = [];
for (const name of ['mobilenet_v1', 'resnet18']) {
  const graph = zooGraph(name);
  const start = performance.now();
  const result = simulate(graph, hardware);
  const seconds = (performance.now() - start) / 1000;
  const macs = result.layers.reduce((total, layer) => total + layer.macs, 0);
  const ratio = macs / seconds / baseline.macsPerSecond;
  rows.push([`${name} full run, overflow tracking on`, seconds.toFixed(2), (macs / seconds / 1e6).toFixed(0), ratio.toFixed(2)]);
  targets.push({
    what: `${name} at least ${TARGET_RATIO}x the baseline's MACs per second (${ratio.toFixed(2)}x)`,
    met: ratio >= TARGET_RATIO,
  });
}
printTable(rows);
// MobileNet v1 in at most 3 s (issue 5) is an absolute time, so it is not judged; at 0.5x it holds
// wherever the baseline does at least 380M MACs a second (569M MACs in 3 s at 0.5x).
process.stdout.write(
  'MobileNet v1 in at most 3 s on one core: shown, not judged (an absolute time; 0.5x implies it wherever the baseline does 380 MMAC/s)\n',
);
reportTargets(targets);
