/**
 * Sweep progress on stderr: a bar with rate and ETA on a terminal (cli-progress), plain lines at
 * most every few seconds otherwise (CI logs, Slurm output files), so logs stay short and readable.
 */
import { Presets, SingleBar } from 'cli-progress';

export type ProgressStyle = 'bar' | 'lines' | 'none';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

const LINE_INTERVAL_MS = 5000;

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

class ProgressLines implements Progress {
  private readonly started = Date.now();
  private lastLine = this.started;
  private done = 0;

  constructor(
    private readonly total: number,
    private readonly write: (text: string) => void,
    private readonly interval: number,
  ) {}

  update(done: number): void {
    this.done = done;
    const now = Date.now();
    if (now - this.lastLine >= this.interval && done < this.total) {
      this.lastLine = now;
      this.write(`${this.line(now)}\n`);
    }
  }

  stop(): void {
    this.write(`${this.line(Date.now())}\n`);
  }

  private line(now: number): string {
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? this.done / seconds : 0;
    const eta = rate > 0 ? (this.total - this.done) / rate : Infinity;
    const percent = this.total === 0 ? 100 : Math.floor((100 * this.done) / this.total);
    return `sweep: ${this.done}/${this.total} points (${percent}%), ${rate.toFixed(1)} points/s, ${this.done < this.total ? `ETA ${formatSeconds(eta)}` : `${formatSeconds(seconds)} in all`}`;
  }
}

class ProgressBar implements Progress {
  private readonly bar = new SingleBar(
    { format: 'sweep {bar} {percentage}% | {value}/{total} points | {rate} points/s | ETA {eta_formatted}', stream: process.stderr, hideCursor: true, etaBuffer: 50 },
    Presets.shades_classic,
  );
  private readonly started = Date.now();

  constructor(total: number) {
    this.bar.start(total, 0, { rate: '0.0' });
  }

  update(done: number): void {
    const seconds = (Date.now() - this.started) / 1000;
    this.bar.update(done, { rate: seconds > 0 ? (done / seconds).toFixed(1) : '0.0' });
  }

  stop(): void {
    this.bar.stop();
  }
}

export function createProgress(style: ProgressStyle, total: number, write: (text: string) => void, interval = LINE_INTERVAL_MS): Progress {
  if (style === 'bar') return new ProgressBar(total);
  if (style === 'lines') return new ProgressLines(total, write, interval);
  return { update: () => undefined, stop: () => undefined };
}
