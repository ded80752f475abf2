/**
 * A slow, literal re-enactment of SCALE-Sim v2 for small shapes, written the way SCALE-Sim's Python
 * builds things: full operand matrices, per-fold demand blocks made with pad/skew/flip/gap and stacked
 * row by row, prefetch matrices read along anti-diagonals, and buffer models that keep real sets and
 * real DRAM lines. It shares no code with src/scalesim beyond the input types, so the fast model's
 * index arithmetic and closed forms are checked against it on shapes the anchors never cover.
 */
import type { ScaleSimConfig } from '../../src/scalesim/config.js';
import type { ScaleSimLayer } from '../../src/scalesim/topology.js';

/**
 * A numpy-like matrix of addresses (-1 for none), row-major in one typed array: the literal model
 * makes millions of rows, and as one small array each they cost the test more than the model itself.
 */
interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Int32Array;
}

/** np.ones((rows, cols)) * -1, which is also SCALE-Sim's gap block between tiles. */
const filled = (rows: number, cols: number): Matrix => ({ rows, cols, data: new Int32Array(rows * cols).fill(-1) });
const gap = filled;

function fromRows(rows: number, cols: number, value: (r: number, c: number) => number): Matrix {
  const out = filled(rows, cols);
  for (let r = 0; r < rows; r += 1) for (let c = 0; c < cols; c += 1) out.data[r * cols + c] = value(r, c);
  return out;
}

const get = (m: Matrix, r: number, c: number): number => m.data[r * m.cols + c] as number;
const transpose = (m: Matrix): Matrix => fromRows(m.cols, m.rows, (r, c) => get(m, c, r));
const sliceRows = (m: Matrix, from: number, to: number): Matrix => {
  const end = Math.min(to, m.rows);
  return { rows: end - from, cols: m.cols, data: m.data.slice(from * m.cols, end * m.cols) };
};
const sliceCols = (m: Matrix, from: number, to: number): Matrix => {
  const end = Math.min(to, m.cols);
  return fromRows(m.rows, end - from, (r, c) => get(m, r, from + c));
};
const flip = (m: Matrix): Matrix => fromRows(m.rows, m.cols, (r, c) => get(m, m.rows - 1 - r, c));

function stack(...parts: Matrix[]): Matrix {
  const cols = (parts[0] as Matrix).cols;
  let rows = 0;
  for (const part of parts) {
    if (part.cols !== cols && part.rows > 0) throw new Error(`stacking ${part.cols} columns on ${cols}`);
    rows += part.rows;
  }
  const out = filled(rows, cols);
  let offset = 0;
  for (const part of parts) {
    out.data.set(part.data.subarray(0, part.rows * cols), offset);
    offset += part.rows * cols;
  }
  return out;
}

/** np.pad with -1 to rows x cols. */
function pad(m: Matrix, rows: number, cols: number): Matrix {
  if (m.rows > rows || m.cols > cols) throw new Error(`padding ${m.rows}x${m.cols} to ${rows}x${cols}`);
  const out = filled(rows, cols);
  for (let r = 0; r < m.rows; r += 1) for (let c = 0; c < m.cols; c += 1) out.data[r * cols + c] = m.data[r * m.cols + c] as number;
  return out;
}

/** Whether a row holds an address (anything but -1). */
function anyAddress(data: Int32Array, start: number, end: number): boolean {
  for (let at = start; at < end; at += 1) if (data[at] !== -1) return true;
  return false;
}

/** SCALE-Sim's skew_matrix: column j shifted down by j rows. */
function skew(m: Matrix, cols: number): Matrix {
  const out = filled(m.rows + cols - 1, cols);
  for (let r = 0; r < m.rows; r += 1) for (let c = 0; c < m.cols; c += 1) out.data[(r + c) * cols + c] = get(m, r, c);
  return out;
}

interface Operands {
  ifmap: Matrix; // P x K
  filter: Matrix; // K x F
  ofmap: Matrix; // P x F
  p: number;
  k: number;
  f: number;
}

