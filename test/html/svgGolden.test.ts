/**
 * A fast golden of one chart without a browser: Vega renders the run page's cycles chart of the
 * small CNN on edge-npu to SVG in Node, and the SVG must equal the reviewed file byte for byte.
 * A change to the chart, its data or the Vega version shows here as a diff. To accept a reviewed
 * change: NPUSIM_WRITE_SVG_GOLDEN=1 npx vitest run test/html/svgGolden.test.ts
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, View } from 'vega';
import { describe, expect, it } from 'vitest';
import { loadHardwareFile } from '../../src/formats/loadHardware.js';
import { compileChart, runPage } from '../../src/html/index.js';
import { simulate } from '../../src/pipeline/index.js';
import { reportRecord } from '../../src/report/json.js';
import { zooGraph } from '../../src/zoo/graph.js';
import { FIXTURES, REPO } from '../support/files.js';

const GOLDEN = join(FIXTURES, 'html', 'small_cnn.edge-npu.cycles.svg');

describe('the cycles chart rendered by Vega in Node', () => {
  it('equals the reviewed SVG', async () => {
    const report = reportRecord(simulate(zooGraph('small_cnn'), loadHardwareFile(join(REPO, 'configs', 'edge-npu.json'))));
    const section = runPage(report).sections.find((candidate) => candidate.id === 'cycles');
    if (section?.chart === undefined) throw new Error('the run page has no cycles chart');
    const view = new View(parse((await compileChart(section.chart)) as never), { renderer: 'none' });
    const svg = `${await view.toSVG()}\n`;
    view.finalize();
    if (process.env.NPUSIM_WRITE_SVG_GOLDEN === '1') writeFileSync(GOLDEN, svg);
    if (!existsSync(GOLDEN)) throw new Error(`${GOLDEN} is missing: write it with NPUSIM_WRITE_SVG_GOLDEN=1 and review it`);
    expect(svg).toBe(readFileSync(GOLDEN, 'utf8'));
    // One bar part per layer and part, as the page draws them.
    expect(svg.match(/<path /g)?.length ?? 0).toBeGreaterThanOrEqual(report.layers.length * 4);
  });
});
