/**
 * One layer through SCALE-Sim v2's cycle and memory model (cycle-model.md): everything its three
 * reports hold, as a pure function of (config, layer). Layers are independent: each starts at cycle
 * 0 with empty buffers.
 */
import type { ScaleSimConfig } from './config.js';
import { scaleSimDataflow } from './dataflows.js';
import { demandContext } from './demandRows.js';
import { foldMapping, geometryTableBytes, layerGeometry, layerSizes, type FoldMapping } from './layerGeometry.js';
import { OfmapWriteBuffer } from './ofmapWriteBuffer.js';
import { divideIntegers } from './pythonRepr.js';
import { CalcModeReadBuffer, UserModeReadBuffer, type DramActivity, type ReadBuffer } from './readBuffers.js';
import type { ScaleSimLayer } from './topology.js';

export interface SramActivity {
  /** Service cycles of the first and last demand rows holding a request (printed as floats). */
  startCycle: number;
  stopCycle: number;
  /** Reads (IFMAP, FILTER) or writes (OFMAP) as SCALE-Sim counts them. */
  words: number;
}

export interface ScaleSimLayerResult {
  layer: ScaleSimLayer;
  totalCycles: number;
  stallCycles: number;
  overallUtilPercent: number;
  mappingEfficiencyPercent: number;
  computeUtilPercent: number;
  sram: { ifmap: SramActivity; filter: SramActivity; ofmap: SramActivity };
  dram: { ifmap: DramActivity; filter: DramActivity; ofmap: DramActivity };
  /** Words per cycle (BANDWIDTH_REPORT). */
  bandwidth: { ifmapSram: number; filterSram: number; ofmapSram: number; ifmapDram: number; filterDram: number; ofmapDram: number };
}

const WORDS_PER_KIB = 1024;

/** Demand rows between two progress reports: often enough for a bar, rare enough to cost nothing. */
const ROWS_PER_PROGRESS_REPORT = 2 ** 16;

/**
 * At most the bytes simulateLayer's tables take for a layer (checked against a limit before any
 * layer runs): the address tables, the read buffers' tables and a demand row.
 */
export function layerWorkingBytes(config: ScaleSimConfig, layer: ScaleSimLayer): number {
  const sizes = layerSizes(layer);
  const buffers =
    config.bandwidthMode === 'USER'
      ? UserModeReadBuffer.tableBytes(sizes.ofmapPixels * sizes.windowSize, sizes.ifmapWords) +
        UserModeReadBuffer.tableBytes(sizes.filterWords, sizes.filterWords)
      : CalcModeReadBuffer.tableBytes(sizes.ifmapWords) + CalcModeReadBuffer.tableBytes(sizes.filterWords);
  return geometryTableBytes(sizes) + buffers + Int32Array.BYTES_PER_ELEMENT * Math.max(config.arrayRows, config.arrayCols);
}

/** Python's int `a * b`, exact: as a BigInt when the double product would round. */
function exactProduct(a: number, b: number): number | bigint {
  const product = a * b;
  return Number.isSafeInteger(product) ? product : BigInt(a) * BigInt(b);
}

/** Python's `sum(list)` of floats (3.11: plain left-to-right double additions). */
function averageOverFolds(mapping: FoldMapping, perFold: (rowsUsed: number, colsUsed: number) => number): number {
  let sum = 0;
  for (let fc = 0; fc < mapping.colFolds; fc += 1) {
    const colsUsed = Math.min(mapping.arrayCols, mapping.spatialCols - fc * mapping.arrayCols);
    for (let fr = 0; fr < mapping.rowFolds; fr += 1) {
      sum += perFold(Math.min(mapping.arrayRows, mapping.spatialRows - fr * mapping.arrayRows), colsUsed);
    }
  }
  return sum / (mapping.rowFolds * mapping.colFolds);
}

interface RowActivity {
  first: number;
  last: number;
}

function noteRow(activity: RowActivity, serviceCycle: number): void {
  if (activity.first < 0) activity.first = serviceCycle;
  activity.last = serviceCycle;
}

/**
 * `onRows(done)`, when given, hears every so often how many of the layer's demand rows (its cycles
 * before stalls, foldMapping's rows x folds) have been simulated.
 */
