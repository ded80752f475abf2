/**
 * Every file a command writes is planned and checked before any work starts, under one rule for all
 * commands (docs/cli.md, "Output files"):
 * - the folder a file goes into must exist: npusim creates no folders, except the one a folder
 *   option names (`run --dump DIR`, `scalesim -p DIR`), and only when that folder's parent exists;
 * - a file that exists is replaced only with --force; a folder where a file should go (or a file
 *   where a folder should go) is an error even with --force;
 * - no output is one of the run's inputs, even with --force;
 * - no two outputs of one run name the same file, compared case-insensitively so that a run behaves
 *   the same on every file system;
 * - files are written whole (a temporary file renamed into place), so an interrupted run leaves no
 *   half-written file and a failed run no new one.
 */
import { accessSync, constants, mkdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';

/** Why mkdir failed, for a person: /proc and /sys refuse new folders with ENOENT and EPERM. */
const FOLDER_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no folder can be made there',
  EPERM: 'not permitted',
  EACCES: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

const OVERWRITE = 'already exists; npusim never overwrites a file unless you pass --force';

interface Planned {
  readonly path: string;
  readonly what: string;
}

function statOf(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The path with symbolic links in its folder resolved (the file itself may not exist yet). */
function canonical(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    try {
      return join(realpathSync(dirname(absolute)), basename(absolute));
    } catch {
      return absolute;
    }
  }
}

function collisionKey(path: string): string {
  return canonical(path).toLowerCase();
}

function checkWritableFolder(folder: string, path: string): void {
  const stat = statOf(folder);
  if (stat === undefined)
    throw new InputError(`folder ${folder} does not exist; create it first (npusim creates no folders for its outputs)`, path);
  if (!stat.isDirectory()) throw new InputError(`${folder} is not a folder`, path);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new InputError(`cannot write in folder ${folder} (permission denied)`, path);
  }
}

export class OutputPlan {
  private readonly outputs = new Map<string, Planned>();
  private readonly inputs = new Map<string, string>();
  /** Folders to create when the plan is carried out (their parents were checked). */
  private readonly folders: string[] = [];

  constructor(private readonly force: boolean) {}

  /** Files the run reads: no output may be one of them. */
  addInputs(files: Iterable<string | undefined>, what = 'an input of this run'): this {
    for (const file of files) {
      if (file === undefined) continue;
      const key = collisionKey(file);
      const output = this.outputs.get(key);
      if (output !== undefined)
        throw new InputError(`${output.what} names ${file}, ${what}; npusim never writes over its inputs`, output.path);
      this.inputs.set(key, what);
    }
    return this;
  }

  private claim(path: string, what: string): void {
    const key = collisionKey(path);
    const input = this.inputs.get(key);
    if (input !== undefined) throw new InputError(`${what} would write over ${input}; npusim never writes over its inputs`, path);
    const earlier = this.outputs.get(key);
    if (earlier !== undefined) {
      throw new InputError(
        earlier.path === path
          ? `${earlier.what} and ${what} name the same file`
          : `${earlier.what} (${earlier.path}) and ${what} name the same file`,
        path,
      );
    }
    this.outputs.set(key, { path, what });
  }

  /**
   * A file to write; `what` names it in messages (a flag such as `--out`). `replace` says whether an
   * existing file may be replaced (--force, unless the command has its own rule for this file).
   */
  file(path: string, what: string, folderChecked = false, replace = this.force): string {
    const stat = statOf(path);
    if (stat?.isDirectory() === true) throw new InputError(`is a folder; ${what} names a file to write`, path);
    if (stat !== undefined && !replace) throw new InputError(OVERWRITE, path);
    if (!folderChecked) checkWritableFolder(dirname(resolve(path)), path);
    this.claim(path, what);
    return path;
  }

  /** An optional file: planned when given. */
  optionalFile(path: string | undefined, what: string): string | undefined {
    return path === undefined ? undefined : this.file(path, what);
  }

  /**
   * A folder that receives files: it may exist (as a folder) or be created, when its parent exists.
   * Returns the folder, for `fileIn`.
   */
  folder(path: string, what: string): string {
    const stat = statOf(path);
    if (stat !== undefined && !stat.isDirectory()) throw new InputError(`is a file; ${what} names a folder`, path);
    if (stat === undefined) {
      const parent = dirname(resolve(path));
      if (!this.folders.some((planned) => resolve(planned) === parent)) checkWritableFolder(parent, path);
      this.folders.push(path);
    } else {
      checkWritableFolder(path, path);
    }
    this.claim(path, what);
    return path;
  }

  /** A file inside a folder planned with `folder`. */
  fileIn(folder: string, name: string, what: string): string {
    return this.file(join(folder, name), what, true);
  }

  /** Creates the planned folders; call once the work is done and the files are ready to write. */
  createFolders(): void {
    for (const folder of this.folders) {
      try {
        mkdirSync(folder);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST')
          throw new InputError(
            `cannot create the folder: ${FOLDER_ERRORS[code ?? ''] ?? 'the system refused'} (${code ?? 'error'})`,
            folder,
          );
      }
    }
    this.folders.length = 0;
  }
}

/** Writes a whole file: to a temporary name beside it, then renamed into place. */
export function writeFileAtomically(file: string, data: string | Uint8Array): void {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`cannot be written (${code ?? (error as Error).message})`, file);
  }
}

/** Writes several planned files; each is whole, and all are written only after every one is ready. */
export function writeAll(plan: OutputPlan, files: ReadonlyArray<readonly [string, string | Uint8Array]>): void {
  plan.createFolders();
  for (const [file, data] of files) writeFileAtomically(file, data);
}
