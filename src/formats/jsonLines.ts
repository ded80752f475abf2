/**
 * JSON Lines files (one JSON value a line), read in bounded memory: a file is read a chunk at a
 * time and only one line is ever held whole, so a file of any length is fine, and a line longer
 * than MAX_JSON_LINE_BYTES (or a file with no newlines at all, such as /dev/zero) is an error
 * naming its line instead of a growing buffer. Each line is then parsed with the same strict rules
 * as a JSON file (readJson.ts): nesting bounded, duplicate keys refused.
 */
import { open } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { formatJsonPath } from '../messages/jsonPath.js';
import { findDuplicateKey, findTooDeep, MAX_JSON_DEPTH } from './jsonStructure.js';
import { formatBytes, reasonFor } from './readFile.js';
import { locateSyntaxError } from './readJson.js';

/**
 * The longest line read, its newline excluded. A numeric vector line is under 400 bytes and the
 * largest whole-layer anchor about 105 KiB; 4 MiB holds a layer case with about half a million
 * values (a 224x224x3 input and its output) and keeps what one line may cost bounded.
 */
export const MAX_JSON_LINE_BYTES = 4 * 1024 * 1024;

/** Bytes read at a time; a chunk's complete lines are handed on together. */
const CHUNK_BYTES = 256 * 1024;

const NEWLINE = 0x0a;

export interface TextLine {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly text: string;
}

export interface LineReadOptions {
  /** What the file should be, for messages: "a JSON Lines file of conformance cases". */
  readonly what: string;
  readonly maxLineBytes?: number;
}

export interface LineBatch {
  /** The non-blank lines that ended in this chunk (possibly none). */
  readonly lines: readonly TextLine[];
  /** Bytes of the file read so far, for progress. */
  readonly bytesRead: number;
}

function isBlank(text: string): boolean {
  return text.trim() === '';
}

/**
 * The non-blank lines of a file, in order, a chunk's worth at a time (a `\r` before the newline and
 * a byte-order mark on the first line are dropped). Throws InputError naming the file, or file:line
 * for a line that is too long.
 */
export async function* readLineBatches(file: string, options: LineReadOptions): AsyncGenerator<LineBatch> {
  const maxLineBytes = options.maxLineBytes ?? MAX_JSON_LINE_BYTES;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new InputError(reasonFor(error, options.what), file);
  }
  try {
    if ((await handle.stat()).isDirectory()) throw new InputError(`is a folder, expected ${options.what}`, file);
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    // The start of the current line when it began in an earlier chunk (copies: `chunk` is reused).
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let lineNumber = 1;
    let bytesRead = 0;
    const tooLong = (): InputError =>
      new InputError(
        `line is longer than ${formatBytes(maxLineBytes)}, the most npusim reads for one line of ${options.what}`,
        file,
        `${lineNumber}`,
      );
    const decode = (tail: Buffer): string => {
      const bytes = pending.length === 0 ? tail : Buffer.concat([...pending, tail]);
      pending = [];
      pendingBytes = 0;
      const text = bytes.toString('utf8');
      const withoutReturn = text.endsWith('\r') ? text.slice(0, -1) : text;
      return lineNumber === 1 && withoutReturn.charCodeAt(0) === 0xfeff ? withoutReturn.slice(1) : withoutReturn;
    };
    for (;;) {
      let read: number;
      try {
        ({ bytesRead: read } = await handle.read(chunk, 0, CHUNK_BYTES, null));
      } catch (error) {
        throw new InputError(reasonFor(error, options.what), file);
      }
      if (read === 0) break;
      bytesRead += read;
      const data = chunk.subarray(0, read);
      const lines: TextLine[] = [];
      let start = 0;
      for (let newline = data.indexOf(NEWLINE, start); newline !== -1; newline = data.indexOf(NEWLINE, start)) {
        if (pendingBytes + newline - start > maxLineBytes) throw tooLong();
        const text = decode(data.subarray(start, newline));
        if (!isBlank(text)) lines.push({ line: lineNumber, text });
        lineNumber += 1;
        start = newline + 1;
      }
      if (pendingBytes + read - start > maxLineBytes) throw tooLong();
      if (start < read) {
        pending.push(Buffer.from(data.subarray(start)));
        pendingBytes += read - start;
      }
      yield { lines, bytesRead };
    }
    if (pendingBytes > 0) {
      const text = decode(Buffer.alloc(0));
      if (!isBlank(text)) yield { lines: [{ line: lineNumber, text }], bytesRead };
    }
  } finally {
    await handle.close();
  }
}

