/**
 * Sweep files are written whole or not at all, with no temporary file left behind on any failure,
 * and read row by row in bounded memory.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { LineAppender, LineReader, writeAtomically } from '../../src/sweep/files.js';
import { MAX_LINE_BYTES, scanSweepFile } from '../../src/sweep/scan.js';
import { temporaryDirectory } from '../support/files.js';

/** The one line the CLI would print for what `work` throws. */
function failure(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (error instanceof InputError) return error.describe();
    throw error;
  }
  throw new Error('did not fail');
}

describe('writing sweep files', () => {
  it('replaces a file whole, and leaves it and no temporary file when writing fails midway', () => {
    const directory = temporaryDirectory();
    const file = join(directory, 'a.csv');
    writeAtomically(file, (out) => out.write('old\n'));
    expect(readFileSync(file, 'utf8')).toBe('old\n');
    const failing = () =>
      writeAtomically(file, (out) => {
        out.write('x'.repeat(3 << 20));
        throw new InputError('a row does not match the columns', file);
      });
    expect(failing).toThrow('a row does not match the columns');
    expect(readFileSync(file, 'utf8')).toBe('old\n');
    expect(readdirSync(directory)).toEqual(['a.csv']);
  });

  it('says where it cannot write, with nothing left behind', () => {
    const directory = temporaryDirectory();
    const folder = join(directory, 'b.csv');
    mkdirSync(folder);
    expect(failure(() => writeAtomically(folder, (out) => out.write('x\n')))).toBe(`${folder}: cannot be written (EISDIR)`);
    const missing = join(directory, 'missing', 'c.csv');
    expect(failure(() => writeAtomically(missing, (out) => out.write('x\n')))).toBe(`${missing}: cannot be written (ENOENT)`);
    expect(readdirSync(directory)).toEqual(['b.csv']);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('appends lines and reads them back by offset', () => {
    const file = join(temporaryDirectory(), 'c.jsonl');
    writeFileSync(file, 'héader\n');
    const appender = new LineAppender(file);
    const offsets = ['{"a":1}\n', '{"a":"é"}\n'].map((line) => appender.append(line));
    appender.close();
    expect(offsets).toEqual([8, 16]);
    const reader = new LineReader(file);
    expect([reader.line(16, 10), reader.line(8, 7), reader.line(0, 7)]).toEqual(['{"a":"é"}', '{"a":1}', 'héader']);
    reader.close();
  });
});

describe('reading sweep files row by row', () => {
  it('gives rows with their line and byte range, skips a byte-order mark, reports a cut last line', () => {
    const file = join(temporaryDirectory(), 'a.csv');
    writeFileSync(file, '\ufeffpoint,x,sweep\n0,"a,b",s/2\n1,é,s/2\n2,cut');
    const rows: unknown[] = [];
    const summary = scanSweepFile(file, (row) => rows.push(row));
    expect(rows).toEqual([
      { cells: ['0', 'a,b', 's/2'], line: 2, offset: 17, length: 11 },
      { cells: ['1', 'é', 's/2'], line: 3, offset: 29, length: 8 },
    ]);
    expect(summary).toEqual({ columns: ['point', 'x', 'sweep'], rows: 2, cut: true, wholeBytes: 38 });
    const reader = new LineReader(file);
    expect([reader.line(17, 11), reader.line(29, 8)]).toEqual(['0,"a,b",s/2', '1,é,s/2']);
    reader.close();
  });

  it('names the line of a malformed row', () => {
    const directory = temporaryDirectory();
    const csv = join(directory, 'b.csv');
    writeFileSync(csv, `point,x\n${'0,1\n'.repeat(5000)}0,1,2\n`);
    expect(failure(() => scanSweepFile(csv, () => undefined))).toBe(`${csv}:line 5002: has 3 cells, the header 2`);
    const jsonl = join(directory, 'b.jsonl');
    writeFileSync(jsonl, '{"point":0}\n[1]\n');
    expect(failure(() => scanSweepFile(jsonl, () => undefined))).toBe(`${jsonl}:line 2: not a JSON object`);
  });

  it('refuses a line longer than any row npusim writes, reading no further', () => {
    const file = join(temporaryDirectory(), 'c.csv');
    writeFileSync(file, 'x'.repeat(MAX_LINE_BYTES * 3));
    expect(failure(() => scanSweepFile(file, () => undefined))).toBe(
      `${file}: line 1 is longer than 1.0 MiB: not a sweep file (.csv or .jsonl)`,
    );
  });
});
