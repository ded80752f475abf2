/**
 * Reading the files a user names, bounded: a file is read only up to what it may hold, so a
 * device (`/dev/zero`), a pipe or a runaway file ends in a clear error instead of exhausting memory.
 * The limits are documented in docs/formats.md ("Limits").
 */
import { formatBytes } from '../messages/bytes.js';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from '../errors.js';

const MIB = 1024 * 1024;

/** The most bytes npusim reads from each kind of file. */
export const READ_LIMITS = {
  /** Hardware configs, graphs, energy tables, goldens, JSON reports. */
  json: 256 * MIB,
  /** SCALE-Sim .cfg files. */
  scaleSimConfig: 1 * MIB,
  /** SCALE-Sim topology CSVs: millions of rows, and within the longest string JavaScript holds (512 MiB). */
  scaleSimTopology: 256 * MIB,
  /** Sweep files (read to resume or merge). */
  table: 1024 * MIB,
} as const;

/** Why a file could not be opened or read, for an InputError naming it. */
export function reasonFor(error: unknown, what: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `no such file (expected ${what})`;
  if (code === 'EISDIR') return `is a folder, expected ${what}`;
  if (code === 'EACCES' || code === 'EPERM') return `cannot be read: permission denied (expected ${what})`;
  return `cannot be read (${code ?? (error as Error).message})`;
}

export interface BoundedRead {
  readonly bytes: Buffer;
  /** True when the file holds more than `maxBytes` (only the first `maxBytes` are in `bytes`). */
  readonly truncated: boolean;
  /** With `stopAtNul`: the offset of the first NUL byte, where reading stopped. */
  readonly nulAt?: number;
}

function openForReading(file: string, what: string): { descriptor: number; size: number | undefined } {
  let descriptor: number;
  try {
    descriptor = openSync(file, 'r');
  } catch (error) {
    throw new InputError(reasonFor(error, what), file);
  }
  const stat = fstatSync(descriptor);
  if (stat.isDirectory()) {
    closeSync(descriptor);
    throw new InputError(`is a folder, expected ${what}`, file);
  }
  // A regular file says its size; devices, pipes and /proc files (size 0) are read until the limit.
  return { descriptor, size: stat.isFile() && stat.size > 0 ? stat.size : undefined };
}

function readDescriptor(
  descriptor: number,
  sizeHint: number | undefined,
  maxBytes: number,
  file: string,
  what: string,
  stopAtNul = false,
): BoundedRead {
  let buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, sizeHint ?? 64 * 1024));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > maxBytes) break;
      const grown = Buffer.allocUnsafe(Math.min(maxBytes + 1, buffer.length * 2));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    let read: number;
    try {
      read = readSync(descriptor, buffer, length, buffer.length - length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      throw new InputError(reasonFor(error, what), file);
    }
    if (read === 0) break;
    if (stopAtNul) {
      const nulAt = buffer.subarray(length, length + read).indexOf(0);
      if (nulAt >= 0) return { bytes: buffer.subarray(0, length + nulAt), truncated: false, nulAt: length + nulAt };
    }
    length += read;
  }
  return { bytes: buffer.subarray(0, Math.min(length, maxBytes)), truncated: length > maxBytes };
}

/**
 * Reads at most `maxBytes` of a file (a regular file, a pipe or a device). `truncated` says whether
 * more was there; the caller decides whether that is an error.
 */
export function readUpTo(file: string, maxBytes: number, what: string): BoundedRead {
  const { descriptor, size } = openForReading(file, what);
  try {
    return readDescriptor(descriptor, size, maxBytes, file, what);
  } finally {
    closeSync(descriptor);
  }
}

/** Reads a whole file of at most `maxBytes`; a larger one is an error naming the limit. */
export function readBoundedFile(file: string, maxBytes: number, what: string): Buffer {
  const { descriptor, size } = openForReading(file, what);
  try {
    const tooLarge = () => new InputError(`is larger than ${formatBytes(maxBytes)}, the most npusim reads for ${what}`, file);
    if (size !== undefined && size > maxBytes) throw tooLarge();
    const { bytes, truncated } = readDescriptor(descriptor, size, maxBytes, file, what);
    if (truncated) throw tooLarge();
    return bytes;
  } finally {
    closeSync(descriptor);
  }
}

/** A UTF-8 text file of at most `maxBytes`, without a leading byte-order mark. */
export function readTextFile(file: string, what: string, maxBytes: number = READ_LIMITS.json): string {
  const text = readBoundedFile(file, maxBytes, what).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * A UTF-8 text file that can hold no NUL byte (JSON, CSV): reading stops at the first one, so a
 * binary file or a device such as /dev/zero fails after one chunk, not at the size limit.
 * `onNul` receives the text before the NUL and returns the error to throw.
 */
export function readNulFreeTextFile(file: string, what: string, maxBytes: number, onNul: (textBefore: string) => InputError): string {
  const { descriptor, size } = openForReading(file, what);
  let read: BoundedRead;
  try {
    if (size !== undefined && size > maxBytes)
      throw new InputError(`is larger than ${formatBytes(maxBytes)}, the most npusim reads for ${what}`, file);
    read = readDescriptor(descriptor, size, maxBytes, file, what, true);
  } finally {
    closeSync(descriptor);
  }
  if (read.nulAt !== undefined) throw onNul(read.bytes.toString('utf8'));
  if (read.truncated) throw new InputError(`is larger than ${formatBytes(maxBytes)}, the most npusim reads for ${what}`, file);
  const text = read.bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export { formatBytes };
