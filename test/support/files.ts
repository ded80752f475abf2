/** Temporary folders for tests that write files, and digests to prove inputs were left alone. */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export function temporaryDirectory(prefix = 'npusim-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A fresh temporary folder holding copies of the fixtures. */
export function fixtureCopy(): string {
  const directory = temporaryDirectory();
  cpSync(FIXTURES, directory, { recursive: true });
  return directory;
}

export function readJson<T = Record<string, unknown>>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** sha256 of every file in a folder and its subfolders (by relative path), to check that nothing was written to. */
export function digestFolder(directory: string, prefix = ''): Record<string, string> {
  const digests: Record<string, string> = {};
  for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) Object.assign(digests, digestFolder(path, `${prefix}${entry.name}/`));
    else digests[`${prefix}${entry.name}`] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return digests;
}
