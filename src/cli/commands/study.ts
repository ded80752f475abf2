/**
 * `npusim study FLOAT_MODEL --data DATASET --hw CONFIG --grid KEY=V1,V2 ...`: the papers'
 * experiments as one command: every scheme of the grid quantized and evaluated exactly, one row
 * each, as a table, CSV or JSON. `--shard K/N` runs every N-th scheme from the K-th (0-based), so
 * machines can split a study; rows keep their grid index.
 */
import { existsSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { loadHardwareFile } from '../../formats/loadHardware.js';
import {
  calibrationInputs,
  isLabBits,
  loadFloatModel,
  loadLabData,
  type QuantizationScheme,
  runStudy,
  schemeRecord,
  type StudyRequest,
  type StudyRow,
} from '../../lab/index.js';
import { defineCommand } from '../command.js';
import { type CliIO, EXIT_OK, paint } from '../io.js';
import { htmlOption, jobsWithinCores, noteCappedJobs, required, stringOption } from '../options.js';
import { type StudyFile, studyFile } from '../../lab/files.js';
import { journalPath, StudyJournal, studyId } from '../../lab/journal.js';
import { renderPage, studyPage } from '../../html/index.js';
import { OutputPlan, writeAll } from '../outputs.js';
import { progressBar } from '../progress.js';
import { UsageError } from '../usage.js';
import { SCHEME_OPTIONS, type SchemeArguments, schemeFromArguments } from './quantize.js';
import { calibrationImagesOption, EVALUATION_OPTIONS } from '../labOptions.js';

/** Grid keys: the scheme options, booleans as true/false. */
const GRID_KEYS: Readonly<Record<string, { readonly key: keyof SchemeArguments; readonly kind: 'bits' | 'boolean' | 'string' }>> = {
  'weight-bits': { key: 'weightBits', kind: 'bits' },
  'activation-bits': { key: 'activationBits', kind: 'bits' },
  'per-channel': { key: 'perChannel', kind: 'boolean' },
  symmetric: { key: 'symmetric', kind: 'boolean' },
  signed: { key: 'signed', kind: 'boolean' },
  'weight-rounding': { key: 'weightRounding', kind: 'string' },
  calibration: { key: 'calibration', kind: 'string' },
  requant: { key: 'requant', kind: 'string' },
  'shift-bias': { key: 'shiftBias', kind: 'string' },
  equalize: { key: 'equalize', kind: 'boolean' },
  'bias-correction': { key: 'biasCorrection', kind: 'boolean' },
};

/** The grid's schemes, in order: the last key varies fastest. */
export function gridSchemes(base: SchemeArguments, entries: readonly string[]): QuantizationScheme[] {
  let combinations: SchemeArguments[] = [{ ...base }];
  for (const entry of entries) {
    const match = /^([a-z-]+)=(.+)$/.exec(entry);
    const spec = match === null ? undefined : GRID_KEYS[match[1] as string];
    if (match === null || spec === undefined)
      throw new UsageError(`--grid takes KEY=V1,V2,... with KEY one of ${Object.keys(GRID_KEYS).join(', ')}; got "${entry}"`);
    const values = (match[2] as string).split(',').map((value): unknown => {
      if (spec.kind === 'bits') {
        if (!/^\d+$/.test(value) || !isLabBits(Number(value)))
          throw new UsageError(`--grid ${match[1]}: bits are whole numbers from 2 to 16, got "${value}"`);
        return Number(value);
      }
      if (spec.kind === 'boolean') {
        if (value !== 'true' && value !== 'false') throw new UsageError(`--grid ${match[1]}: values are true or false, got "${value}"`);
        return value === 'true';
      }
      return value;
    });
    combinations = combinations.flatMap((combination) => values.map((value) => ({ ...combination, [spec.key]: value })));
  }
  // Options given outside the grid with their opposites (per-tensor, asymmetric, unsigned) yield to the grid's value.
  return combinations.map((combination) =>
    schemeFromArguments({
      ...combination,
      ...('perChannel' in combination && combination.perChannel !== base.perChannel ? { perTensor: undefined } : {}),
      ...('symmetric' in combination && combination.symmetric !== base.symmetric ? { asymmetric: undefined } : {}),
      ...('signed' in combination && combination.signed !== base.signed ? { unsigned: undefined } : {}),
    }),
  );
}

export function parseShard(raw: string | undefined): { index: number; count: number } {
  if (raw === undefined) return { index: 0, count: 1 };
  const match = /^(\d+)\/(\d+)$/.exec(raw);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index >= count) throw new UsageError(`--shard takes K/N with 0 <= K < N (e.g. 0/4), got "${raw}"`);
  return { index, count };
}

