/**
 * The chart runtime every page inlines, read from the installed packages: Vega (the renderer) and
 * vega-embed (tooltips, error display). Vega-Lite runs here in Node, compiling each chart to a
 * Vega spec, so the page does not carry the Vega-Lite compiler (250 kB). Each bundle keeps its
 * licence (BSD-3-Clause) in a comment above it, as its licence asks of a redistribution.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface InlineScript {
  readonly name: string;
  readonly version: string;
  readonly licence: string;
  readonly code: string;
}

/** The folder of a package's entry point (the packages export no subpaths, so the bundles are found beside it). */
function entryFolder(name: string): string {
  return dirname(fileURLToPath(import.meta.resolve(name)));
}

function packageRoot(folder: string): string {
  // Both packages keep their entry in build/, one folder below package.json.
  return dirname(folder);
}

function readBundle(name: string, bundle: string): InlineScript {
  const folder = entryFolder(name);
  const root = packageRoot(folder);
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const code = readFileSync(join(folder, bundle), 'utf8');
  if (/<\/script/i.test(code)) throw new Error(`${name}'s ${bundle} holds "</script" and cannot be inlined`);
  return { name, version, licence: readFileSync(join(root, 'LICENSE'), 'utf8'), code };
}

let cached: readonly InlineScript[] | undefined;

/** Vega, then vega-embed (which reads the global `vega`). */
export function chartRuntime(): readonly InlineScript[] {
  cached ??= [readBundle('vega', 'vega.min.js'), readBundle('vega-embed', 'vega-embed.min.js')];
  return cached;
}

/** A bundle as the page inlines it: its name, version and licence in a comment, then its code. */
export function scriptText(script: InlineScript): string {
  const licence = script.licence.replaceAll('*/', '* /').trimEnd();
  return `/*! ${script.name} ${script.version}\n${licence}\n*/\n${script.code}`;
}
