/**
 * `npusim diff A B`: two JSON reports (`npusim run --format json`), or two goldens, compared the
 * way `check` compares a golden with a re-run. For reports, the run's identity (graph, hardware,
 * energy table, clock, the machine's figures) is listed as the inputs; everything else is a number that moved.
 */
import { InputError } from '../errors.js';
import { readJsonFile } from '../formats/readJson.js';
import { validateWith } from '../formats/validate.js';
import { reportSchema } from '../report/reportSchema.js';
import { compareGoldens, type GoldenComparison } from './compareGoldens.js';
import { differences } from './differences.js';
import { GOLDEN_FORMAT, type Json, type JsonObject, REAL_RELATIVE_TOLERANCE } from './format.js';
import type { InputChange } from './inputChanges.js';
import { readGoldenFile } from './read.js';

const REPORT_FORMAT = 'npusim-report';
/** The fields that say what a report is of, rather than what came out. */
const IDENTITY_FIELDS = ['graph', 'hardware', 'energyTable', 'clockMHz', 'machine'];

function formatOf(file: string): { format: unknown; data: unknown } {
  const data = readJsonFile(file, 'an npusim JSON report or golden trace');
  const format = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>).format : undefined;
  if (format !== REPORT_FORMAT && format !== GOLDEN_FORMAT) {
    throw new InputError(
      `expected an npusim JSON report ("format": "${REPORT_FORMAT}", from \`npusim run --format json\`) or a golden trace; found format ${JSON.stringify(format) ?? 'nothing'}`,
      file,
      '$.format',
    );
  }
  return { format, data };
}

function readReport(file: string, data: unknown): JsonObject {
  // The report's published schema (schemas/report.schema.json); its values are JSON as parsed.
  return validateWith(reportSchema, data, file) as unknown as JsonObject;
}

function compareReportData(title: string, old: JsonObject, current: JsonObject): GoldenComparison {
  // An object among them (machine) is compared field by field, so the change reads machine.dramBytesPerCycle 16 -> 8.
  const fields = IDENTITY_FIELDS.flatMap((key): [string, Json | undefined, Json | undefined][] => {
    const [before, after] = [old[key], current[key]];
    const isRecord = (value: Json | undefined) => typeof value === 'object' && value !== null && !Array.isArray(value);
    if (!isRecord(before) || !isRecord(after)) return [[key, before, after]];
    const [a, b] = [before as JsonObject, after as JsonObject];
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].map((field) => [`${key}.${field}`, a[field], b[field]]);
  });
  const inputs: InputChange[] = fields
    .filter(([, before, after]) => JSON.stringify(before) !== JSON.stringify(after))
    .map(([field, before, after]) => ({
      source: 'report',
      field,
      old: JSON.stringify(before) ?? '(absent)',
      new: JSON.stringify(after) ?? '(absent)',
      blocking: true,
    }));
  const strip = (report: JsonObject): Json => Object.fromEntries(Object.entries(report).filter(([key]) => !IDENTITY_FIELDS.includes(key)));
  const moved = differences(strip(old), strip(current), { matchNamedRecords: true, realRelativeTolerance: REAL_RELATIVE_TOLERANCE });
  return { title, inputs, moved, differs: inputs.length > 0 || moved.length > 0 };
}

export function compareFiles(oldFile: string, newFile: string): GoldenComparison {
  const old = formatOf(oldFile);
  const current = formatOf(newFile);
  if (old.format !== current.format)
    throw new InputError(
      `is a ${String(current.format)}, ${oldFile} a ${String(old.format)}; diff compares two of a kind`,
      newFile,
      '$.format',
    );
  const title = `${oldFile} -> ${newFile}`;
  if (old.format === GOLDEN_FORMAT) return compareGoldens(title, readGoldenFile(oldFile), readGoldenFile(newFile));
  return compareReportData(title, readReport(oldFile, old.data), readReport(newFile, current.data));
}
