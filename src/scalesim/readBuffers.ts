/**
 * SCALE-Sim's IFMAP/FILTER read buffers (double-buffered SRAM in front of DRAM), cycle-model.md 5.3
 * and 5.4. Both see the demand rows in order and answer each with its service cycle; at the end they
 * give the DRAM start/stop cycles and word count of the reports.
 */
import { forEachPrefetchEntry, type PrefetchLayout } from './demandRows.js';

export interface DramActivity {
  startCycle: number;
  stopCycle: number;
  words: number;
}

export interface ReadBuffer {
  /** Service cycle of a demand row (addresses without -1s) requested at `cycle`: cycle + 1 on a hit. */
  service(cycle: number, addresses: Int32Array, count: number): number;
  dramActivity(): DramActivity;
}

/** SCALE-Sim's read hit latency (cycles). */
const HIT_LATENCY = 1;
/** DRAM words per cycle SCALE-Sim assumes for the first fill in CALC ("estimate bandwidth") mode. */
const CALC_MODE_FILL_WORDS_PER_CYCLE = 10;

/**
 * CALC mode: never stalls; it only counts distinct addresses per half-buffer epoch. An epoch ends
 * at its Q-th distinct address (Q = 50 sets of floor(words/100)); that row's cycle is recorded.
 */
export class CalcModeReadBuffer implements ReadBuffer {
  private readonly wordsPerSet: number;
  private readonly wordsPerEpoch: number;
  /** Epoch in which each address was last seen (-1: never). */
  private readonly seenInEpoch: Int32Array;
  private epoch = 0;
  private distinctThisEpoch = 0;
  private lastEpochEndCycle = -1;
  private firstRequestCycle = -1;

  /** Bytes the buffer's tables take for an operand of `addressSpaceWords` words. */
  static tableBytes(addressSpaceWords: number): number {
    return Int32Array.BYTES_PER_ELEMENT * addressSpaceWords;
  }

  constructor(totalWords: number, addressSpaceWords: number) {
    this.wordsPerSet = Math.floor(totalWords / 100);
    this.wordsPerEpoch = 50 * this.wordsPerSet;
    this.seenInEpoch = new Int32Array(addressSpaceWords).fill(-1);
  }

  service(cycle: number, addresses: Int32Array, count: number): number {
    if (count > 0 && this.firstRequestCycle < 0) this.firstRequestCycle = cycle;
    const seen = this.seenInEpoch;
    for (let i = 0; i < count; i += 1) {
      const address = addresses[i] as number;
      if (seen[address] === this.epoch) continue;
      seen[address] = this.epoch;
      this.distinctThisEpoch += 1;
      if (this.distinctThisEpoch === this.wordsPerEpoch) {
        this.lastEpochEndCycle = cycle;
        this.epoch += 1;
        this.distinctThisEpoch = 0;
      }
    }
    return cycle + HIT_LATENCY;
  }

  dramActivity(): DramActivity {
    const fullEpochs = this.epoch;
    const remainder = this.distinctThisEpoch;
    if (fullEpochs === 0) {
      // One fill of the sets actually used, ending at cycle -1.
      const sets = Math.ceil(remainder / this.wordsPerSet);
      return { startCycle: -Math.ceil((sets * this.wordsPerSet) / CALC_MODE_FILL_WORDS_PER_CYCLE), stopCycle: -1, words: remainder };
    }
    return {
      startCycle: this.firstRequestCycle - Math.ceil(this.wordsPerEpoch / CALC_MODE_FILL_WORDS_PER_CYCLE),
      stopCycle: this.lastEpochEndCycle + HIT_LATENCY,
      words: fullEpochs * this.wordsPerEpoch + remainder,
    };
  }
}

/**
 * USER mode: the operand's prefetch sequence is cut into sets of ceil(words/100) entries; a window of
 * A sets is resident and slides by PF sets per prefetch of LP lines. Prefetches chain back to back,
 * so a miss stalls only until the chained prefetch that brings the address completes.
 */
export class UserModeReadBuffer implements ReadBuffer {
  private readonly setCount: number;
  private readonly activeSets: number;
  private readonly setsPerPrefetch: number;
  private readonly initialFillLines: number;
  private readonly linesPerPrefetch: number;
  private readonly wordsPerLine: number;
  /** Sets holding each address (CSR: setsOf[setStart[a] .. setStart[a+1])), ascending. */
  private readonly setStart: Int32Array;
  private readonly setsOf: Int32Array;
  private windowStart = 0;
  private lastPrefetchDoneCycle = -1;
  private prefetches = 0;