const CSV_COLUMNS = [
  'accuracy',
  'floatAccuracy',
  'accuracyDropPoints',
  'agreement',
  'meanSqnrDb',
  'worstSqnrDb',
  'weightBytes',
  'compression',
  'cycles',
  'energyPj',
  'accumulatorOverflows',
  'outputClipped',
] as const;

export function studyCsv(rows: readonly StudyRow[]): string {
  const schemeKeys = Object.keys(rows[0]?.scheme ?? {});
  const quote = (cell: unknown): string => {
    const text = cell === undefined || cell === null ? '' : String(cell);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [['index', ...schemeKeys, ...CSV_COLUMNS, 'error'].join(',')];
  for (const row of rows)
    lines.push(
      [row.index, ...schemeKeys.map((key) => row.scheme[key]), ...CSV_COLUMNS.map((key) => row.figures?.[key]), row.error ?? '']
        .map(quote)
        .join(','),
    );
  return `${lines.join('\n')}\n`;
}

/** The scheme options that differ between rows: what a study table shows. */
function varyingKeys(rows: readonly StudyRow[]): string[] {
  const keys = Object.keys(rows[0]?.scheme ?? {});
  return keys.filter((key) => new Set(rows.map((row) => String(row.scheme[key]))).size > 1);
}

export function studyTable(rows: readonly StudyRow[], io: CliIO): string {
  const colour = paint(io);
  const keys = varyingKeys(rows);
  const header = [...keys, 'top-1', 'drop', 'agree', 'SQNR mean', 'worst', 'weight B', 'x', 'cycles', 'uJ', 'overflow'];
  const cells = rows.map((row) => {
    const f = row.figures;
    const scheme = keys.map((key) => String(row.scheme[key]));
    if (f === undefined) return [...scheme, colour.red(`cannot run: ${row.error ?? ''}`)];
    return [
      ...scheme,
      `${(f.accuracy * 100).toFixed(2)}%`,
      f.accuracyDropPoints.toFixed(2),
      `${(f.agreement * 100).toFixed(2)}%`,
      f.meanSqnrDb === null ? 'exact' : f.meanSqnrDb.toFixed(2),
      f.worstSqnrDb === null ? 'exact' : f.worstSqnrDb.toFixed(2),
      String(f.weightBytes),
      f.compression.toFixed(2),
      String(f.cycles),
      (f.energyPj / 1e6).toFixed(3),
      `${f.accumulatorOverflows}/${f.outputClipped}`,
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(
      title.length,
      ...cells.map((row) => (column < row.length - 1 || row.length === header.length ? (row[column] ?? '').length : 0)),
    ),
  );
  const line = (row: string[]) =>
    row.map((cell, column) => (column < keys.length ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  return `${[line(header), ...cells.map(line)].join('\n')}\n`;
}

export interface LabRunArguments {
  readonly model: string;
  readonly data: string;
  readonly calib: string | undefined;
  readonly calibImages: number;
  readonly hw: string;
  readonly limit: number | undefined;
  readonly sqnrImages: number;
  readonly jobs: number;
}

/** What study and search share: the float model, calibration, data and hardware, loaded once. */
export function studyRequest(args: LabRunArguments, io: CliIO, onRow?: (row: StudyRow) => void): StudyRequest {
  const workers = jobsWithinCores(args.jobs);
  noteCappedJobs(io, args.jobs, workers);
  const hardware = loadHardwareFile(args.hw);
  const float = loadFloatModel(args.model);
  const data = loadLabData(args.data, float, 'test');
  const calibration = calibrationInputs(loadLabData(args.calib ?? args.data, float, 'train'), args.calibImages);
  return {
    float,
    floatReference: args.model,
    calibration,
    data,
    dataSpec: args.data,
    hardware,
    hardwareFile: args.hw,
    images: Math.min(args.limit ?? data.count, data.count),
    aloneImages: args.sqnrImages,
    jobs: workers.jobs,
    statisticsCache: new Map(),
    ...(onRow === undefined ? {} : { onRow }),
  };
}

/** The journal of this study: continued with --resume (checked to be this study's), else started afresh. */
function openJournal(
  file: string,
  args: LabRunArguments & { readonly resume: boolean },
  request: StudyRequest,
  schemes: readonly QuantizationScheme[],
  chosen: readonly { readonly index: number; readonly scheme: QuantizationScheme }[],
  shard: { readonly index: number; readonly count: number },
): StudyJournal {
  const id = studyId({
    floatModel: args.model,
    data: args.data,
    calibration: args.calib ?? args.data,
    calibrationImages: request.calibration.length,
    hardware: args.hw,
    images: request.images,
    aloneImages: request.aloneImages,
    schemes: schemes.map(schemeRecord),
    shard,
  });
  if (args.resume && existsSync(file))
    return StudyJournal.resume(file, id, new Map(chosen.map(({ index, scheme }) => [index, schemeRecord(scheme)])));
  return StudyJournal.start(file, id);
}

export const LAB_RUN_OPTIONS = {
  ...EVALUATION_OPTIONS,
  calib: stringOption('calib', 'calibration data (default: --data, training split)'),
  'calib-images': calibrationImagesOption,
} as const;

export const studyCommand = defineCommand({
  command: 'study <model>',
  describe: 'quantize a float model under every scheme of a grid and evaluate each exactly: one row per scheme',
  builder: (parser) =>
    parser
      .positional('model', { type: 'string', demandOption: true, describe: 'float model (as npusim quantize takes it)' })
      .options(LAB_RUN_OPTIONS)
      .option('grid', { type: 'string', array: true, default: [] as string[], describe: 'KEY=V1,V2,... (repeat for more keys)' })
      .option('shard', stringOption('shard', 'K/N: run every N-th scheme from the K-th'))
      .option('resume', {
        type: 'boolean',
        default: false,
        describe: 'continue an interrupted study: the schemes its --out FILE.partial journal holds are not run again',
      })
      .option('html', htmlOption)
      .options(SCHEME_OPTIONS),
  run: async (args, io) => {
    const plan = new OutputPlan(args.force).addInputs([args.model, args.hw], 'an input of this study');
    const out = args.out === undefined ? undefined : plan.file(args.out, '--out');
    if (args.resume && out === undefined) throw new UsageError('--resume continues the study written to --out FILE: give --out');
    // The journal has its own rule: --resume continues it, --force starts over, and otherwise it is kept.
    const journalFile = out === undefined ? undefined : plan.file(journalPath(out), 'the study journal', false, true);
    if (journalFile !== undefined && existsSync(journalFile) && !args.resume && !args.force)
      throw new InputError(
        'an interrupted study left this journal of its finished schemes: run the same command with --resume to finish it, or --force to start over',
        journalFile,
      );
    const html = plan.optionalFile(args.html, '--html');
    const schemes = gridSchemes(args as SchemeArguments, args.grid);
    const shard = parseShard(args.shard);
    const chosen = schemes.map((scheme, index) => ({ index, scheme })).filter(({ index }) => index % shard.count === shard.index);
    if (chosen.length === 0)
      throw new InputError(`shard ${shard.index}/${shard.count} holds none of the ${schemes.length} schemes`, 'npusim study');
    const bar = progressBar(io, 'study', 'schemes');
    let done = 0;
    const request = studyRequest({ ...args, model: required(args.model, 'MODEL') }, io, () => {
      done += 1;
      bar.update(done, chosen.length);
    });
    const journal = journalFile === undefined ? undefined : openJournal(journalFile, args, request, schemes, chosen, shard);
    done = journal?.finished.size ?? 0;
    const rows = await runStudy(request, chosen, journal?.finished, (row) => journal?.append(row));
    bar.stop();
    const file = studyFile(
      {
        floatModel: args.model,
        data: request.data.name,
        hardware: args.hw,
        energyTable: request.hardware.energy.name,
        images: request.images,
        schemes: schemes.length,
      },
      rows,
    );
    const text =
      args.format === 'json'
        ? `${JSON.stringify(file, null, 2)}\n`
        : args.format === 'csv'
          ? studyCsv(rows)
          : studyTable(rows, out === undefined ? io : { ...io, colour: false });
    const files: [string, string][] = [];
    if (out !== undefined) files.push([out, text]);
    // The page is drawn from the file as JSON holds it, so `npusim report` on the JSON draws the same bytes.
    if (html !== undefined) files.push([html, await renderPage(studyPage(JSON.parse(JSON.stringify(file)) as StudyFile))]);
    writeAll(plan, files);
    journal?.remove();
    if (out === undefined) io.stdout(text);
    else
      io.stdout(
        `wrote ${out} (${rows.length} schemes${(journal?.finished.size ?? 0) > 0 ? `, ${journal?.finished.size} from the interrupted run` : ''})\n`,
      );
    if (html !== undefined) io.stdout(`wrote ${html}\n`);
    return EXIT_OK;
  },
});
