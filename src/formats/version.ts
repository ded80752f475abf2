/** npusim's own version, from its package.json: recorded in every golden, hashed into a sweep's identity, printed on a page. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './paths.js';

let cached: string | undefined;

export function npusimVersion(): string {
  cached ??= (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  return cached;
}
