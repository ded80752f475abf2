/**
 * The pages without a browser: what each draws is the report's exact numbers (cycle parts add up
 * to every layer's total, tables hold the figures as the files do), names from files cannot break
 * out of the page, the same input gives the same bytes, and the sweep page's Pareto front is the
 * brute-force one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadHardwareFile } from '../../src/formats/loadHardware.js';
import { cycleParts, paretoFront2d, renderPage, runPage, sweepPage } from '../../src/html/index.js';
import { cellValue } from '../../src/html/sweepPage.js';
import { simulate } from '../../src/pipeline/index.js';
import { reportRecord } from '../../src/report/json.js';
import type { Report } from '../../src/report/reportSchema.js';
import { reportSchema } from '../../src/report/reportSchema.js';
import { zooGraph } from '../../src/zoo/graph.js';
import { join } from 'node:path';
import { REPO } from '../support/files.js';
import { checkProperty } from '../support/property.js';

const CONFIGS = ['edge-npu', 'hexagon-like', 'eyeriss-like', 'tpu-v1-like', 'ethos-u55-like'];

function reportOf(network: string, config: string): Report {
  const hardware = loadHardwareFile(join(REPO, 'configs', `${config}.json`));
  return reportRecord(simulate(zooGraph(network), hardware));
}

/** The JSON block of chart specs a page carries. */
function chartsOf(page: string): { container: string; spec: { data?: { name: string; values?: unknown[] }[] } }[] {
  const match = /<script type="application\/json" id="npusim-charts">(.*?)<\/script>/s.exec(page);
  if (match === null) throw new Error('the page has no chart block');
  return JSON.parse(match[1] as string);
}

describe('the run page', () => {
  it("splits every layer's cycles into parts that add up to its total, on every shipped config", () => {
    for (const config of CONFIGS) {
      const report = reportOf('small_cnn', config);
      expect(reportSchema.safeParse(report).success).toBe(true);
      for (const layer of report.layers) expect(cycleParts(layer).reduce((sum, part) => sum + part, 0)).toBe(layer.cycles.total);
    }
  });

  it('refuses cycle figures that do not add up, rather than draw them', () => {
    const report = reportOf('small_cnn', 'edge-npu');
    const layer = report.layers[0] as Report['layers'][number];
    expect(() => cycleParts({ ...layer, cycles: { ...layer.cycles, total: layer.cycles.total + 1 } })).toThrow(/do not add up/);
  });

  it('carries every layer total and energy figure exactly, and the same report gives the same bytes', async () => {
    const report = reportOf('small_cnn', 'edge-npu');
    const page = await renderPage(runPage(report));
    expect(await renderPage(runPage(JSON.parse(JSON.stringify(report)) as Report))).toBe(page);
    for (const layer of report.layers) {
      expect(page).toContain(`<td class="n">${layer.cycles.total}</td>`);
      expect(page).toContain(`<td class="n">${layer.energyPj.total}</td>`);
    }
    expect(page).toContain(`<dd>${report.hardware}</dd>`);
    expect(page).toContain(`<dd>${report.energyTable}</dd>`);
    const charts = chartsOf(page);
    expect(charts.map((chart) => chart.container)).toEqual([
      'chart-cycles',
      'chart-utilization',
      'chart-energy',
      'chart-energy-total',
      'chart-headroom',
      'chart-overflow',
      'chart-roofline',
    ]);
    // No chart reaches for data outside the page.
    expect(page).not.toMatch(/"url":/);
  });

  it('keeps names from files inside the page: a layer named like a closing script tag stays text', async () => {
    const report = reportOf('small_cnn', 'edge-npu');
    const name = '</script><img src=x onerror=alert(1)>&';
    const renamed: Report = {
      ...report,
      graph: name,
      layers: report.layers.map((layer, index) => (index === 0 ? { ...layer, name } : layer)),
    };
    const page = await renderPage(runPage(renamed));
    expect(page).not.toContain('<img src=x');
    expect(page.match(/<\/script>/g)?.length).toBe(4);
    expect(page).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&amp;');
    const values = chartsOf(page)[0]?.spec.data?.flatMap((data) => data.values ?? []) as { layer?: string }[];
    expect(values.some((value) => value.layer === name)).toBe(true);
  });
});

describe('the sweep page', () => {
  const columns = ['point', 'array.rows', 'macs', 'cycles', 'latencyMs', 'energyPj', 'pareto', 'sweep'];
  const table = (rows: (string | number | null)[][]) => ({ file: 's.csv', columns, rows });

  it('finds the brute-force Pareto front of any two columns, ties kept', () => {
    const point = fc.record({ x: fc.integer({ min: 0, max: 20 }), y: fc.integer({ min: 0, max: 20 }) });
    checkProperty(
      'paretoFront2d equals the brute-force front',
      fc.array(point, { maxLength: 40 }),
      (points) => {
        const expected = points
          .map((p, index) => ({ p, index }))
          .filter(({ p }) => !points.some((q) => q.x <= p.x && q.y <= p.y && (q.x < p.x || q.y < p.y)))
          .map(({ index }) => index);
        expect(paretoFront2d(points).sort((a, b) => a - b)).toEqual(expected);
      },
      2000,
    );
  });

  it('reads CSV cells back as numbers and booleans, and leaves text and empty cells alone', () => {
    expect([
      cellValue('12'),
      cellValue('-1.5e3'),
      cellValue('true'),
      cellValue(''),
      cellValue('ws'),
      cellValue('1e999'),
      cellValue('0x10'),
    ]).toEqual([12, -1500, true, null, 'ws', '1e999', '0x10']);
  });

  it('names an unknown column with what it has, and refuses a file that is not a sweep', async () => {
    const rows = [
      [0, 8, 100, '10', '0.1', '5', 'true', 'abc/2'],
      [1, 16, 100, '20', '0.2', '3', 'true', 'abc/2'],
    ];
    expect(() => sweepPage(table(rows), { x: 'cycle' })).toThrow(
      /--x cycle is not a numeric column of this sweep \(did you mean "cycles"\?\)/,
    );
    expect(() => sweepPage(table(rows), { colour: 'energyPj' })).toThrow(InputError);
    expect(() => sweepPage({ file: 'x.csv', columns: ['a', 'b'], rows: [[1, 2]] })).toThrow(/is not a sweep file npusim wrote/);
    const page = await renderPage(sweepPage(table(rows)));
    expect(page).toContain('The Pareto front (2 points)');
  });
});