  /**
   * At most the bytes the buffer's tables take: the valid prefetch entries (at most the operand
   * matrix's `operandMatrixWords`) and the sets holding them, and three tables over the address space.
   */
  static tableBytes(operandMatrixWords: number, addressSpaceWords: number): number {
    return Int32Array.BYTES_PER_ELEMENT * (2 * operandMatrixWords + 3 * addressSpaceWords + 1);
  }

  constructor(totalWords: number, wordsPerCycle: number, layout: PrefetchLayout, addressSpaceWords: number) {
    const activeWords = Math.ceil(totalWords / 2);
    const prefetchWords = totalWords - activeWords;
    const wordsPerSet = Math.ceil(totalWords / 100);

    // The valid entries of the prefetch sequence, in order (duplicates kept: each counts toward its set).
    let sequenceLength = 0;
    let validCount = 0;
    forEachPrefetchEntry(layout, (address) => {
      sequenceLength += 1;
      if (address >= 0) validCount += 1;
    });
    const valid = new Int32Array(validCount);
    let next = 0;
    forEachPrefetchEntry(layout, (address) => {
      if (address >= 0) valid[next++] = address;
    });

    // Set s = distinct addresses of chunk s; the remainder (possibly empty) is one more set.
    this.setCount = Math.floor(validCount / wordsPerSet) + 1;
    const counts = new Int32Array(addressSpaceWords + 1);
    const lastSet = new Int32Array(addressSpaceWords).fill(-1);
    for (let i = 0; i < validCount; i += 1) {
      const address = valid[i] as number;
      const set = Math.floor(i / wordsPerSet);
      if (lastSet[address] !== set) {
        lastSet[address] = set;
        counts[address + 1] = (counts[address + 1] as number) + 1;
      }
    }
    for (let a = 0; a < addressSpaceWords; a += 1) counts[a + 1] = (counts[a + 1] as number) + (counts[a] as number);
    this.setStart = counts;
    this.setsOf = new Int32Array(counts[addressSpaceWords] as number);
    const fill = counts.slice(0, addressSpaceWords);
    lastSet.fill(-1);
    for (let i = 0; i < validCount; i += 1) {
      const address = valid[i] as number;
      const set = Math.floor(i / wordsPerSet);
      if (lastSet[address] !== set) {
        lastSet[address] = set;
        this.setsOf[fill[address] as number] = set;
        fill[address] = (fill[address] as number) + 1;
      }
    }

    this.activeSets = Math.min(this.setCount, Math.ceil(activeWords / wordsPerSet));
    this.setsPerPrefetch = Math.min(this.setCount - this.activeSets, Math.ceil(prefetchWords / wordsPerSet));
    this.wordsPerLine = wordsPerCycle;
    this.initialFillLines = Math.min(Math.ceil(activeWords / wordsPerCycle), Math.ceil(sequenceLength / wordsPerCycle));
    this.linesPerPrefetch = Math.ceil(prefetchWords / wordsPerCycle);
  }

  private resident(address: number): boolean {
    const end = this.setStart[address + 1] as number;
    for (let i = this.setStart[address] as number; i < end; i += 1) {
      let distance = (this.setsOf[i] as number) - this.windowStart;
      if (distance < 0) distance += this.setCount;
      if (distance < this.activeSets) return true;
    }
    return false;
  }

  service(cycle: number, addresses: Int32Array, count: number): number {
    let offset = HIT_LATENCY;
    if (this.setsPerPrefetch === 0) return cycle + offset; // everything is resident from the start
    for (let i = 0; i < count; i += 1) {
      const address = addresses[i] as number;
      while (!this.resident(address)) {
        this.windowStart = (this.windowStart + this.setsPerPrefetch) % this.setCount;
        this.prefetches += 1;
        this.lastPrefetchDoneCycle += this.linesPerPrefetch + 1;
        if (this.lastPrefetchDoneCycle > cycle + offset) offset = this.lastPrefetchDoneCycle - cycle;
      }
    }
    return cycle + offset;
  }

  dramActivity(): DramActivity {
    return {
      startCycle: -this.initialFillLines,
      stopCycle: -1 + this.prefetches * (this.linesPerPrefetch + 1),
      words: (this.initialFillLines + this.prefetches * this.linesPerPrefetch) * this.wordsPerLine,
    };
  }
}
