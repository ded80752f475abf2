/**
 * A study's journal: while `npusim study --out FILE` runs, every finished row is appended to
 * `FILE.partial` as one JSON line, after a first line naming the study (a hash of everything that
 * decides its rows). An interrupted study leaves the journal; `--resume` reads its rows back and
 * runs only the schemes it lacks, so that the finished output is byte-identical to an uninterrupted
 * run's. The journal is removed once the output is written.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { npusimVersion } from '../formats/version.js';
import type { StudyRow } from './study.js';

const FORMAT = 'npusim-study-journal';

/** What decides a study's rows, as the command was given (file contents hashed, not their names). */
export interface StudyIdentity {
  readonly floatModel: string;
  readonly data: string;
  readonly calibration: string;
  readonly calibrationImages: number;
  readonly hardware: string;
  readonly images: number;
  readonly aloneImages: number;
  /** Every scheme of the grid (not only the shard's), as rows record them. */
  readonly schemes: readonly Readonly<Record<string, string | number | boolean>>[];
  readonly shard: { readonly index: number; readonly count: number };
}

function contentOf(argument: string): string {
  if (argument.startsWith('zoo:')) return argument;
  try {
    return createHash('sha256').update(readFileSync(argument)).digest('hex');
  } catch {
    // A data set name (mnist) or a folder: the name is what decides it.
    return argument;
  }
}

export function studyId(identity: StudyIdentity): string {
  const decided = JSON.stringify({
    npusim: npusimVersion(),
    ...identity,
    floatModel: contentOf(identity.floatModel),
    hardware: contentOf(identity.hardware),
  });
  return createHash('sha256').update(decided).digest('hex').slice(0, 16);
}

export function journalPath(out: string): string {
  return `${out}.partial`;
}

/** Non-finite numbers survive the round trip (JSON alone would turn them into null). */
function encode(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? { nonFinite: String(value) } : value;
}

function decode(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && 'nonFinite' in value && Object.keys(value).length === 1)
    return Number((value as { nonFinite: string }).nonFinite);
  return value;
}

export class StudyJournal {
  private constructor(
    readonly file: string,
    /** Rows an earlier run finished, by scheme index. */
    readonly finished: ReadonlyMap<number, StudyRow>,
  ) {}

  /** A fresh journal: its identity line alone. */
  static start(file: string, id: string): StudyJournal {
    writeFileSync(file, `${JSON.stringify({ format: FORMAT, study: id })}\n`);
    return new StudyJournal(file, new Map());
  }

  /**
   * The journal an interrupted run of this very study left: its whole rows (a line cut by a kill
   * is dropped and run again). A journal of another study, or a row of a scheme this study does not
   * have, is an InputError: never a silent mix of two studies.
   */
  static resume(
    file: string,
    id: string,
    expected: ReadonlyMap<number, Readonly<Record<string, string | number | boolean>>>,
  ): StudyJournal {
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    // Everything after the last newline is a line the kill cut: dropped.
    lines.pop();
    const different = (why: string) =>
      new InputError(`${why}; --resume continues the same study command (use another --out, or --force to start over)`, file);
    let header: unknown;
    try {
      header = JSON.parse(lines[0] ?? '');
    } catch {
      throw different('line 1 is not a study journal header');
    }
    const study = (header as { study?: unknown } | null)?.study;
    if ((header as { format?: unknown } | null)?.format !== FORMAT) throw different('line 1 is not a study journal header');
    if (study !== id) throw different(`it is the journal of study ${String(study)}, this is ${id}`);
    const finished = new Map<number, StudyRow>();
    lines.slice(1).forEach((line, offset) => {
      let row: StudyRow;
      try {
        const parsed = JSON.parse(line, decode) as StudyRow;
        // JSON drops the undefined one of the two; the row takes it back.
        row = { ...parsed, figures: parsed.figures ?? undefined, error: parsed.error ?? undefined };
      } catch {
        throw new InputError(`line ${offset + 2} is not a whole JSON row`, file);
      }
      const scheme = expected.get(row.index);
      if (scheme === undefined || JSON.stringify(scheme) !== JSON.stringify(row.scheme))
        throw different(`line ${offset + 2} holds scheme ${row.index}, which this study's shard does not have`);
      if (finished.has(row.index)) throw new InputError(`scheme ${row.index} appears twice (line ${offset + 2})`, file);
      finished.set(row.index, row);
    });
    // Cut back to the whole lines, so that appending continues the file cleanly.
    writeFileSync(file, lines.map((line) => `${line}\n`).join(''));
    return new StudyJournal(file, finished);
  }

  append(row: StudyRow): void {
    appendFileSync(this.file, `${JSON.stringify(row, encode)}\n`);
  }

  remove(): void {
    rmSync(this.file, { force: true });
  }
}
