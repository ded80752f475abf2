/**
 * A progress bar on stderr for work that may take more than a few seconds (run, scalesim, check,
 * vectors). It shows only on a terminal (never in piped or captured output, never under CI), and
 * only once the work has taken a second, so quick commands print nothing extra.
 */
import { createRequire } from 'node:module';
import type { SingleBar } from 'cli-progress';
import type { CliIO } from './io.js';

/** cli-progress, loaded when a bar first shows: most runs end before one would. */
function cliProgress(): typeof import('cli-progress') {
  return createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
}

const DELAY_MS = 1000;

export interface ProgressBar {
  /** Work done of the total, and what is being done now. */
  update(done: number, total: number, stage?: string): void;
  stop(): void;
}

const SILENT: ProgressBar = { update: () => undefined, stop: () => undefined };

class DelayedBar implements ProgressBar {
  private readonly started = Date.now();
  private bar: SingleBar | undefined;

  constructor(
    private readonly label: string,
    private readonly unit: string,
  ) {}

  update(done: number, total: number, stage = ''): void {
    if (this.bar === undefined) {
      if (Date.now() - this.started < DELAY_MS || done >= total) return;
      const { Presets, SingleBar } = cliProgress();
      this.bar = new SingleBar(
        {
          format: `${this.label} {bar} {percentage}% | ${this.unit === '' ? '' : `{value}/{total} ${this.unit} | `}ETA {eta_formatted} {stage}`,
          stream: process.stderr,
          hideCursor: true,
          etaBuffer: 20,
          clearOnComplete: true,
        },
        Presets.shades_classic,
      );
      this.bar.start(total, done, { stage });
      return;
    }
    this.bar.setTotal(total);
    this.bar.update(done, { stage });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

/** A bar for one command's work; silent unless stderr is a terminal. */
export function progressBar(io: CliIO, label: string, unit: string): ProgressBar {
  return io.progressBar === true ? new DelayedBar(label, unit) : SILENT;
}