function operandMatrices(config: ScaleSimConfig, layer: ScaleSimLayer): Operands {
  const eh = Math.ceil((layer.ifmapHeight - layer.filterHeight + layer.strideHeight) / layer.strideHeight);
  const ew = Math.ceil((layer.ifmapWidth - layer.filterWidth + layer.strideWidth) / layer.strideWidth);
  const p = eh * ew;
  const k = layer.filterHeight * layer.filterWidth * layer.channels;
  const f = layer.numFilters;
  const ifmap = fromRows(p, k, (i, j) => {
    const iRow = Math.floor(i / ew) * layer.strideHeight;
    const iCol = (i % ew) * layer.strideWidth;
    const cRow = Math.floor(j / (layer.filterWidth * layer.channels));
    const rest = j % (layer.filterWidth * layer.channels);
    const cCol = Math.floor(rest / layer.channels);
    const channel = rest % layer.channels;
    const outside = cRow + iRow >= layer.ifmapHeight || cCol + iCol >= layer.ifmapWidth;
    return outside
      ? -1
      : config.ifmapOffset +
          (iRow * layer.ifmapWidth + iCol) * layer.channels +
          cRow * layer.ifmapWidth * layer.channels +
          cCol * layer.channels +
          channel;
  });
  const filter = fromRows(k, f, (i, j) => config.filterOffset + j * k + i);
  const ofmap = fromRows(p, f, (i, j) => config.ofmapOffset + f * i + j);
  return { ifmap, filter, ofmap, p, k, f };
}

interface Compute {
  ifmapDemand: Matrix;
  filterDemand: Matrix;
  ofmapDemand: Matrix;
  ifmapPrefetch: Int32Array;
  filterPrefetch: Int32Array;
  mappingEfficiencyPerFold: number[];
  computeUtilPerFold: number[];
  ifmapReads: number;
  filterReads: number;
  ofmapWrites: number;
}

function diagonalRead(m: Matrix, cols: number): Int32Array {
  const rows = m.rows;
  const out: number[] = [];
  for (let d = 0; d < rows + cols; d += 1) {
    const maxRow = Math.min(d, rows - 1);
    const minRow = Math.max(0, d - cols + 1);
    for (let r = maxRow; r >= minRow; r -= 1) out.push(get(m, r, d - r));
  }
  return Int32Array.from(out);
}

