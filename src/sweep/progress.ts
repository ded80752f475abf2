/**
 * Sweep progress for logs (CI, Slurm output files): a plain line at most every few seconds, so
 * logs stay short and readable. A terminal gets a bar instead (src/cli/progress.ts); the sweep
 * itself only reports `(done, total)`.
 */

export interface ProgressLines {
  update(done: number, total: number): void;
  stop(): void;
}

const LINE_INTERVAL_MS = 5000;

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`
    : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export interface ProgressLinesOptions {
  /** What the line says is going on: `sweep`, `check`. */
  readonly label: string;
  /** Whether `stop` writes a last line (once the work has begun) even when it was quick enough to write none before. */
  readonly alwaysFinalLine: boolean;
  readonly intervalMs?: number;
}

/** Progress as lines written through `write`: `sweep: 412/1200 points (34%), 205.8 points/s, ETA 4s`. */
export function progressLines(write: (text: string) => void, options: ProgressLinesOptions): ProgressLines {
  const interval = options.intervalMs ?? LINE_INTERVAL_MS;
  const started = Date.now();
  let lastLine = started;
  let wrote = false;
  let begun = false;
  let stopped = false;
  let done = 0;
  let total = 0;
  const line = (now: number) => {
    const seconds = (now - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 ? (total - done) / rate : Infinity;
    const percent = total === 0 ? 100 : Math.floor((100 * done) / total);
    return `${options.label}: ${done}/${total} points (${percent}%), ${rate.toFixed(1)} points/s, ${done < total ? `ETA ${formatSeconds(eta)}` : `${formatSeconds(seconds)} in all`}\n`;
  };
  return {
    update(current, all) {
      begun = true;
      done = current;
      total = all;
      const now = Date.now();
      if (now - lastLine >= interval && done < total) {
        lastLine = now;
        wrote = true;
        write(line(now));
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (wrote || (begun && options.alwaysFinalLine)) write(line(Date.now()));
    },
  };
}
