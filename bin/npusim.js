#!/usr/bin/env node
// Entry point of the `npusim` command: the compiled CLI lives in dist/ (built on install). The
// bundle (scripts/bundle.mjs) starts a third of a second sooner than the ~280 modules it is made of;
// those are the fallback where it was not built.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/bundle/cli.js', import.meta.url);
const modules = new URL('../dist/cli/main.js', import.meta.url);
const entry = existsSync(bundle) ? bundle : modules;
if (!existsSync(entry)) {
  process.stderr.write('npusim: dist/ is missing; run `npm install` (or `npm run build`) in the npusim folder first.\n');
  process.exit(2);
}
const { runFromProcess } = await import(entry.href);
await runFromProcess();