function computeSystem(config: ScaleSimConfig, ops: Operands): Compute {
  const R = config.arrayRows;
  const C = config.arrayCols;
  const df = config.dataflow;
  const [Sr, Sc, T] = df === 'os' ? [ops.p, ops.f, ops.k] : df === 'ws' ? [ops.k, ops.f, ops.p] : [ops.k, ops.p, ops.f];
  const rowFolds = Math.ceil(Sr / R);
  const colFolds = Math.ceil(Sc / C);
  const ifmapT = transpose(ops.ifmap); // K x P
  // Each operand's demand blocks, fold by fold, stacked into one matrix at the end.
  const blocks: [Matrix[], Matrix[], Matrix[]] = [[], [], []];
  const result: Compute = {
    ifmapDemand: filled(0, R),
    filterDemand: filled(0, C),
    ofmapDemand: filled(0, C),
    ifmapPrefetch: new Int32Array(0),
    filterPrefetch: new Int32Array(0),
    mappingEfficiencyPerFold: [],
    computeUtilPerFold: [],
    ifmapReads: 0,
    filterReads: 0,
    ofmapWrites: 0,
  };
  for (let fc = 0; fc < colFolds; fc += 1) {
    for (let fr = 0; fr < rowFolds; fr += 1) {
      const r0 = fr * R;
      const r1 = Math.min(r0 + R, Sr);
      const c0 = fc * C;
      const c1 = Math.min(c0 + C, Sc);
      let ifmapBlock: Matrix;
      let filterBlock: Matrix;
      let ofmapBlock: Matrix;
      if (df === 'os') {
        const ifTile = sliceCols(ifmapT, r0, r1); // T x rows
        result.ifmapReads += ifTile.rows * (r1 - r0);
        ifmapBlock = skew(stack(pad(ifTile, T, R), gap(C - 1, R)), R);
        const flTile = sliceCols(ops.filter, c0, c1);
        result.filterReads += flTile.rows * (c1 - c0);
        filterBlock = skew(stack(pad(flTile, T, C), gap(R - 1, C)), C);
        const ofTile = sliceCols(sliceRows(ops.ofmap, r0, r1), c0, c1);
        result.ofmapWrites += (r1 - r0) * (c1 - c0) + R + C; // SCALE-Sim's extra (R + C) per fold
        ofmapBlock = skew(stack(gap(T - 1, C), flip(pad(ofTile, R, C))), C);
      } else if (df === 'ws') {
        const ifTile = sliceCols(ops.ifmap, r0, r1); // T(=P) x rows
        result.ifmapReads += ifTile.rows * (r1 - r0);
        ifmapBlock = skew(stack(gap(R, R), pad(ifTile, T, R), gap(C - 1, R)), R);
        const flTile = sliceCols(sliceRows(ops.filter, r0, r1), c0, c1);
        result.filterReads += (r1 - r0) * (c1 - c0);
        filterBlock = stack(flip(pad(flTile, R, C)), gap(R + C + T - 2, C));
        const ofTile = sliceCols(ops.ofmap, c0, c1);
        result.ofmapWrites += ofTile.rows * (c1 - c0);
        ofmapBlock = skew(stack(gap(2 * R - 1, C), pad(ofTile, T, C)), C);
      } else {
        const ifTile = sliceCols(sliceRows(ifmapT, r0, r1), c0, c1); // rows x cols of IF^T
        result.ifmapReads += (r1 - r0) * (c1 - c0);
        ifmapBlock = stack(flip(pad(ifTile, R, C)), gap(R + C + T - 2, C));
        const flTile = transpose(sliceRows(ops.filter, r0, r1)); // F x rows
        result.filterReads += ops.f * (r1 - r0);
        filterBlock = skew(stack(gap(R, R), pad(flTile, T, R), gap(C - 1, R)), R);
        const ofTile = transpose(sliceRows(ops.ofmap, c0, c1)); // F x cols
        result.ofmapWrites += ops.f * (c1 - c0);
        ofmapBlock = skew(stack(gap(2 * R - 1, C), pad(ofTile, T, C)), C);
      }
      blocks[0].push(ifmapBlock);
      blocks[1].push(filterBlock);
      blocks[2].push(ofmapBlock);
      const macUsed = (r1 - r0) * (c1 - c0);
      result.mappingEfficiencyPerFold.push(macUsed / (R * C));
      // SCALE-Sim's "cycles this fold": rows + cols - 1 of the block it measures (the OFMAP block
      // before skew in OS, the unskewed FILTER block in WS; IS mirrors WS).
      const measured = df === 'os' ? T - 1 + R + C - 1 : filterOrIfmapUnskewedRows(df, R, C, T) + C - 1;
      result.computeUtilPerFold.push((macUsed * T) / (R * C * measured));
    }
  }
  result.ifmapDemand = stack(...blocks[0]);
  result.filterDemand = stack(...blocks[1]);
  result.ofmapDemand = stack(...blocks[2]);
  // Prefetch matrices: stacked fold tiles, read diagonally or row-major.
  if (df === 'os') {
    const ifStack = stack(...Array.from({ length: rowFolds }, (_, fr) => pad(sliceCols(ifmapT, fr * R, Math.min(fr * R + R, Sr)), T, R)));
    result.ifmapPrefetch = diagonalRead(ifStack, R);
    const flStack = stack(
      ...Array.from({ length: colFolds }, (_, fc) => pad(sliceCols(ops.filter, fc * C, Math.min(fc * C + C, Sc)), T, C)),
    );
    result.filterPrefetch = diagonalRead(flStack, C);
  } else if (df === 'ws') {
    const ifStack = stack(
      ...Array.from({ length: rowFolds }, (_, fr) => pad(sliceCols(ops.ifmap, fr * R, Math.min(fr * R + R, Sr)), T, R)),
    );
    result.ifmapPrefetch = diagonalRead(ifStack, R);
    result.filterPrefetch = stack(
      ...Array.from({ length: colFolds }, (_, fc) => pad(sliceCols(ops.filter, fc * C, Math.min(fc * C + C, Sc)), ops.k, C)),
    ).data;
  } else {
    result.ifmapPrefetch = stack(
      ...Array.from({ length: colFolds }, (_, fc) => pad(sliceCols(ifmapT, fc * C, Math.min(fc * C + C, Sc)), ops.k, C)),
    ).data;
    const flStack = stack(
      ...Array.from({ length: rowFolds }, (_, fr) => pad(transpose(sliceRows(ops.filter, fr * R, Math.min(fr * R + R, Sr))), T, R)),
    );
    result.filterPrefetch = diagonalRead(flStack, R);
  }
  return result;
}

