/** The CLI's only contact with the process: output streams, colour, whether a progress bar may show, and exit codes. */
import { Chalk, type ChalkInstance } from 'chalk';

export const EXIT_OK = 0;
/** A check found a difference (vectors, golden traces). */
export const EXIT_DIFFERENCE = 1;
/** Bad input or usage. */
export const EXIT_BAD_INPUT = 2;

export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly colour: boolean;
  /** Whether stderr is a terminal a progress bar may redraw (never in piped or captured output). */
  readonly progressBar?: boolean;
}

export function processIO(): CliIO {
  // A reader that stops early (`npusim check | head -1`) closes the pipe. The command still runs to
  // its end and exits with its own code: a failed check must not turn into success because nobody
  // read the rest of its output.
  let stdoutClosed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      stdoutClosed = true;
      return;
    }
    throw error;
  });
  return {
    stdout: (text) => {
      if (!stdoutClosed) process.stdout.write(text);
    },
    stderr: (text) => process.stderr.write(text),
    colour: process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
    progressBar: process.stderr.isTTY === true && process.env.CI === undefined,
  };
}

export function paint(io: CliIO): ChalkInstance {
  return new Chalk({ level: io.colour ? 1 : 0 });
}
