/** JSON Lines reading: lines exactly as split text gives them, across chunk boundaries, bounded; each line parsed strictly. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { MAX_JSON_LINE_BYTES, parseJsonLine, readLineBatches, type TextLine } from '../../src/formats/jsonLines.js';
import { temporaryDirectory } from '../support/files.js';

async function readAll(file: string, maxLineBytes?: number): Promise<{ lines: TextLine[]; bytesRead: number[] }> {
  const lines: TextLine[] = [];
  const bytesRead: number[] = [];
  for await (const batch of readLineBatches(file, { what: 'a test file', maxLineBytes })) {
    lines.push(...batch.lines);
    bytesRead.push(batch.bytesRead);
  }
  return { lines, bytesRead };
}

async function failureOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InputError) return error.describe();
    throw error;
  }
  return 'no error';
}

describe('readLineBatches', () => {
  it('gives every non-blank line with its number, across 256 KiB chunks, multi-byte characters split between chunks included', async () => {
    // Lines of every length up to 3000 characters, some with 3- and 4-byte characters, CRLF and blank lines mixed in.
    const lines = Array.from({ length: 1200 }, (_, index) => (index % 7 === 0 ? '' : `${'€😀x'.repeat(index % 1000)}#${index}`));
    const text = `\uFEFF${lines.join('\r\n')}`;
    const file = join(temporaryDirectory(), 'many.jsonl');
    writeFileSync(file, text);
    const size = Buffer.byteLength(text);
    expect(size).toBeGreaterThan(3 * 256 * 1024);
    const { lines: read, bytesRead } = await readAll(file);
    const expected = lines.map((line, index) => ({ line: index + 1, text: line })).filter((line) => line.text !== '');
    expect(read).toEqual(expected);
    expect(bytesRead.at(-1)).toBe(size);
    expect(bytesRead).toEqual([...bytesRead].sort((a, b) => a - b));
  });

  it('reads a last line without a newline, and nothing from an empty file', async () => {
    const directory = temporaryDirectory();
    writeFileSync(join(directory, 'tail.jsonl'), 'a\n\n  b  ');
    writeFileSync(join(directory, 'empty.jsonl'), '');
    expect((await readAll(join(directory, 'tail.jsonl'))).lines).toEqual([
      { line: 1, text: 'a' },
      { line: 3, text: '  b  ' },
    ]);
    expect((await readAll(join(directory, 'empty.jsonl'))).lines).toEqual([]);
  });

  it('accepts a line of exactly the limit and refuses one byte more, naming its line', async () => {
    const directory = temporaryDirectory();
    writeFileSync(join(directory, 'at.jsonl'), `ok\n${'x'.repeat(1000)}\n`);
    writeFileSync(join(directory, 'over.jsonl'), `ok\n${'x'.repeat(1001)}\n`);
    expect((await readAll(join(directory, 'at.jsonl'), 1000)).lines.map((line) => line.text.length)).toEqual([2, 1000]);
    expect(await failureOf(readAll(join(directory, 'over.jsonl'), 1000))).toBe(
      `${join(directory, 'over.jsonl')}:2: line is longer than 1000 bytes, the most npusim reads for one line of a test file`,
    );
    expect(MAX_JSON_LINE_BYTES).toBe(4 * 1024 * 1024);
  });

  it('stops /dev/zero (no newline ever) at the line limit, and names a folder or a missing file', async () => {
    expect(await failureOf(readAll('/dev/zero'))).toBe(
      '/dev/zero:1: line is longer than 4.0 MiB, the most npusim reads for one line of a test file',
    );
    const directory = temporaryDirectory();
    expect(await failureOf(readAll(directory))).toBe(`${directory}: is a folder, expected a test file`);
    expect(await failureOf(readAll(join(directory, 'nope.jsonl')))).toBe(
      `${join(directory, 'nope.jsonl')}: no such file (expected a test file)`,
    );
  });
});

describe('parseJsonLine', () => {
  const failure = (text: string): string => {
    try {
      parseJsonLine(text, 'f.jsonl', 7);
    } catch (error) {
      return (error as InputError).describe();
    }
    return 'no error';
  };

  it('parses a line, keys that look alike in strings included', () => {
    expect(parseJsonLine('{"a":"b:","c":{"a":1},"d":["a",{"a":2}]}', 'f.jsonl', 7)).toEqual({ a: 'b:', c: { a: 1 }, d: ['a', { a: 2 }] });
    expect(parseJsonLine('{"a\\"":1,"a":2}', 'f.jsonl', 7)).toEqual({ 'a"': 1, a: 2 });
  });

  it('refuses a duplicate key naming it, its path and both columns', () => {
    expect(failure('{"x":{"k":1, "k" :2}}')).toBe(
      'f.jsonl:7:14: key "k" is given twice in one object ($.x.k, first at column 7); JSON would keep only the last, so give it once',
    );
    expect(failure('[{"a":1},{"b":[{"c":1,"c":1}]}]')).toBe(
      'f.jsonl:7:23: key "c" is given twice in one object ($[1].b[0].c, first at column 17); JSON would keep only the last, so give it once',
    );
  });

  it('refuses nesting past 64 levels, valid or not, without overflowing the stack', () => {
    expect(failure(`${'['.repeat(64)}${']'.repeat(64)}`)).toBe('no error');
    expect(failure(`${'['.repeat(65)}${']'.repeat(65)}`)).toBe('f.jsonl:7:65: JSON nested deeper than 64 levels; a line needs far fewer');
    expect(failure(`{"a":${'['.repeat(100_000)}}`)).toBe('f.jsonl:7:69: JSON nested deeper than 64 levels; a line needs far fewer');
  });

  it('locates a syntax error by column', () => {
    expect(failure('{"a":1,}')).toBe(
      'f.jsonl:7:8: not valid JSON: a property name in double quotes was expected (no trailing commas in JSON)',
    );
    expect(failure('{"a":1} x')).toBe('f.jsonl:7:9: not valid JSON: unexpected character');
  });
});
