/**
 * Opening pages in Debian's Chromium (never a downloaded browser) through puppeteer-core: every
 * console message, page error and request is recorded, and the page is awaited until its charts
 * say they are drawn.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { REPO } from './files.js';

export const CHROMIUM = process.env.NPUSIM_CHROMIUM ?? '/usr/bin/chromium';
/** Where the browser tests leave their screenshots (git ignores out/). */
export const SCREENSHOTS = join(REPO, 'out', 'screenshots');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`the browser tests need Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does), or set NPUSIM_CHROMIUM`);
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
}

export interface OpenedPage {
  /** Console errors and warnings, and uncaught page errors. */
  readonly problems: readonly string[];
  /** Every URL the page asked for, its own file included. */
  readonly requests: readonly string[];
  /** The page root's data-charts attribute once settled: "drawn" or "failed". */
  readonly charts: string;
  /** Items of each named mark (`<name>_marks`), summed over its groups. */
  readonly marks: Readonly<Record<string, number>>;
  /** Distinct x-axis labels of the chart in each container. */
  readonly axisLabels: (container: string) => Promise<string[]>;
}

// In-page code is sent as text: the tests are typed for Node, without the DOM's types.
const COUNT_MARKS = `(() => {
  const counts = {};
  for (const group of document.querySelectorAll('g.role-mark')) {
    const name = [...group.classList].find((name) => name.endsWith('_marks'));
    if (name !== undefined) {
      const mark = name.slice(0, -'_marks'.length);
      counts[mark] = (counts[mark] ?? 0) + group.children.length;
    }
  }
  return counts;
})()`;

function xAxisLabels(container: string): string {
  return `(() => {
    const axes = [...document.querySelectorAll(${JSON.stringify(`#${container} g.role-axis`)})]
      .filter((axis) => (axis.getAttribute('aria-label') ?? '').startsWith('X-axis'));
    return [...new Set(axes.flatMap((axis) => [...axis.querySelectorAll('g.role-axis-label text')].map((text) => text.textContent ?? '')))];
  })()`;
}

export async function openPage(browser: Browser, file: string, screenshot: string): Promise<OpenedPage> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warn') problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${(error as Error).message}`));
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForFunction("document.documentElement.hasAttribute('data-charts')", { timeout: 60_000 });
  const charts = (await page.evaluate("document.documentElement.getAttribute('data-charts')")) as string;
  const marks = (await page.evaluate(COUNT_MARKS)) as Record<string, number>;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, screenshot), fullPage: true });
  return {
    problems,
    requests,
    charts,
    marks,
    axisLabels: async (container) => (await page.evaluate(xAxisLabels(container))) as string[],
  };
}
