/**
 * SCALE-Sim's three report files, byte for byte: a header line, then one line per layer,
 * `<layer id>, ` + values joined with ", " + a trailing comma. Values print as Python prints them
 * (ints bare, floats with repr: `9.0`, `3.9961903876977396`).
 */
import type { ScaleSimLayerResult } from './model.js';
import { pythonFloatRepr, pythonIntRepr } from './pythonRepr.js';

export interface ScaleSimReports {
  compute: string;
  bandwidth: string;
  detailedAccess: string;
}

/** The file names SCALE-Sim writes under `<output dir>/<run_name>/`. */
export const REPORT_FILE_NAMES = {
  compute: 'COMPUTE_REPORT.csv',
  bandwidth: 'BANDWIDTH_REPORT.csv',
  detailedAccess: 'DETAILED_ACCESS_REPORT.csv',
} as const;

const COMPUTE_HEADER = 'LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,';
const BANDWIDTH_HEADER =
  'LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP DRAM BW, Avg FILTER DRAM BW, Avg OFMAP DRAM BW,';
const DETAILED_ACCESS_HEADER = [
  'LayerID, ',
  'SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, ',
  'SRAM Filter Start Cycle, SRAM Filter Stop Cycle, SRAM Filter Reads, ',
  'SRAM OFMAP Start Cycle, SRAM OFMAP Stop Cycle, SRAM OFMAP Writes, ',
  'DRAM IFMAP Start Cycle, DRAM IFMAP Stop Cycle, DRAM IFMAP Reads, ',
  'DRAM Filter Start Cycle, DRAM Filter Stop Cycle, DRAM Filter Reads, ',
  'DRAM OFMAP Start Cycle, DRAM OFMAP Stop Cycle, DRAM OFMAP Writes,',
].join('');

const float = pythonFloatRepr;
const int = pythonIntRepr;

/** Whether two results hold the same counts (the same objects: copies of one simulation). */
function sameCounts(a: ScaleSimLayerResult, b: ScaleSimLayerResult): boolean {
  return (
    a.sram === b.sram &&
    a.dram === b.dram &&
    a.bandwidth === b.bandwidth &&
    a.totalCycles === b.totalCycles &&
    a.stallCycles === b.stallCycles &&
    a.overallUtilPercent === b.overallUtilPercent &&
    a.mappingEfficiencyPercent === b.mappingEfficiencyPercent &&
    a.computeUtilPercent === b.computeUtilPercent
  );
}

/**
 * The report's lines. Layers with the same sizes share one simulation's counts (simulateTopology),
 * so each distinct layer's values are formatted once: a "DP" row of a million channels is a
 * million equal lines.
 */
function reportLines(header: string, results: readonly ScaleSimLayerResult[], values: (result: ScaleSimLayerResult) => string[]): string {
  const formatted = new WeakMap<object, { source: ScaleSimLayerResult; text: string }>();
  const lines = [`${header}\n`];
  results.forEach((result, layerId) => {
    const cached = formatted.get(result.sram);
    let text: string;
    if (cached !== undefined && sameCounts(cached.source, result)) {
      text = cached.text;
    } else {
      text = values(result).join(', ');
      formatted.set(result.sram, { source: result, text });
    }
    lines.push(`${layerId}, ${text},\n`);
  });
  return lines.join('');
}

export function computeReport(results: readonly ScaleSimLayerResult[]): string {
  return reportLines(COMPUTE_HEADER, results, (r) => [
    int(r.totalCycles),
    int(r.stallCycles),
    float(r.overallUtilPercent),
    float(r.mappingEfficiencyPercent),
    float(r.computeUtilPercent),
  ]);
}

export function bandwidthReport(results: readonly ScaleSimLayerResult[]): string {
  return reportLines(BANDWIDTH_HEADER, results, ({ bandwidth: b }) =>
    [b.ifmapSram, b.filterSram, b.ofmapSram, b.ifmapDram, b.filterDram, b.ofmapDram].map(float),
  );
}

export function detailedAccessReport(results: readonly ScaleSimLayerResult[]): string {
  return reportLines(DETAILED_ACCESS_HEADER, results, ({ sram, dram }) =>
    [sram.ifmap, sram.filter, sram.ofmap, dram.ifmap, dram.filter, dram.ofmap].flatMap((activity) => [
      float(activity.startCycle),
      float(activity.stopCycle),
      int(activity.words),
    ]),
  );
}

export function scaleSimReports(results: readonly ScaleSimLayerResult[]): ScaleSimReports {
  return { compute: computeReport(results), bandwidth: bandwidthReport(results), detailedAccess: detailedAccessReport(results) };
}
