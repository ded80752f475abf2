/**
 * SCALE-Sim's OFMAP write buffer (cycle-model.md 5.5): words collect into DRAM lines of W words;
 * once the free space drops below the active half, the open line is closed and up to LD lines drain,
 * one per cycle. A row stalls only when the buffer is full while a drain is still running.
 */
import type { DramActivity } from './readBuffers.js';

export class OfmapWriteBuffer {
  private readonly activeWords: number;
  private readonly linesPerDrain: number;
  private freeWords: number;
  /** Lines closed so far (full, or closed early with padding). */
  private closedLines = 0;
  /**
   * Closed lines not yet drained whose padding (-1 entries) is not 0, in order. Only lines closed
   * early are padded, a few at a time: one entry per line would grow with the OFMAP.
   */
  private readonly paddedLines: Array<{ line: number; padding: number }> = [];
  private openLineFill = 0;
  private nextLineToDrain = 0;
  private drainEndCycle = 0;
  private wordsWritten = 0;
  private firstDrainCycle = -1;
  private lastDrainCycle = -1;

  constructor(
    totalWords: number,
    private readonly wordsPerLine: number,
  ) {
    this.activeWords = Math.ceil(totalWords / 2);
    this.linesPerDrain = Math.ceil((totalWords - this.activeWords) / wordsPerLine);
    this.freeWords = totalWords;
  }

  /** Service cycle of a demand row that writes `count` words at `cycle` (cycle itself unless it stalls). */
  service(cycle: number, count: number): number {
    let current = cycle;
    let remaining = count;
    while (remaining > 0) {
      // Words that cannot reach a threshold (full buffer during a drain, or the active half) go in at once.
      const safe = current < this.drainEndCycle ? this.freeWords - 1 : this.freeWords - this.activeWords;
      if (safe > 0) {
        const words = Math.min(safe, remaining);
        this.store(words);
        remaining -= words;
        continue;
      }
      this.store(1);
      remaining -= 1;
      if (current < this.drainEndCycle) {
        if (this.freeWords <= 0) current = this.drainEndCycle;
      } else if (this.freeWords < this.activeWords) {
        this.closeOpenLine();
        this.drain(current);
      }
    }
    return current;
  }

  private store(words: number): void {
    this.freeWords -= words;
    const fill = this.openLineFill + words;
    this.closedLines += Math.floor(fill / this.wordsPerLine);
    this.openLineFill = fill % this.wordsPerLine;
  }

  private closeOpenLine(): void {
    if (this.openLineFill === 0) return;
    this.paddedLines.push({ line: this.closedLines, padding: this.wordsPerLine - this.openLineFill });
    this.closedLines += 1;
    this.openLineFill = 0;
  }

  /** Drains up to LD lines from cycle `start`, one per cycle. */
  private drain(start: number): void {
    const end = Math.min(this.nextLineToDrain + this.linesPerDrain, this.closedLines);
    const lines = end - this.nextLineToDrain;
    if (lines <= 0) return;
    // Quirk kept: only the last drained line's padding is subtracted.
    while (this.paddedLines.length > 0 && (this.paddedLines[0]?.line ?? end) < end - 1) this.paddedLines.shift();
    const last = this.paddedLines[0];
    const padding = last !== undefined && last.line === end - 1 ? last.padding : 0;
    const words = lines * this.wordsPerLine - padding;
    this.wordsWritten += words;
    this.freeWords += words;
    this.nextLineToDrain = end;
    this.drainEndCycle = start + lines - 1;
    if (this.firstDrainCycle < 0) this.firstDrainCycle = start;
    // SCALE-Sim reports the cycle of the last line in drain order, not the latest cycle: the final
    // flush starts at the last row's cycle even while an earlier drain is still running.
    this.lastDrainCycle = this.drainEndCycle;
  }

  /** Writes everything left, starting at `cycle` (the last demand row's service cycle). */
  flush(cycle: number): void {
    this.closeOpenLine();
    let start = cycle;
    while (this.nextLineToDrain < this.closedLines) {
      this.drain(start);
      start = this.drainEndCycle + 1;
    }
  }

  dramActivity(): DramActivity {
    return { startCycle: this.firstDrainCycle, stopCycle: this.lastDrainCycle, words: this.wordsWritten };
  }
}
