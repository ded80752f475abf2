/** Where npusim's own files are: the package root holds configs/ and schemas/ (beside src/ and dist/). */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// dist/bundle/ (scripts/bundle.mjs) sits as deep as dist/formats/ and src/formats/: one relative path serves all three.
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CONFIGS_DIR = fileURLToPath(new URL('../../configs/', import.meta.url));
export const ENERGY_TABLES_DIR = fileURLToPath(new URL('../../configs/energy/', import.meta.url));

/**
 * The compiled entry of a worker thread for the module at `moduleUrl`: `bundledName` when that
 * module is a chunk of dist/bundle/ (scripts/bundle.mjs names the entries so), `worker.js` beside
 * it in the unbundled dist/; undefined under the TypeScript sources (tests), where the caller does
 * the work in its own thread.
 */
export function compiledWorker(moduleUrl: string, bundledName: string): string | undefined {
  for (const name of [bundledName, 'worker.js']) {
    const file = fileURLToPath(new URL(`./${name}`, moduleUrl));
    if (existsSync(file)) return file;
  }
  return undefined;
}
