/**
 * The timeline of `npm start`'s run (MobileNet v1 on edge-npu) obeys the rules Perfetto's JSON
 * importer relies on: one object with traceEvents; complete events with name, ph, ts, dur >= 0, pid
 * and tid; metadata naming every process and thread; slices on one thread that nest and never
 * partly overlap; every layer present; the span equal to the report's total cycles at the clock.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGraphArgument } from '../../src/pipeline/graphArgument.js';
import { simulate } from '../../src/pipeline/index.js';
import { loadHardwareFile } from '../../src/formats/loadHardware.js';
import { totals } from '../../src/report/summary.js';
import { chromeTrace, type TraceEvent, TRACKS } from '../../src/report/trace.js';
import { runCli } from '../support/cli.js';
import { REPO, temporaryDirectory } from '../support/files.js';

const HW = join(REPO, 'configs/edge-npu.json');

/** Checks every rule; returns the complete events by thread. */
function checkPerfettoRules(trace: { traceEvents: readonly TraceEvent[] }): Map<number, TraceEvent[]> {
  expect(Array.isArray(trace.traceEvents)).toBe(true);
  const named = new Set<string>();
  const namedProcesses = new Set<number>();
  const byThread = new Map<number, TraceEvent[]>();
  for (const event of trace.traceEvents) {
    if (event.ph === 'M' && event.name === 'thread_name') named.add(`${event.pid}/${event.tid}`);
    if (event.ph === 'M' && event.name === 'process_name') namedProcesses.add(event.pid);
    if (event.ph !== 'X') continue;
    expect(typeof event.name).toBe('string');
    expect([typeof event.ts, typeof event.dur, typeof event.pid, typeof event.tid]).toEqual(['number', 'number', 'number', 'number']);
    expect(event.dur).toBeGreaterThanOrEqual(0);
    const list = byThread.get(event.tid as number) ?? [];
    list.push(event);
    byThread.set(event.tid as number, list);
  }
  for (const [tid, events] of byThread) {
    expect(named.has(`${events[0]?.pid}/${tid}`)).toBe(true);
    expect(namedProcesses.has(events[0]?.pid as number)).toBe(true);
    // Nesting in whole nanoseconds, as viewers keep them: sort by start, longer first, then a stack.
    const spans = events
      .map((event) => ({
        start: Math.round((event.ts as number) * 1000),
        end: Math.round(((event.ts as number) + (event.dur as number)) * 1000),
        name: event.name,
      }))
      .sort((a, b) => a.start - b.start || b.end - a.end);
    const open: { start: number; end: number; name: string }[] = [];
    for (const span of spans) {
      while (open.length > 0 && (open.at(-1)?.end as number) <= span.start) open.pop();
      const parent = open.at(-1);
      if (parent !== undefined && span.end > parent.end)
        throw new Error(`"${span.name}" partly overlaps "${parent.name}" on thread ${tid}`);
      open.push(span);
    }
  }
  return byThread;
}

describe('the timeline of npm start', () => {
  const graph = loadGraphArgument('zoo:mobilenet_v1');
  const result = simulate(graph, loadHardwareFile(HW));
  const trace = chromeTrace(result, { detail: 'tile', maxTileEvents: 20_000 });

  it('follows the importer rules, one named track per unit', () => {
    const byThread = checkPerfettoRules(trace);
    const threadNames = trace.traceEvents.filter((event) => event.name === 'thread_name').map((event) => event.args?.name);
    expect(threadNames).toEqual([...TRACKS]);
    // Every unit works in MobileNet: the dedicated unit requantizes, the vector unit pools.
    expect([...byThread.keys()].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('has every layer, tiles inside the array layers, and counters', () => {
    const names = new Set(trace.traceEvents.filter((event) => event.ph === 'X').map((event) => event.args?.layer ?? event.name));
    for (const layer of result.layers) expect(names.has(layer.name)).toBe(true);
    const tiles = trace.traceEvents.filter((event) => event.cat === 'tile');
    const scheduledTiles = result.schedule.layers.reduce((total, layer) => total + (layer.unit === 'array' ? layer.tiling.tiles : 0), 0);
    expect(tiles.reduce((total, event) => total + Number(event.args?.tiles), 0)).toBe(scheduledTiles);
    expect(new Set(trace.traceEvents.filter((event) => event.ph === 'C').map((event) => event.name))).toEqual(
      new Set(['SRAM occupancy', 'DRAM bytes per cycle']),
    );
  });

  it("spans the report's total cycles at the config's clock", () => {
    const slices = trace.traceEvents.filter((event) => event.ph === 'X');
    const end = Math.max(...slices.map((event) => (event.ts as number) + (event.dur as number)));
    const start = Math.min(...slices.map((event) => event.ts as number));
    const totalCycles = totals(result).cycles;
    expect(start).toBe(0);
    expect(Math.round(end * 1000)).toBe(Math.round((totalCycles * 1000) / result.clockMHz));
    expect(trace.otherData.totalCycles).toBe(totalCycles);
  });

  it('layer detail has no tile slices; a small cap draws tiles in runs', () => {
    expect(chromeTrace(result, { detail: 'layer', maxTileEvents: 20_000 }).traceEvents.some((event) => event.cat === 'tile')).toBe(false);
    const capped = chromeTrace(result, { detail: 'tile', maxTileEvents: 28 });
    const tiles = capped.traceEvents.filter((event) => event.cat === 'tile');
    expect(tiles.length).toBeLessThanOrEqual(28);
    checkPerfettoRules(capped);
  });
});

describe('npusim run --trace', () => {
  it('writes the trace beside the report, and never over a file', async () => {
    const file = join(temporaryDirectory(), 'small.trace.json');
    const run = await runCli(['run', 'zoo:small_cnn', '--hw', HW, '--trace', file, '--trace-detail', 'layer']);
    expect(run.exitCode).toBe(0);
    const written = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: TraceEvent[] };
    checkPerfettoRules(written);
    const again = await runCli(['run', 'zoo:small_cnn', '--hw', HW, '--trace', file]);
    expect([again.exitCode, again.stderr.trim()]).toEqual([
      2,
      `error: ${file}: already exists; npusim never overwrites a file unless you pass --force`,
    ]);
  });
});
