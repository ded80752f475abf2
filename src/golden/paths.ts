/**
 * Paths in a golden are relative to its root (normally the repository), so they read as
 * `configs/edge-npu.json`; the root itself is stored relative to the golden's folder, so a check
 * works from any working directory and in any clone.
 */
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

function portable(path: string): string {
  return path.split(sep).join('/');
}

/** A path as a golden records it: relative to `root`, with forward slashes. */
export function recordedPath(root: string, file: string): string {
  return portable(relative(root, resolve(file))) || '.';
}

/** The `root` field of a golden written to `goldenFile`. */
export function rootField(goldenFile: string, root: string): string {
  return portable(relative(dirname(resolve(goldenFile)), resolve(root))) || '.';
}

/** The absolute root a golden file's paths are relative to. */
export function rootOf(goldenFile: string, rootFieldValue: string): string {
  return resolve(dirname(resolve(goldenFile)), rootFieldValue);
}

/** A recorded path back to a file on disk. */
export function resolveRecorded(root: string, path: string): string {
  return isAbsolute(path) ? path : resolve(root, path);
}
