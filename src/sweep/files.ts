/**
 * Writing sweep files. A file written whole goes to a temporary name beside it and is renamed into
 * place, so no reader sees half of it, and on any failure the temporary file is removed, so none is
 * ever left behind (the rule of src/cli/outputs.ts). Rows are appended one line per write, so an
 * interruption leaves only whole lines.
 */
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.js';

function cannotWrite(file: string, error: unknown): InputError {
  if (error instanceof InputError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new InputError(`cannot be written (${code ?? (error as Error).message})`, file);
}

function writeAll(descriptor: number, bytes: Uint8Array): void {
  for (let written = 0; written < bytes.length; ) written += writeSync(descriptor, bytes, written, bytes.length - written);
}

const FLUSH_BYTES = 1 << 20;

/** A file written in pieces to a temporary name, then renamed into place by `commit`. */
class AtomicFile {
  private readonly temporary: string;
  private readonly descriptor: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly file: string) {
    this.temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
    try {
      this.descriptor = openSync(this.temporary, 'w');
    } catch (error) {
      throw cannotWrite(file, error);
    }
  }

  write(text: string): void {
    const bytes = Buffer.from(text);
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    writeAll(this.descriptor, Buffer.concat(this.pending, this.pendingBytes));
    this.pending = [];
    this.pendingBytes = 0;
  }

  commit(): void {
    this.flush();
    closeSync(this.descriptor);
    renameSync(this.temporary, this.file);
  }

  abort(): void {
    try {
      closeSync(this.descriptor);
    } catch {
      // Already closed by a failed commit.
    }
    rmSync(this.temporary, { force: true });
  }
}

/** Writes a file whole through `write`; nothing is left behind if it fails, the old file stays as it was. */
export function writeAtomically(file: string, write: (out: { write(text: string): void }) => void): void {
  const out = new AtomicFile(file);
  try {
    write(out);
    out.commit();
  } catch (error) {
    out.abort();
    throw cannotWrite(file, error);
  }
}

/** Appends lines to a sweep file, each in one write, and says where each one starts. */
export class LineAppender {
  private readonly descriptor: number;
  private end: number;

  constructor(private readonly file: string) {
    try {
      this.descriptor = openSync(file, 'a');
      this.end = fstatSync(this.descriptor).size;
    } catch (error) {
      throw cannotWrite(file, error);
    }
  }

  /** Appends `text` (whole lines); returns the byte offset it starts at. */
  append(text: string): number {
    const bytes = Buffer.from(text);
    try {
      writeAll(this.descriptor, bytes);
    } catch (error) {
      throw cannotWrite(this.file, error);
    }
    const start = this.end;
    this.end += bytes.length;
    return start;
  }

  close(): void {
    closeSync(this.descriptor);
  }
}

const WINDOW_BYTES = 1 << 20;

/** Reads lines of a file by their byte offsets, through a window so that reading in order is cheap. */
export class LineReader {
  private readonly descriptor: number;
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(readonly file: string) {
    this.descriptor = openSync(file, 'r');
  }

  line(offset: number, length: number): string {
    if (offset < this.windowStart || offset + length > this.windowStart + this.window.length) {
      const buffer = Buffer.allocUnsafe(Math.max(WINDOW_BYTES, length));
      let filled = 0;
      while (filled < buffer.length) {
        const read = readSync(this.descriptor, buffer, filled, buffer.length - filled, offset + filled);
        if (read === 0) break;
        filled += read;
      }
      if (filled < length) throw new InputError(`changed while npusim was reading it (a row at byte ${offset} is gone)`, this.file);
      this.window = buffer.subarray(0, filled);
      this.windowStart = offset;
    }
    const start = offset - this.windowStart;
    return this.window.toString('utf8', start, start + length);
  }

  close(): void {
    closeSync(this.descriptor);
  }
}