/** WS/IS: the unskewed FILTER (WS) or IFMAP (IS) block has R + (R + C + T - 2) rows. */
function filterOrIfmapUnskewedRows(_df: string, R: number, C: number, T: number): number {
  return R + (R + C + T - 2);
}

/** A model of one operand's buffer, served one demand row (data[start..end)) a cycle. */
interface ReadBufferModel {
  service(cycle: number, data: Int32Array, start: number, end: number): number;
  dram(): [number, number, number];
}

/** ReadBufferEstimateBw, statement for statement (sets of floor(size/100), 50 active sets). */
function estimateReadBuffer(totalWords: number): ReadBufferModel {
  const itemsPerSet = Math.floor(totalWords / 100);
  const activeSets = 50;
  const prefetchSets = 50;
  let currentSet = new Set<number>();
  let currentSetId = 0;
  const listOfSets: Array<Set<number> | null> = [];
  let readStart = 0;
  let readEnd = activeSets - 1;
  let prefetchStartId = -1;
  let lastPrefetchStart = -2;
  let lastPrefetchEnd = -1;
  let firstRequestCycle = 0;
  let firstSeen = false;
  let activeDone = false;
  let numAccess = 0;
  const traceCycles: number[] = [];
  const portLatency = 1;
  const prefetch = (from: number, to: number, bandwidth: number): void => {
    for (let s = from; s <= to; s += 1) numAccess += (listOfSets[s] as Set<number>).size;
    void bandwidth;
    for (let c = lastPrefetchStart; c <= lastPrefetchEnd; c += 1) traceCycles.push(c + portLatency);
  };
  // The sets each address was put in, so that "is it in one of the sets readStart..end-1" asks only
  // those (the sets before readStart are the dropped ones, so every set in that range is still held).
  const holders = new Map<number, number[]>();
  const hit = (address: number): boolean => {
    const end = Math.min(currentSetId, readEnd + 1);
    for (const s of holders.get(address) ?? []) if (s >= readStart && s < end) return true;
    return false;
  };
  return {
    service(cycle, data, start, end) {
      if (!firstSeen && anyAddress(data, start, end)) {
        firstRequestCycle = cycle;
        firstSeen = true;
      }
      for (let at = start; at < end; at += 1) {
        const address = data[at] as number;
        if (address === -1 || hit(address) || currentSet.has(address)) continue;
        currentSet.add(address);
        const sets = holders.get(address);
        if (sets === undefined) holders.set(address, [currentSetId]);
        else sets.push(currentSetId);
        if (currentSet.size === itemsPerSet) {
          listOfSets.push(currentSet);
          currentSet = new Set();
          currentSetId += 1;
          if (currentSetId === readEnd + 1) {
            if (!activeDone) {
              lastPrefetchEnd = firstRequestCycle - 1 - portLatency;
              lastPrefetchStart = lastPrefetchEnd - Math.ceil((prefetchSets * itemsPerSet) / 10) + 1;
              prefetch(0, activeSets - 1, 10);
              prefetchStartId = readEnd + 1;
              activeDone = true;
            } else {
              prefetch(prefetchStartId, prefetchStartId + prefetchSets - 1, 0);
              prefetchStartId += prefetchSets;
            }
            for (let j = 0; j < prefetchSets; j += 1) listOfSets[readStart + j] = null;
            readStart += prefetchSets;
            readEnd += prefetchSets;
            lastPrefetchStart = lastPrefetchEnd + 1;
            lastPrefetchEnd = cycle;
          }
        }
      }
      return cycle + 1;
    },
    dram() {
      if (currentSet.size > 0) listOfSets.push(currentSet);
      else currentSetId -= 1;
      if (!activeDone) {
        lastPrefetchEnd = -1 - portLatency;
        const sets = currentSetId + 1;
        lastPrefetchStart = lastPrefetchEnd - Math.ceil((sets * itemsPerSet) / 10) + 1;
        prefetch(0, sets - 1, 10);
      } else {
        prefetch(prefetchStartId, currentSetId, 0);
      }
      return [traceCycles[0] as number, traceCycles[traceCycles.length - 1] as number, numAccess];
    },
  };
}

