/** The CLI's only contact with the process: output streams, colour and exit codes. */
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
}

export function processIO(): CliIO {
  // A reader that stops early (`npusim ... | head`) closes the pipe: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    colour: process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
  };
}

export function paint(io: CliIO): ChalkInstance {
  return new Chalk({ level: io.colour ? 1 : 0 });
}
