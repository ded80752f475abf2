/**
 * What JSON.parse lets through and npusim must not: duplicate keys, nesting deep enough to overflow
 * a recursive validator, a byte-order mark (accepted), long strings where a name was expected.
 * Through the CLI, for every kind of JSON file a command reads.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDuplicateKey, findTooDeep } from '../../src/formats/jsonStructure.js';
import { expectRefused } from '../support/badInput.js';
import { runCli } from '../support/cli.js';
import { readJson, REPO, temporaryDirectory } from '../support/files.js';

const hardwareText = () => JSON.stringify(readJson(join(REPO, 'configs/edge-npu.json')), null, 2);

function nested(depth: number, inner = '0'): string {
  return `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
}

describe('duplicate keys', () => {
  it('are refused in a hardware config, naming the key, both lines and the JSON path', async () => {
    const directory = temporaryDirectory();
    const file = join(directory, 'hw.json');
    writeFileSync(file, hardwareText().replace('"rows": 32,', '"rows": 32,\n    "rows": 8,'));
    await expectRefused(
      ['validate', file],
      `${file}:$.array.rows: key "rows" is given twice in one object (line 15:5 and line 16:5); JSON would keep only the last, so give it once`,
      [directory],
    );
  });

  it('are found in nested objects and arrays of objects, with escapes in keys', () => {
    expect(findDuplicateKey('{"a": [{"b": 1}, {"b": 2, "c": {"d": 1, "d": 2}}]}')).toEqual({
      key: 'd',
      path: ['a', 1, 'c'],
      firstOffset: 32,
      secondOffset: 40,
    });
    expect(findDuplicateKey('{"x\\"y": 1, "x\\u0022y": 2}')?.key).toBe('x"y');
    // One key plain, its twin escaped: the same key.
    expect(findDuplicateKey('{"rows": 1, "r\\u006fws": 2}')?.key).toBe('rows');
    expect(findDuplicateKey('{"r\\u006fws": 1, "rows": 2}')?.key).toBe('rows');
    // Same key in sibling objects, and a key-like string as a value, are fine.
    expect(findDuplicateKey('{"a": {"k": 1}, "b": {"k": 1}, "c": "a", "d": ["a", "a"]}')).toBeUndefined();
  });
});

describe('nesting past 64 levels', () => {
  it('is refused before the schema validator sees it, for valid and invalid JSON, in every kind of file', async () => {
    const directory = temporaryDirectory();
    const deepValid = join(directory, 'deep.json');
    // Valid JSON 5,000 deep that fails the schema: this overflowed the validator's stack.
    writeFileSync(deepValid, `{"name": ${nested(5000)}}`);
    await expectRefused(['validate', deepValid], `${deepValid}:1:73: JSON nested deeper than 64 levels; npusim files need far fewer`);
    const deepInvalid = join(directory, 'deep-invalid.json');
    // Invalid JSON 5,000 deep: this overflowed the error locator.
    writeFileSync(deepInvalid, `{"name": ${'['.repeat(5000)}`);
    await expectRefused(['validate', deepInvalid], `${deepInvalid}:1:73: JSON nested deeper than 64 levels; npusim files need far fewer`);
    await expectRefused(
      ['run', deepValid, '--hw', join(REPO, 'configs/edge-npu.json')],
      `${deepValid}:1:73: JSON nested deeper than 64 levels; npusim files need far fewer`,
    );
    await expectRefused(
      ['run', 'zoo:small_cnn', '--hw', deepValid],
      `${deepValid}:1:73: JSON nested deeper than 64 levels; npusim files need far fewer`,
    );
    await expectRefused(
      ['diff', deepValid, deepValid],
      `${deepValid}:1:73: JSON nested deeper than 64 levels; npusim files need far fewer`,
    );
    await expectRefused(['check', deepValid], `${deepValid}:1:73: JSON nested deeper than 64 levels; npusim files need far fewer`);
  });

  it('counts brackets inside strings as text', () => {
    expect(findTooDeep(`{"a": "${'['.repeat(100)}"}`)).toBeUndefined();
    expect(findTooDeep(nested(64))).toBeUndefined();
    expect(findTooDeep(nested(65))).toEqual({ offset: 64 });
  });
});

describe('other JSON that used to go wrong', () => {
  it('a UTF-8 byte-order mark is accepted', async () => {
    const directory = temporaryDirectory();
    const file = join(directory, 'hw.json');
    writeFileSync(file, `\uFEFF${hardwareText()}`);
    const run = await runCli(['validate', file]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`valid ${file}: hardware "edge-npu"`);
  });

  it('a string of 10,000 characters in a name field gets a message, not a crash', async () => {
    const directory = temporaryDirectory();
    const file = join(directory, 'hw.json');
    const long = `ws${'x'.repeat(10_000)}`;
    writeFileSync(file, hardwareText().replace('"dataflow": "ws"', `"dataflow": "${long}"`));
    await expectRefused(['validate', file], `${file}:$.array.dataflow: expected one of "ws", "os", "is", got "ws${'x'.repeat(54)}...`);
    const close = join(directory, 'close.json');
    writeFileSync(close, hardwareText().replace('"dataflow": "ws"', `"dataflow": "wss"`));
    await expectRefused(['validate', close], `${close}:$.array.dataflow: expected one of "ws", "os", "is", got "wss" (did you mean "ws"?)`);
  });
});
