/**
 * The test run's temporary folder on tmpfs (/dev/shm) where the machine has one: the tests write
 * thousands of small files (every fuzz mutant, every CLI output), and on an ext4 disk mounted with
 * `discard` each overwrite costs about half a millisecond, thirty times tmpfs. One folder per run,
 * removed at its end; os.tmpdir() in the test workers and every CLI they spawn follows TMPDIR.
 */
import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const TMPFS = '/dev/shm';

function usable(folder: string): boolean {
  try {
    if (!statSync(folder).isDirectory()) return false;
    accessSync(folder, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export default function setup(): (() => void) | undefined {
  if (!usable(TMPFS)) return undefined;
  const folder = mkdtempSync(join(TMPFS, 'npusim-tests-'));
  process.env.TMPDIR = folder;
  return () => rmSync(folder, { recursive: true, force: true });
}