/** USER-mode read buffer with real sets and a sliding window of set indices (cycle-model.md 5.3). */
function userReadBuffer(totalWords: number, bandwidth: number, prefetchSequence: Int32Array): ReadBufferModel {
  const active = Math.ceil(totalWords / 2);
  const pre = totalWords - active;
  const perSet = Math.ceil(totalWords / 100);
  const valid = prefetchSequence.filter((a) => a !== -1);
  const sets: Array<Set<number>> = [];
  // Chunks of exactly perSet entries; the remainder, even when empty, is one more set.
  for (let i = 0; i <= valid.length; i += perSet) sets.push(new Set(valid.slice(i, i + perSet)));
  const setCount = sets.length;
  const activeSets = Math.min(setCount, Math.ceil(active / perSet));
  const slide = Math.min(setCount - activeSets, Math.ceil(pre / perSet));
  const fillLines = Math.min(Math.ceil(active / bandwidth), Math.ceil(prefetchSequence.length / bandwidth));
  const prefetchLines = Math.ceil(pre / bandwidth);
  let windowStart = 0;
  let last = -1;
  let prefetches = 0;
  // The sets holding each address (one can recur in several), so that "is it in one of the window's
  // activeSets sets" asks only those: set s is in the window when (s - windowStart) mod setCount < activeSets.
  const holders = new Map<number, number[]>();
  sets.forEach((set, index) => {
    for (const address of set) {
      const list = holders.get(address);
      if (list === undefined) holders.set(address, [index]);
      else list.push(index);
    }
  });
  const inWindow = (address: number): boolean => {
    for (const index of holders.get(address) ?? []) if ((index - windowStart + setCount) % setCount < activeSets) return true;
    return false;
  };
  return {
    service(cycle, data, start, end) {
      let offset = 1;
      for (let at = start; at < end; at += 1) {
        const address = data[at] as number;
        if (address === -1) continue;
        while (!inWindow(address)) {
          windowStart = (windowStart + slide) % setCount;
          prefetches += 1;
          last += prefetchLines + 1;
          if (last > cycle + offset) offset = last - cycle;
        }
      }
      return cycle + offset;
    },
    dram: () => [-fillLines, -1 + prefetches * (prefetchLines + 1), (fillLines + prefetches * prefetchLines) * bandwidth],
  };
}

/** write_buffer.py with real lines (arrays padded with -1) and a list of drain cycles. */
function writeBuffer(totalWords: number, lineWords: number) {
  const active = Math.ceil(totalWords / 2);
  const drainWords = totalWords - active;
  let free = totalWords;
  const lines: number[][] = [];
  let open: number[] = [];
  let drainStart = 0;
  let drainEnd = 0;
  let writes = 0;
  const cycles: number[] = [];
  const closeOpen = (): void => {
    if (open.length === 0) return;
    while (open.length < lineWords) open.push(-1);
    lines.push(open);
    open = [];
  };
  const drain = (start: number): number => {
    const end = Math.min(drainStart + Math.ceil(drainWords / lineWords), lines.length);
    const taken = lines.slice(drainStart, end);
    let data = taken.length * lineWords;
    for (const value of taken[taken.length - 1] as number[]) if (value === -1) data -= 1;
    writes += data;
    free += data;
    for (let i = 0; i < taken.length; i += 1) cycles.push(start + i);
    drainStart = end;
    return start + taken.length - 1;
  };
  return {
    service(cycle: number, data: Int32Array, start: number, end: number): number {
      let current = cycle;
      for (let at = start; at < end; at += 1) {
        const value = data[at] as number;
        if (value === -1) continue;
        open.push(value);
        free -= 1;
        if (open.length === lineWords) closeOpen();
        if (current < drainEnd) {
          if (!(free > 0)) current = drainEnd;
        } else if (free < active) {
          closeOpen();
          drainEnd = drain(current);
        }
      }
      return current;
    },
    flush(cycle: number): [number, number, number] {
      closeOpen();
      let start = cycle;
      while (drainStart < lines.length) {
        drainEnd = drain(start);
        start = drainEnd + 1;
      }
      return [cycles[0] as number, cycles[cycles.length - 1] as number, writes];
    },
  };
}

