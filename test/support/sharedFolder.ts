/**
 * The team's shared folder (conformance vectors, anchors) sits beside the repository as ../shared.
 * Tests that read it fail loudly when it is missing; they never skip.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));

export function sharedPath(...parts: string[]): string {
  if (!existsSync(SHARED)) {
    throw new Error(`../shared is missing (looked in ${SHARED}): clone npusim beside the team's shared folder, e.g. git clone . ../fresh`);
  }
  const path = join(SHARED, ...parts);
  if (!existsSync(path)) throw new Error(`${path} is missing from the shared folder`);
  return path;
}

/** Files in a shared sub-folder with the given ending, sorted. */
export function sharedFiles(folder: string, ending: string): string[] {
  const directory = sharedPath(folder);
  const files = readdirSync(directory)
    .filter((name) => name.endsWith(ending))
    .sort()
    .map((name) => join(directory, name));
  if (files.length === 0) throw new Error(`no *${ending} files in ${directory}`);
  return files;
}
