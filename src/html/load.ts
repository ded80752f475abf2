/**
 * What `npusim report FILE` draws: a JSON report, a study or evaluation file (by their "format"),
 * or a sweep file (by its extension), read and checked as the commands that wrote them write them.
 */
import { InputError } from '../errors.js';
import { readJsonFile } from '../formats/readJson.js';
import { validateWith } from '../formats/validate.js';
import { EVALUATION_FORMAT, evaluationFileSchema, STUDY_FORMAT, studyFileSchema } from '../lab/files.js';
import { reportSchema } from '../report/reportSchema.js';
import { readSweepTable } from '../sweep/readTable.js';
import { evaluationPage, studyPage } from './labPages.js';
import type { Page } from './page.js';
import { runPage } from './runPage.js';
import { type SweepPageOptions, sweepPage } from './sweepPage.js';

const WHAT = 'a JSON report (npusim run --format json), a study or evaluation file (--format json), or a sweep file (.csv, .jsonl)';
const JSON_FORMATS = ['npusim-report', STUDY_FORMAT, EVALUATION_FORMAT] as const;

export function pageForFile(file: string, sweepOptions: SweepPageOptions = {}): Page {
  if (file.endsWith('.csv') || file.endsWith('.jsonl')) return sweepPage(readSweepTable(file), sweepOptions);
  if (!file.endsWith('.json')) throw new InputError(`is not ${WHAT}: npusim report reads .json, .csv or .jsonl files`, file);
  const data = readJsonFile(file, WHAT);
  const format = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>).format : undefined;
  switch (format) {
    case 'npusim-report':
      return runPage(validateWith(reportSchema, data, file));
    case STUDY_FORMAT:
      return studyPage(validateWith(studyFileSchema, data, file));
    case EVALUATION_FORMAT:
      return evaluationPage(validateWith(evaluationFileSchema, data, file));
    default:
      throw new InputError(
        `expected ${WHAT}; its "format" is ${format === undefined ? 'missing' : JSON.stringify(format)}, not one of ${JSON_FORMATS.join(', ')} (study and evaluation files written before npusim report existed name none: write them again)`,
        file,
        '$.format',
      );
  }
}
