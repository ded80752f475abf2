/** The complete examples in docs/formats.md must stay valid files. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { REPO, temporaryDirectory } from '../support/files.js';

it('every JSON example in docs/formats.md validates, and the graph runs on the hardware example', async () => {
  const text = readFileSync(join(REPO, 'docs/formats.md'), 'utf8');
  const blocks = [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  expect(blocks.length).toBe(3);
  const directory = temporaryDirectory();
  const [hardware, energy, graph] = ['hw.json', 'energy.json', 'graph.json'].map((name, index) => {
    const file = join(directory, name);
    writeFileSync(file, blocks[index] ?? '');
    return file;
  }) as [string, string, string];
  const run = await runCli(['validate', hardware, energy, graph, '--hw', hardware]);
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  expect(run.stdout.split('\n').filter((line) => line.startsWith('valid ')).length).toBe(3);
});