export interface LiteralLayerResult {
  totalCycles: number;
  stallCycles: number;
  overallUtilPercent: number;
  mappingEfficiencyPercent: number;
  computeUtilPercent: number;
  /** [start, stop, count] per operand: IFMAP, FILTER, OFMAP. */
  sram: Array<[number, number, number]>;
  dram: Array<[number, number, number]>;
}

export function literalScaleSimLayer(config: ScaleSimConfig, layer: ScaleSimLayer): LiteralLayerResult {
  const ops = operandMatrices(config, layer);
  const compute = computeSystem(config, ops);
  const user = config.bandwidthMode === 'USER';
  const bw = config.userBandwidthWordsPerCycle;
  const ifmapBuffer = user
    ? userReadBuffer(1024 * config.ifmapSramKiB, bw, compute.ifmapPrefetch)
    : estimateReadBuffer(1024 * config.ifmapSramKiB);
  const filterBuffer = user
    ? userReadBuffer(1024 * config.filterSramKiB, bw, compute.filterPrefetch)
    : estimateReadBuffer(1024 * config.filterSramKiB);
  const ofmapBuffer = writeBuffer(1024 * config.ofmapSramKiB, user ? bw : config.arrayCols);
  let stall = 0;
  const served: number[][] = [[], [], []];
  const { ifmapDemand, filterDemand, ofmapDemand } = compute;
  if (ifmapDemand.rows !== ofmapDemand.rows || filterDemand.rows !== ofmapDemand.rows)
    throw new Error('demand matrices of different lengths');
  for (let i = 0; i < ofmapDemand.rows; i += 1) {
    const cycle = i + stall;
    const ifmapOut = ifmapBuffer.service(cycle, ifmapDemand.data, i * ifmapDemand.cols, (i + 1) * ifmapDemand.cols);
    const filterOut = filterBuffer.service(cycle, filterDemand.data, i * filterDemand.cols, (i + 1) * filterDemand.cols);
    const ofmapOut = ofmapBuffer.service(cycle, ofmapDemand.data, i * ofmapDemand.cols, (i + 1) * ofmapDemand.cols);
    (served[0] as number[]).push(ifmapOut);
    (served[1] as number[]).push(filterOut);
    (served[2] as number[]).push(ofmapOut);
    stall += Math.max(ifmapOut - cycle - 1, filterOut - cycle - 1, ofmapOut - cycle);
  }
  const ofmapServed = served[2] as number[];
  const total = ofmapServed[ofmapServed.length - 1] as number;
  const ofmapDram = ofmapBuffer.flush(total);
  const startStop = (demand: Matrix, cyclesServed: number[]): [number, number] => {
    const rows: number[] = [];
    for (let i = 0; i < demand.rows; i += 1) if (anyAddress(demand.data, i * demand.cols, (i + 1) * demand.cols)) rows.push(i);
    return [cyclesServed[rows[0] as number] as number, cyclesServed[rows[rows.length - 1] as number] as number];
  };
  const sum = (values: number[]): number => values.reduce((acc, v) => acc + v, 0);
  return {
    totalCycles: total,
    stallCycles: stall,
    overallUtilPercent: (ops.p * ops.f * ops.k * 100) / (total * config.arrayRows * config.arrayCols),
    mappingEfficiencyPercent: (sum(compute.mappingEfficiencyPerFold) / compute.mappingEfficiencyPerFold.length) * 100,
    computeUtilPercent: (sum(compute.computeUtilPerFold) / compute.computeUtilPerFold.length) * 100,
    sram: [
      [...startStop(compute.ifmapDemand, served[0] as number[]), compute.ifmapReads],
      [...startStop(compute.filterDemand, served[1] as number[]), compute.filterReads],
      [...startStop(compute.ofmapDemand, ofmapServed), compute.ofmapWrites],
    ],
    dram: [ifmapBuffer.dram(), filterBuffer.dram(), ofmapDram],
  };
}
