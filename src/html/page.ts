/**
 * One self-contained HTML page: a header naming what was run, then sections of a chart with its
 * table beside it. Charts are written in Vega-Lite and compiled to Vega here, so the page inlines
 * only the Vega runtime; it loads nothing and opens from disk. The same inputs give the same bytes.
 */
import type { TopLevelSpec } from 'vega-lite';
import { npusimVersion } from '../formats/version.js';
import { chartRuntime, scriptText } from './assets.js';
import { escapeHtml, scriptJson } from './escape.js';
import { type HtmlTable, tableHtml } from './table.js';

export type { TopLevelSpec };

export interface Section {
  /** The section's anchor; its chart's container is `chart-<id>`. */
  readonly id: string;
  readonly title: string;
  /** What the chart shows and how to read it. */
  readonly note?: string;
  readonly chart?: TopLevelSpec;
  readonly tables: readonly HtmlTable[];
}

export type PageKind = 'run' | 'sweep' | 'study' | 'evaluation';

export interface Page {
  readonly kind: PageKind;
  readonly title: string;
  /** What the figures are of: hardware config, graph, energy table, data... as label and value. */
  readonly context: readonly (readonly [string, string])[];
  readonly sections: readonly Section[];
}

/** Settings every chart shares, so pages look alike and text measures the same everywhere. */
const CHART_CONFIG = {
  font: 'DejaVu Sans, Verdana, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  title: { fontSize: 13 },
} as const;

type Compile = typeof import('vega-lite').compile;

/**
 * Vega-Lite's compiler, loaded on the first page: it is the largest module npusim has, and
 * commands that draw nothing should not start slower for it.
 */
async function vegaLiteCompile(): Promise<Compile> {
  return (await import('vega-lite')).compile;
}

/** A chart as the page embeds it: Vega, compiled from the Vega-Lite spec with the shared settings. */
export async function compileChart(chart: TopLevelSpec): Promise<object> {
  return compileWith(await vegaLiteCompile(), chart);
}

function compileWith(compile: Compile, chart: TopLevelSpec): object {
  return compile(chart, { config: CHART_CONFIG }).spec;
}

const STYLE = `
body{font:14px/1.45 'DejaVu Sans',Verdana,sans-serif;color:#1f2328;margin:0;background:#fff}
header{padding:16px 24px;border-bottom:1px solid #d0d7de;background:#f6f8fa}
h1{font-size:20px;margin:0 0 8px}h2{font-size:16px;margin:0 0 4px}
dl.context{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}
dl.context dt{color:#57606a}dl.context dd{margin:0;font-family:'DejaVu Sans Mono',monospace;word-break:break-all}
nav{padding:8px 24px;border-bottom:1px solid #d0d7de;font-size:13px}nav a{margin-right:14px}
main{padding:8px 24px 32px}section{margin:20px 0;padding-top:8px;border-top:1px solid #eaeef2}
p.note{color:#57606a;margin:0 0 10px;max-width:70em}
.pair{display:flex;flex-wrap:wrap;gap:20px;align-items:flex-start}
.chart{flex:0 1 auto;min-width:320px;overflow-x:auto}
.tables{flex:1 1 420px;min-width:320px;max-height:480px;overflow:auto}
table{border-collapse:collapse;font-size:12px;margin-bottom:12px}
caption{text-align:left;font-weight:bold;padding:2px 0}
th,td{border:1px solid #d0d7de;padding:2px 6px;white-space:nowrap}th{background:#f6f8fa;position:sticky;top:0}
td.n,th.n{text-align:right;font-family:'DejaVu Sans Mono',monospace}
footer{padding:12px 24px;color:#57606a;font-size:12px;border-top:1px solid #d0d7de}
`;

/** Draws every chart; the page's root says `data-charts="drawn"` (or "failed") when done, which the tests wait for. */
const EMBED_SCRIPT = `(function () {
  var charts = JSON.parse(document.getElementById('npusim-charts').textContent);
  var views = {};
  Promise.all(charts.map(function (chart) {
    return vegaEmbed('#' + chart.container, chart.spec, { mode: 'vega', renderer: 'svg', actions: false })
      .then(function (result) { views[chart.container] = result.view; });
  })).then(function () {
    window.npusimViews = views;
    document.documentElement.setAttribute('data-charts', 'drawn');
  }, function (error) {
    document.documentElement.setAttribute('data-charts', 'failed');
    console.error(error);
  });
})();`;

function sectionHtml(section: Section): string {
  const chart = section.chart === undefined ? '' : `<div class="chart" id="chart-${escapeHtml(section.id)}"></div>`;
  const note = section.note === undefined ? '' : `<p class="note">${escapeHtml(section.note)}</p>`;
  const tables = section.tables.map(tableHtml).join('\n');
  return `<section id="${escapeHtml(section.id)}"><h2>${escapeHtml(section.title)}</h2>${note}\n<div class="pair">${chart}<div class="tables">${tables}</div></div></section>`;
}

export async function renderPage(page: Page): Promise<string> {
  const compile = await vegaLiteCompile();
  const charts = page.sections.flatMap((section) =>
    section.chart === undefined ? [] : [{ container: `chart-${section.id}`, spec: compileWith(compile, section.chart) }],
  );
  const runtime = chartRuntime();
  const context = page.context.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`).join('');
  const nav = page.sections.map((section) => `<a href="#${escapeHtml(section.id)}">${escapeHtml(section.title)}</a>`).join('');
  const versions = runtime.map((script) => `${script.name} ${script.version}`).join(', ');
  return [
    '<!doctype html>',
    `<html lang="en" data-page="${page.kind}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${STYLE}</style>`,
    ...runtime.map((script) => `<script>${scriptText(script)}</script>`),
    '</head>',
    '<body>',
    `<header><h1>${escapeHtml(page.title)}</h1><dl class="context">${context}</dl></header>`,
    `<nav>${nav}</nav>`,
    '<main>',
    ...page.sections.map(sectionHtml),
    '</main>',
    `<footer>npusim ${escapeHtml(npusimVersion())}; charts drawn by ${escapeHtml(versions)} from Vega-Lite specs; every figure in the tables is exact, as the report files hold it.</footer>`,
    `<script type="application/json" id="npusim-charts">${scriptJson(charts)}</script>`,
    `<script>${EMBED_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
