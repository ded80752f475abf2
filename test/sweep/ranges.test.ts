import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { checkParameters, pointAt, pointCount } from '../../src/sweep/points.js';
import { parseSetOption } from '../../src/sweep/ranges.js';

const texts = (option: string) => parseSetOption(option).values.map((value) => value.text);
const values = (option: string) => parseSetOption(option).values.map((value) => value.value);

describe('--set ranges and lists', () => {
  it('makes decimal ranges exact and inclusive', () => {
    expect(texts('x=0.1..0.3:0.1')).toEqual(['0.1', '0.2', '0.3']);
    expect(values('x=0.1..0.3:0.1')).toEqual([0.1, 0.2, 0.3]);
    expect(texts('x=0..1:0.1')).toHaveLength(11);
    expect(texts('x=0..1:0.1')[10]).toBe('1');
    expect(texts('x=0.7..1.0:0.1')).toEqual(['0.7', '0.8', '0.9', '1']);
    expect(texts('x=1..10:3')).toEqual(['1', '4', '7', '10']);
    expect(texts('x=4..16')).toEqual(Array.from({ length: 13 }, (_, index) => String(4 + index)));
    expect(texts('x=3..1:-1')).toEqual(['3', '2', '1']);
    expect(texts('x=-0.25..0.25:0.125')).toEqual(['-0.25', '-0.125', '0', '0.125', '0.25']);
    expect(texts('x=0.000001..0.000003:0.000001')).toEqual(['0.000001', '0.000002', '0.000003']);
  });

  it('keeps literals typed and mixes them with ranges', () => {
    expect(values('array.dataflow=ws,os,is')).toEqual(['ws', 'os', 'is']);
    expect(values('memory.doubleBuffering=true,false')).toEqual([true, false]);
    expect(values('requant.rounding=null,half-even')).toEqual([null, 'half-even']);
    expect(values('array.rows=8,16..32:8,64')).toEqual([8, 16, 24, 32, 64]);
    expect(texts('clockMHz=1.50,1e3')).toEqual(['1.5', '1000']);
  });

  it('rejects malformed options as input errors naming the option', () => {
    for (const [option, message] of [
      ['array.rows', 'expected PATH=VALUES'],
      ['array..rows=1', 'is not a field path'],
      ['x=1..3:0', 'the step is zero'],
      ['x=3..1:1', 'is empty'],
      ['x=1..a', 'the end "a" is not a decimal number'],
      ['x=1,,2', 'an empty value'],
      ['x=1..2000000', 'takes at most'],
      [
        'x=0..1e12:1',
        'range "0..1e12:1": the end "1e12" is not a decimal number (write it without an exponent: 1000000000000); a range is FROM..TO or FROM..TO:STEP, e.g. 0.1..0.3:0.1',
      ],
      ['x=0..1000000000000:1', 'range "0..1000000000000:1" has 1000000000001 values; a parameter takes at most 1000000'],
      [
        'x=1..9:3',
        'range "1..9:3": steps of 3 from 1 miss 9 (they reach 7, then 10); end the range at 7 or 10, or choose a step that lands on 9',
      ],
      [
        'x=0..1:0.3',
        'range "0..1:0.3": steps of 0.3 from 0 miss 1 (they reach 0.9, then 1.2); end the range at 0.9 or 1.2, or choose a step that lands on 1',
      ],
      ['x=1e400', '1e400 is beyond the range of numbers (about 1.8e308)'],
      ['array.dataflow=ws,o\ns', 'a value holds a line break or another control character (shown as ?)'],
      ['x=1e-400', '1e-400 has more digits than a number holds; it would be read as 0'],
      ['x=9007199254740993', '9007199254740993 has more digits than a number holds; it would be read as 9007199254740992'],
      ['x=0.3000000000000000444', '0.3000000000000000444 has more digits than a number holds; it would be read as 0.30000000000000004'],
    ] as const) {
      const attempt = () => parseSetOption(option);
      expect(attempt).toThrow(InputError);
      expect(attempt).toThrow(message);
    }
  });
});

describe('sweep points', () => {
  const rows = parseSetOption('array.rows=8,16,32');
  const dram = parseSetOption('memory.dram.bytesPerCycle=4,8,16');

  it('orders the product with the first --set slowest', () => {
    expect(pointCount([rows, dram], false)).toBe(9);
    expect(pointAt([rows, dram], false, 0).values.map((value) => value.text)).toEqual(['8', '4']);
    expect(pointAt([rows, dram], false, 1).values.map((value) => value.text)).toEqual(['8', '8']);
    expect(pointAt([rows, dram], false, 5).values.map((value) => value.text)).toEqual(['16', '16']);
    expect(pointAt([rows, dram], false, 8).values.map((value) => value.text)).toEqual(['32', '16']);
  });

  it('pairs values with --zip, and needs equal lengths for it', () => {
    expect(pointCount([rows, dram], true)).toBe(3);
    expect(pointAt([rows, dram], true, 2).values.map((value) => value.text)).toEqual(['32', '16']);
    expect(() => checkParameters([rows, parseSetOption('clockMHz=1,2')], true)).toThrow('array.rows has 3, clockMHz has 2');
    expect(() => checkParameters([rows, parseSetOption('array.rows=1')], false)).toThrow('array.rows is set twice');
  });
});
