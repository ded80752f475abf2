/**
 * npm run docs:tables (node scripts/spec-tables.mjs after npm run build): writes the docs tables generated from specs
 * into their marked blocks (docs/cycle-model.md's dataflows, docs/numerics.md's requantization
 * modes). test/docs/specTables.test.ts fails while a docs copy differs from its specs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dataflowTable } from '../dist/dataflow/table.js';
import { replaceMarkedBlock } from '../dist/messages/markdownTable.js';
import { requantModeTable } from '../dist/requant/table.js';

const TABLES = [
  { file: 'docs/cycle-model.md', block: 'dataflows', render: dataflowTable },
  { file: 'docs/numerics.md', block: 'requant-modes', render: requantModeTable },
];

for (const { file, block, render } of TABLES) {
  const path = fileURLToPath(new URL(`../${file}`, import.meta.url));
  const before = readFileSync(path, 'utf8');
  const after = replaceMarkedBlock(before, block, render());
  if (after !== before) writeFileSync(path, after);
  process.stdout.write(`${file} (${block}): ${after === before ? 'unchanged' : 'updated'}\n`);
}