export function simulateLayer(config: ScaleSimConfig, layer: ScaleSimLayer, onRows?: (done: number) => void): ScaleSimLayerResult {
  const geometry = layerGeometry(layer);
  const { arrayRows: R, arrayCols: C } = config;
  const dataflow = scaleSimDataflow(config.dataflow);
  const mapping = foldMapping(geometry, config.dataflow, R, C);
  const pattern = dataflow.demandPattern(demandContext(geometry, mapping));
  const userMode = config.bandwidthMode === 'USER';
  const wordsPerCycle = config.userBandwidthWordsPerCycle;

  const ifmapWords = WORDS_PER_KIB * config.ifmapSramKiB;
  const filterWords = WORDS_PER_KIB * config.filterSramKiB;
  const ifmapBuffer: ReadBuffer = userMode
    ? new UserModeReadBuffer(ifmapWords, wordsPerCycle, pattern.ifmapPrefetch, geometry.ifmapWords)
    : new CalcModeReadBuffer(ifmapWords, geometry.ifmapWords);
  const filterBuffer: ReadBuffer = userMode
    ? new UserModeReadBuffer(filterWords, wordsPerCycle, pattern.filterPrefetch, geometry.filterWords)
    : new CalcModeReadBuffer(filterWords, geometry.filterWords);
  // CALC mode drains OFMAP lines one array row wide.
  const ofmapBuffer = new OfmapWriteBuffer(WORDS_PER_KIB * config.ofmapSramKiB, userMode ? wordsPerCycle : C);

  // The per-row driver (cycle-model.md 5.2).
  const rowBuffer = new Int32Array(Math.max(R, C));
  const ifmapRows: RowActivity = { first: -1, last: -1 };
  const filterRows: RowActivity = { first: -1, last: -1 };
  const ofmapRows: RowActivity = { first: -1, last: -1 };
  let stallCycles = 0;
  let row = 0;
  let lastOfmapServiceCycle = 0;
  let nextReport = onRows === undefined ? Infinity : ROWS_PER_PROGRESS_REPORT;
  for (let fc = 0; fc < mapping.colFolds; fc += 1) {
    for (let fr = 0; fr < mapping.rowFolds; fr += 1) {
      for (let t = 0; t < mapping.rowsPerFold; t += 1, row += 1) {
        if (row === nextReport) {
          onRows?.(row);
          nextReport += ROWS_PER_PROGRESS_REPORT;
        }
        const cycle = row + stallCycles;
        const ifmapCount = pattern.fillIfmapRow(fr, fc, t, rowBuffer);
        const ifmapService = ifmapBuffer.service(cycle, rowBuffer, ifmapCount);
        if (ifmapCount > 0) noteRow(ifmapRows, ifmapService);
        const filterCount = pattern.fillFilterRow(fr, fc, t, rowBuffer);
        const filterService = filterBuffer.service(cycle, rowBuffer, filterCount);
        if (filterCount > 0) noteRow(filterRows, filterService);
        const ofmapCount = pattern.ofmapRowCount(fr, fc, t);
        const ofmapService = ofmapBuffer.service(cycle, ofmapCount);
        if (ofmapCount > 0) noteRow(ofmapRows, ofmapService);
        lastOfmapServiceCycle = ofmapService;
        stallCycles += Math.max(ifmapService - cycle - 1, filterService - cycle - 1, ofmapService - cycle);
      }
    }
  }
  ofmapBuffer.flush(lastOfmapServiceCycle);
  onRows?.(row);
  const totalCycles = lastOfmapServiceCycle;

  const p = geometry.ofmapPixels;
  const k = geometry.windowSize;
  const f = geometry.numFilters;
  const macUnits = R * C;
  const utilisationCycles = dataflow.utilisationCycles(mapping.rowsPerFold, C);
  const mappingEfficiency = averageOverFolds(mapping, (rowsUsed, colsUsed) => (rowsUsed * colsUsed) / macUnits);
  // R x C x a fold's cycles can pass 2^53 on a large array; the MACs of one fold cannot.
  const utilisationDenominator = exactProduct(macUnits, utilisationCycles);
  const computeUtil = averageOverFolds(mapping, (rowsUsed, colsUsed) =>
    divideIntegers(rowsUsed * colsUsed * mapping.temporal, utilisationDenominator),
  );
  // SRAM access counts (cycle-model.md section 4), SCALE-Sim's quirks included.
  const [ifmapReads, filterReads, ofmapWrites] = dataflow.sramAccesses({ ...mapping, p, k, f });
  const dram = { ifmap: ifmapBuffer.dramActivity(), filter: filterBuffer.dramActivity(), ofmap: ofmapBuffer.dramActivity() };
  const dramBandwidth = (activity: DramActivity): number => activity.words / (activity.stopCycle - activity.startCycle + 1);

  return {
    layer,
    totalCycles,
    stallCycles,
    overallUtilPercent: divideIntegers(BigInt(p) * BigInt(f) * BigInt(k) * 100n, BigInt(totalCycles) * BigInt(macUnits)),
    mappingEfficiencyPercent: mappingEfficiency * 100,
    computeUtilPercent: computeUtil * 100,
    sram: {
      ifmap: { startCycle: ifmapRows.first, stopCycle: ifmapRows.last, words: ifmapReads },
      filter: { startCycle: filterRows.first, stopCycle: filterRows.last, words: filterReads },
      ofmap: { startCycle: ofmapRows.first, stopCycle: ofmapRows.last, words: ofmapWrites },
    },
    dram,
    bandwidth: {
      ifmapSram: divideIntegers(ifmapReads, totalCycles),
      filterSram: divideIntegers(filterReads, totalCycles),
      ofmapSram: divideIntegers(ofmapWrites, totalCycles),
      ifmapDram: dramBandwidth(dram.ifmap),
      filterDram: dramBandwidth(dram.filter),
      ofmapDram: dramBandwidth(dram.ofmap),
    },
  };
}

/**
 * The first count of a result that is not an exact integer (past 2^53), or undefined. The counts
 * that depend on the run (stalls, DRAM prefetches) cannot be bounded up front; every one of them
 * only grows, so a final count within 2^53 means every step on the way was exact too.
 */
export function inexactCount(result: ScaleSimLayerResult): string | undefined {
  const counts: Array<[string, number]> = [
    ['Total Cycles', result.totalCycles],
    ['Stall Cycles', result.stallCycles],
  ];
  const reportNames = { ifmap: 'IFMAP', filter: 'Filter', ofmap: 'OFMAP' } as const;
  for (const operand of ['ifmap', 'filter', 'ofmap'] as const) {
    const name = reportNames[operand];
    const sram = result.sram[operand];
    const dram = result.dram[operand];
    counts.push(
      [`SRAM ${name} ${operand === 'ofmap' ? 'Writes' : 'Reads'}`, sram.words],
      [`SRAM ${name} Stop Cycle`, sram.stopCycle],
      [`DRAM ${name} Start Cycle`, dram.startCycle],
      [`DRAM ${name} Stop Cycle`, dram.stopCycle],
      [`DRAM ${name} ${operand === 'ofmap' ? 'Writes' : 'Reads'}`, dram.words],
    );
  }
  return counts.find(([, value]) => !Number.isSafeInteger(value))?.[0];
}
