/**
 * `npusim merge` of study shards: the JSON files of `npusim study --shard K/N --format json` joined
 * into the file one unsharded study writes, byte for byte (its header, then every scheme's row by
 * index). The shards must be of one study (the same header) and hold every scheme exactly once.
 */
import { InputError } from '../errors.js';
import { readJsonFile } from '../formats/readJson.js';
import { validateWith } from '../formats/validate.js';
import { studyFileSchema } from './files.js';

const WHAT = 'a study file (npusim study --shard K/N --format json)';

export function mergeStudyFiles(files: readonly string[]): { text: string; schemes: number } {
  const read = files.map((file) => {
    const data = readJsonFile(file, WHAT);
    const checked = validateWith(studyFileSchema, data, file);
    // The rows as the file holds them (key order included), so the merged bytes are a study's own.
    return { file, raw: data as Record<string, unknown> & { rows: { index: number }[] }, checked };
  });
  const first = read[0];
  if (first === undefined) throw new InputError('no files to merge', 'npusim merge');
  const owner = new Map<number, string>();
  for (const { file, checked } of read) {
    for (const key of Object.keys(first.checked) as (keyof typeof first.checked)[]) {
      if (key === 'rows') continue;
      if (JSON.stringify(checked[key]) !== JSON.stringify(first.checked[key]))
        throw new InputError(
          `is from another study: its ${key} is ${JSON.stringify(checked[key])}, ${first.file}'s ${JSON.stringify(first.checked[key])}`,
          file,
          `$.${key}`,
        );
    }
    checked.rows.forEach((row, position) => {
      if (row.index >= checked.schemes)
        throw new InputError(`scheme ${row.index} is beyond the study's ${checked.schemes} schemes`, file, `$.rows[${position}].index`);
      const earlier = owner.get(row.index);
      if (earlier !== undefined)
        throw new InputError(`scheme ${row.index} is also in ${earlier}: merge each shard once`, file, `$.rows[${position}].index`);
      owner.set(row.index, file);
    });
  }
  const schemes = first.checked.schemes;
  const missing = Array.from({ length: schemes }, (_, index) => index).filter((index) => !owner.has(index));
  if (missing.length > 0)
    throw new InputError(
      `the files hold ${owner.size} of the study's ${schemes} schemes; missing ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''} (run those shards, then merge)`,
      files.join(', '),
    );
  const rows = read.flatMap(({ raw }) => raw.rows).sort((a, b) => a.index - b.index);
  return { text: `${JSON.stringify({ ...first.raw, rows }, null, 2)}\n`, schemes };
}
