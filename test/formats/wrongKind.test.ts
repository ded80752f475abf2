/**
 * A file given in the wrong place (a hardware config as the graph, a graph as --hw, an energy table
 * as either) is named for what it is, wherever a graph, a hardware config or an energy table is
 * read from a file: exit 2, one line, files untouched.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { digestFolder, fixtureCopy, readJson, REPO, writeJson } from '../support/files.js';

const SWAPPED = 'are the graph and the hardware config swapped?';

async function expectBadInput(directory: string, argv: string[], message: string): Promise<void> {
  const before = digestFolder(directory);
  const run = await runCli(argv);
  expect(run.stderr).toBe(`error: ${message}\n`);
  expect(run.exitCode).toBe(2);
  expect(digestFolder(directory)).toEqual(before);
}

function setUp(): { directory: string; graph: string; hardware: string; energy: string } {
  const directory = fixtureCopy();
  const hardware = join(directory, 'hw.json');
  writeJson(hardware, readJson(join(REPO, 'configs/edge-npu.json')));
  const energy = join(directory, 'energy.json');
  writeJson(energy, readJson(join(REPO, 'configs/energy/horowitz45.json')));
  return { directory, graph: join(directory, 'tiny-graph.json'), hardware, energy };
}

const HARDWARE_KEYS = '"array", "accumulator", "clockMHz", "requant", "vector", "memory"';

describe('a file given where another kind was expected', () => {
  it('run with the graph and --hw swapped names the graph given as --hw', async () => {
    const { directory, graph, hardware } = setUp();
    await expectBadInput(
      directory,
      ['run', hardware, '--hw', graph],
      `${graph}:$: this is a graph (it has "ops", "tensors"), given where a hardware config was expected; ${SWAPPED}`,
    );
  });

  it.each(['run', 'schedule'])('%s with a hardware config as the graph says so', async (command) => {
    const { directory, hardware } = setUp();
    await expectBadInput(
      directory,
      [command, hardware, '--hw', hardware],
      `${hardware}:$: this is a hardware config (it has ${HARDWARE_KEYS}), given where a graph was expected; ${SWAPPED}`,
    );
  });

  it('validate --hw with a graph as the config says so', async () => {
    const { directory, graph } = setUp();
    await expectBadInput(
      directory,
      ['validate', graph, '--hw', graph],
      `${graph}:$: this is a graph (it has "ops", "tensors"), given where a hardware config was expected; ${SWAPPED}`,
    );
  });

  it('golden and sweep read --hw the same way', async () => {
    const { directory, graph } = setUp();
    const message = `${graph}:$: this is a graph (it has "ops", "tensors"), given where a hardware config was expected; ${SWAPPED}`;
    await expectBadInput(directory, ['golden', graph, '--hw', graph, '--out', join(directory, 'g.json')], message);
    await expectBadInput(
      directory,
      ['sweep', graph, '--hw', graph, '--set', 'array.rows=8,16', '--out', join(directory, 's.csv')],
      message,
    );
  });

  it('an energy table as --hw or as the graph', async () => {
    const { directory, graph, energy } = setUp();
    await expectBadInput(
      directory,
      ['run', graph, '--hw', energy],
      `${energy}:$: this is an energy table (it has "entries"), given where a hardware config was expected; a hardware config names its energy table in "energy"`,
    );
    await expectBadInput(
      directory,
      ['schedule', energy, '--hw', energy],
      `${energy}:$: this is an energy table (it has "entries"), given where a hardware config was expected; a hardware config names its energy table in "energy"`,
    );
  });

  it('an energy table as the graph (with a good --hw)', async () => {
    const { directory, hardware, energy } = setUp();
    await expectBadInput(
      directory,
      ['run', energy, '--hw', hardware],
      `${energy}:$: this is an energy table (it has "entries"), given where a graph was expected; a hardware config names its energy table in "energy"`,
    );
  });

  it('a hardware config whose energy table file is a graph or a hardware config', async () => {
    const { directory, graph, hardware } = setUp();
    const config = readJson(hardware);
    writeJson(hardware, { ...config, energy: { table: './tiny-graph.json' } });
    await expectBadInput(
      directory,
      ['validate', hardware],
      `${graph}:$: this is a graph (it has "ops", "tensors"), given where an energy table was expected`,
    );
    writeJson(hardware, { ...config, energy: { table: './hw.json' } });
    await expectBadInput(
      directory,
      ['validate', hardware],
      `${hardware}:$: this is a hardware config (it has ${HARDWARE_KEYS}), given where an energy table was expected`,
    );
  });

  it('a broken file of the expected kind still gets the schema message', async () => {
    const { directory, hardware } = setUp();
    const config = readJson(hardware);
    writeJson(hardware, { ...config, ops: [] });
    await expectBadInput(
      directory,
      ['validate', hardware],
      `${hardware}:$.ops: unknown key "ops"; expected keys: $schema, name, description, sources, clockMHz, array, accumulator, requant, vector, memory, energy, timing`,
    );
  });
});
