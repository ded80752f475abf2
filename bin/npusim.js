#!/usr/bin/env node
// Entry point of the `npusim` command: the compiled CLI lives in dist/ (built on install).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('npusim: dist/ is missing; run `npm install` (or `npm run build`) in the npusim folder first.\n');
  process.exit(2);
}
const { runFromProcess } = await import(entry.href);
await runFromProcess();