/** Index just past the string that starts at `start` (a `"`), or text.length if it is not closed. */
function stringEnd(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length) {
    const char = text.charCodeAt(index);
    if (char === 0x5c /* \ */) index += 2;
    else if (char === 0x22 /* " */) return index + 1;
    else index += 1;
  }
  return text.length;
}

function isJsonSpace(char: number): boolean {
  return char === 0x20 || char === 0x09 || char === 0x0a || char === 0x0d;
}

/**
 * How many keys valid JSON text writes (a string followed by a colon is a key, and only a key is),
 * and whether it nests past MAX_JSON_DEPTH: one iterative scan for what findTooDeep and
 * findDuplicateKey check separately, because a conformance file has hundreds of thousands of lines.
 */
function scanKeysAndDepth(text: string): { readonly keys: number; readonly tooDeep: boolean } {
  let keys = 0;
  let depth = 0;
  let index = 0;
  while (index < text.length) {
    const char = text.charCodeAt(index);
    if (char === 0x22) {
      index = stringEnd(text, index);
      let next = index;
      while (next < text.length && isJsonSpace(text.charCodeAt(next))) next += 1;
      if (text.charCodeAt(next) === 0x3a /* : */) keys += 1;
      continue;
    }
    if (char === 0x7b || char === 0x5b) {
      depth += 1;
      if (depth > MAX_JSON_DEPTH) return { keys, tooDeep: true };
    } else if (char === 0x7d || char === 0x5d) {
      depth -= 1;
    }
    index += 1;
  }
  return { keys, tooDeep: false };
}

/** How many keys a parsed value holds (JSON.parse keeps one of each duplicate), walked without recursion. */
function countKeys(value: unknown): number {
  let keys = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item !== 'object' || item === null) continue;
    const children = Array.isArray(item) ? (item as unknown[]) : Object.values(item);
    if (!Array.isArray(item)) keys += children.length;
    for (const child of children) if (typeof child === 'object' && child !== null) stack.push(child);
  }
  return keys;
}

function tooDeepError(text: string, file: string, line: number): InputError | undefined {
  const tooDeep = findTooDeep(text);
  if (tooDeep === undefined) return undefined;
  return new InputError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels; a line needs far fewer`, file, `${line}:${tooDeep.offset + 1}`);
}

/**
 * One line's JSON value, strictly: nesting past MAX_JSON_DEPTH, invalid JSON and a key given twice
 * in one object are errors at `line:column`. JSON.parse is iterative (V8), so it may see the text
 * first; the syntax error locator is recursive and runs only on text whose depth was checked.
 */
export function parseJsonLine(text: string, file: string, line: number): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const tooDeep = tooDeepError(text, file, line);
    if (tooDeep !== undefined) throw tooDeep;
    const first = locateSyntaxError(text);
    if (first === undefined) throw new InputError(`not valid JSON (${(error as Error).message})`, file, `${line}`);
    throw new InputError(`not valid JSON: ${first.reason}`, file, `${line}:${first.offset + 1}`);
  }
  const scan = scanKeysAndDepth(text);
  if (scan.tooDeep)
    throw tooDeepError(text, file, line) ?? new InputError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`, file, `${line}`);
  // Only a line that writes more keys than its value holds has a duplicate; find it for the message.
  const duplicate = scan.keys > countKeys(value) ? findDuplicateKey(text) : undefined;
  if (duplicate !== undefined) {
    throw new InputError(
      `key "${duplicate.key}" is given twice in one object (${formatJsonPath([...duplicate.path, duplicate.key])}, first at column ${duplicate.firstOffset + 1}); JSON would keep only the last, so give it once`,
      file,
      `${line}:${duplicate.secondOffset + 1}`,
    );
  }
  return value;
}
