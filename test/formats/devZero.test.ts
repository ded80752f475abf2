/**
 * /dev/zero (an endless device) given as a config, a graph, an --input or a sidecar: reads are
 * bounded, so each ends at once. A JSON file can hold no NUL byte, so reading stops at the first;
 * an .npy is read up to what a file of the input's shape can hold. A sidecar is read for exactly
 * the bytes the graph's tensors declare (offset plus length), never past them, so /dev/zero there
 * is simply zeros: whatever the file, npusim reads a bounded, declared amount, and zeros are valid
 * data of every type (refusing devices would also refuse pipes, which read the same way).
 */
import { lstatSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { fixtureCopy, readJson, REPO, temporaryDirectory, writeJson } from '../support/files.js';

type Json = Record<string, any>;

/** Digests of the regular files in a folder (a symlink to a device is not read). */
function digestRegularFiles(directory: string): Record<string, string> {
  const digests: Record<string, string> = {};
  for (const name of readdirSync(directory).sort()) {
    if (!lstatSync(join(directory, name)).isFile()) continue;
    digests[name] = createHash('sha256')
      .update(readFileSync(join(directory, name)))
      .digest('hex');
  }
  return digests;
}

function setUp(): { directory: string; graph: string; hardware: string } {
  const directory = fixtureCopy();
  const hardware = join(directory, 'hw.json');
  writeJson(hardware, readJson(join(REPO, 'configs/edge-npu.json')));
  return { directory, graph: join(directory, 'tiny-graph.json'), hardware };
}

async function expectBadInput(directory: string, argv: string[], message: string): Promise<void> {
  const before = digestRegularFiles(directory);
  const run = await runCli(argv);
  expect(run.stderr).toBe(`error: ${message}\n`);
  expect(run.exitCode).toBe(2);
  expect(digestRegularFiles(directory)).toEqual(before);
}

const NUL = 'not valid JSON: a NUL byte, which JSON text never holds (a binary file or a device?); expected';

describe('/dev/zero', () => {
  it('as --hw', async () => {
    const { directory, graph } = setUp();
    await expectBadInput(directory, ['run', graph, '--hw', '/dev/zero'], `/dev/zero:1:1: ${NUL} a hardware config (JSON)`);
    await expectBadInput(directory, ['validate', graph, '--hw', '/dev/zero'], `/dev/zero:1:1: ${NUL} a hardware config (JSON)`);
  });

  it('as the graph', async () => {
    const { directory, hardware } = setUp();
    await expectBadInput(directory, ['run', '/dev/zero', '--hw', hardware], `/dev/zero:1:1: ${NUL} a graph (JSON)`);
    await expectBadInput(directory, ['schedule', '/dev/zero', '--hw', hardware], `/dev/zero:1:1: ${NUL} a graph (JSON)`);
    await expectBadInput(directory, ['validate', '/dev/zero'], `/dev/zero:1:1: ${NUL} a hardware config, graph or energy table (JSON)`);
  });

  it('as --input (.npy)', async () => {
    const { directory, graph, hardware } = setUp();
    await expectBadInput(
      directory,
      ['run', graph, '--hw', hardware, '--input', '/dev/zero'],
      '/dev/zero: holds more bytes than a .npy of shape (1, 4, 4, 2) of int8 (|i1), as graph input "input" (s8) needs',
    );
  });

  it('as the energy table a config names', async () => {
    const { directory, hardware } = setUp();
    const config = readJson(hardware) as Json;
    writeJson(hardware, { ...config, energy: { table: '/dev/zero' } });
    await expectBadInput(directory, ['validate', hardware], `/dev/zero:1:1: ${NUL} an energy table (JSON)`);
  });

  it('as a sidecar, by symlink or by path: exactly the bytes the tensors declare are read, all zeros', async () => {
    for (const file of ['zero.bin', '/dev/zero']) {
      const { directory, graph, hardware } = setUp();
      symlinkSync('/dev/zero', join(directory, 'zero.bin'));
      const json = readJson(graph) as Json;
      json.tensors['conv.weights'].data.file = file;
      json.tensors['conv.bias'].data.file = file;
      writeJson(graph, json);
      const before = digestRegularFiles(directory);
      const validate = await runCli(['validate', graph, '--hw', hardware]);
      expect(validate.stderr).toBe('');
      expect(validate.stdout).toBe(`valid ${graph}: graph "tiny": 5 ops, 978 MACs, 92 parameters, runs on edge-npu\n`);
      const dumps = temporaryDirectory();
      const run = await runCli(['run', graph, '--hw', hardware, '--dump', dumps]);
      expect(run.stderr).toBe(`wrote 5 layer outputs to ${dumps}\n`);
      expect(run.exitCode).toBe(0);
      // Zero weights and bias: every accumulator of the conv is 0, so its 48 outputs are the zero point -128.
      const conv = readFileSync(join(dumps, 'conv.npy'));
      expect([...conv.subarray(conv.length - 48)]).toEqual(new Array(48).fill(0x80));
      expect(digestRegularFiles(directory)).toEqual(before);
    }
  });
});
