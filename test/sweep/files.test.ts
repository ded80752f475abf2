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

  it('refuses a JSON line with a key given twice, a nested cell or nesting past the limit, naming line and column', () => {
    const directory = temporaryDirectory();
    const twice = join(directory, 'twice.jsonl');
    writeFileSync(twice, '{"point":0,"cycles":310}\n{"point":1,"cycles":310,"cycles":1}\n');
    expect(failure(() => scanSweepFile(twice, () => undefined))).toBe(
      `${twice}:2:25: key "cycles" is given twice in one object ($.cycles, first at column 12); JSON would keep only the last, so give it once`,
    );
    const nested = join(directory, 'nested.jsonl');
    writeFileSync(nested, '{"point":0,"pareto":true}\n{"point":1,"pareto":[[]]}\n');
    expect(failure(() => scanSweepFile(nested, () => undefined))).toBe(
      `${nested}:line 2: column "pareto" holds an array; a sweep file's cells are numbers, strings, booleans or null`,
    );
    const text = join(directory, 'text.jsonl');
    writeFileSync(text, '{"point":0,"cycles":310}\n{"point":1,"cycles":"310"}\n');
    expect(failure(() => scanSweepFile(text, () => undefined))).toBe(
      `${text}:line 2: column "cycles" holds "310"; a result is a finite number, or null where it was not computed`,
    );
    const infinite = join(directory, 'infinite.csv');
    writeFileSync(infinite, 'point,cycles,energyPj\n0,310,\n1,310,1e400\n');
    expect(failure(() => scanSweepFile(infinite, () => undefined))).toBe(
      `${infinite}:line 3: column "energyPj" holds "1e400"; a result is a finite number, or empty where it was not computed`,
    );
    const deep = join(directory, 'deep.jsonl');
    writeFileSync(deep, `{"point":0,"pareto":true}\n{"point":1,"pareto":${'['.repeat(5000)}${']'.repeat(5000)}}\n`);
    expect(failure(() => scanSweepFile(deep, () => undefined))).toMatch(
      new RegExp(`^${deep.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: JSON nested deeper than 64 levels`),
    );
  });

  it('refuses a line longer than any row npusim writes, reading no further', () => {
    const file = join(temporaryDirectory(), 'c.csv');
    writeFileSync(file, 'x'.repeat(MAX_LINE_BYTES * 3));
    expect(failure(() => scanSweepFile(file, () => undefined))).toBe(
      `${file}: line 1 is longer than 1.0 MiB: not a sweep file (.csv or .jsonl)`,
    );
  });
});
