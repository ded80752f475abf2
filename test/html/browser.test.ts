/**
 * Every page kind opened from disk in Debian's Chromium: no console error, no request but the file
 * itself, every chart drawn with the number of marks its data calls for, and a screenshot in
 * out/screenshots/. The acceptance runs of issue 16: MobileNet v1 on edge-npu draws its 30 layer
 * bars, and a 768-point sweep draws its Pareto front.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OVERFLOW_COUNTERS } from '../../src/engine/overflowCounters.js';
import { rooflineLayers } from '../../src/html/runPage.js';
import type { EvaluationFile, StudyFile } from '../../src/lab/files.js';
import type { Report } from '../../src/report/reportSchema.js';
import { launchChromium, openPage } from '../support/browser.js';
import { runCli } from '../support/cli.js';
import { REPO, temporaryDirectory } from '../support/files.js';

const HW = join(REPO, 'configs/edge-npu.json');
const MAX_MOBILENET_PAGE_BYTES = 1.5 * 1024 * 1024;

let browser: Browser;
let directory: string;

beforeAll(async () => {
  browser = await launchChromium();
  directory = temporaryDirectory('npusim-html-');
});

afterAll(async () => {
  await browser?.close();
});

async function expectRun(argv: string[]): Promise<void> {
  const run = await runCli(argv);
  expect(run.stderr.replace(/^wrote .*\n/gm, '')).toBe('');
  expect(run.exitCode).toBe(0);
}

async function expectCleanPage(file: string, screenshot: string) {
  const opened = await openPage(browser, file, screenshot);
  expect(opened.problems).toEqual([]);
  expect(opened.requests).toEqual([pathToFileURL(file).href]);
  expect(opened.charts).toBe('drawn');
  return opened;
}

describe('the HTML report in Chromium', () => {
  it('run: MobileNet v1 on edge-npu draws every plot and its 30 layer bars, in one file under 1.5 MB', async () => {
    const html = join(directory, 'r.html');
    const json = join(directory, 'r.json');
    await expectRun(['run', 'zoo:mobilenet_v1', '--hw', HW, '--format', 'html', '--out', html]);
    await expectRun(['run', 'zoo:mobilenet_v1', '--hw', HW, '--format', 'json', '--out', json]);
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    expect(statSync(html).size).toBeLessThan(MAX_MOBILENET_PAGE_BYTES);
    // The same report read back draws the same bytes.
    const again = join(directory, 'r-again.html');
    await expectRun(['report', json, '--out', again]);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(html, 'utf8'));

    const opened = await expectCleanPage(html, 'run-mobilenet_v1-edge-npu.png');
    const layers = report.layers.length;
    const array = report.layers.filter((layer) => layer.unit === 'array').length;
    expect(layers).toBe(30);
    const events = report.layers.reduce((sum, layer) => sum + OVERFLOW_COUNTERS.filter((counter) => layer.overflow[counter] > 0).length, 0);
    expect(events).toBeGreaterThan(0);
    expect(opened.marks).toEqual({
      cycles: layers * 4,
      utilization: array,
      energy: layers * 6,
      energy_total: 6,
      headroom_partial: array,
      headroom_final: array,
      headroom_widths: 2,
      overflow_layer_0: layers,
      overflow_events: events,
      roofline_roofs: new Set(report.layers.map((layer) => layer.peakMacsPerCycle).filter((peak) => peak !== null)).size,
      roofline_layers: rooflineLayers(report).length,
    });
    expect(await opened.axisLabels('chart-cycles')).toEqual(report.layers.map((layer) => layer.name));
  });

  it('sweep: a 768-point sweep draws every point and its Pareto front', async () => {
    const csv = join(directory, 's.csv');
    const html = join(directory, 's.html');
    const sets = ['array.rows=8..64:8', 'array.columns=8..64:8', 'memory.dram.bytesPerCycle=4,8,16,32', 'array.dataflow=ws,os,is'];
    const run = await runCli([
      'sweep',
      'zoo:mobilenet_v1',
      '--hw',
      HW,
      ...sets.flatMap((set) => ['--set', set]),
      '--timing-only',
      '--jobs',
      '2',
      '--out',
      csv,
      '--html',
      html,
    ]);
    expect(run.exitCode).toBe(0);
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
    const header = (lines[0] as string).split(',');
    const points = lines.slice(1).map((line) => line.split(','));
    expect(points).toHaveLength(768);
    // The front by brute force: a point no other beats on both cycles and energy.
    const [x, y] = [header.indexOf('cycles'), header.indexOf('energyPj')];
    const value = (row: string[], column: number) => Number(row[column]);
    const front = points.filter(
      (p) =>
        !points.some(
          (q) => value(q, x) <= value(p, x) && value(q, y) <= value(p, y) && (value(q, x) < value(p, x) || value(q, y) < value(p, y)),
        ),
    );
    expect(front.length).toBeGreaterThan(0);
    const opened = await expectCleanPage(html, 'sweep-768.png');
    expect(opened.marks).toEqual({ sweep_points: 768, sweep_front: 1, sweep_front_points: front.length });
    const page = readFileSync(html, 'utf8');
    for (const row of front) expect(page).toContain(`<td class="n">${row[0]}</td>`);
  });

  it('study and evaluate: accuracy against bits, per-layer SQNR and value ranges', async () => {
    const quick = ['--data', 'mnist', '--hw', HW, '--limit', '100', '--sqnr-images', '10', '--jobs', '1'];
    const studyJson = join(directory, 'study.json');
    const studyHtml = join(directory, 'study.html');
    await expectRun([
      'study',
      'zoo:mnist_cnn',
      ...quick,
      '--calib-images',
      '20',
      '--grid',
      'weight-bits=4,8',
      '--grid',
      'per-channel=true,false',
      '--format',
      'json',
      '--out',
      studyJson,
      '--html',
      studyHtml,
    ]);
    const study = JSON.parse(readFileSync(studyJson, 'utf8')) as StudyFile;
    const again = join(directory, 'study-again.html');
    await expectRun(['report', studyJson, '--out', again]);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(studyHtml, 'utf8'));
    const ran = study.rows.filter((row) => row.error === null);
    expect(ran).toHaveLength(4);
    const sqnrPoints = (key: 'sqnrDb' | 'sqnrDbAlone') =>
      ran.flatMap((row) => row.layers ?? []).filter((layer) => layer[key] !== null).length;
    const studyPage = await expectCleanPage(studyHtml, 'study-mnist.png');
    expect(studyPage.marks).toEqual({
      study_accuracy_lines: 2,
      study_accuracy_points: 4,
      study_memory: 4,
      sqnr_cumulative_lines: 4,
      sqnr_cumulative_points: sqnrPoints('sqnrDb'),
      sqnr_alone_lines: 4,
      sqnr_alone_points: sqnrPoints('sqnrDbAlone'),
    });

    const graph = join(directory, 'm8.json');
    await expectRun(['quantize', 'zoo:mnist_cnn', '--calib', 'mnist', '--calib-images', '20', '--out', graph]);
    const evaluationJson = join(directory, 'evaluation.json');
    const evaluationHtml = join(directory, 'evaluation.html');
    await expectRun(['evaluate', graph, ...quick, '--format', 'json', '--out', evaluationJson, '--html', evaluationHtml]);
    const evaluation = JSON.parse(readFileSync(evaluationJson, 'utf8')) as EvaluationFile;
    const layers = evaluation.layers.length;
    const evaluationPage = await expectCleanPage(evaluationHtml, 'evaluation-mnist.png');
    expect(evaluationPage.marks).toEqual({
      evaluation_sqnr_lines: 2,
      evaluation_sqnr_points: evaluation.layers.flatMap((layer) => [layer.sqnrDb, layer.sqnrDbAlone]).filter((value) => value !== null)
        .length,
      evaluation_threshold: 1,
      evaluation_format_ranges: layers,
      evaluation_float_ranges: layers,
    });
  });
});
