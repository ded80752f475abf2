/** Reading a golden file: JSON, then a schema check whose errors name the file and the JSON path. */
import { InputError } from '../errors.js';
import { readJsonFile } from '../formats/readJson.js';
import { validateWith } from '../formats/validate.js';
import { GOLDEN_FORMAT, GOLDEN_VERSION, type GoldenFile, goldenSchema } from './format.js';

/** Reads and checks a golden file; anything wrong is an InputError naming the file and the JSON path. */
export function readGoldenFile(file: string): GoldenFile {
  const data = readJsonFile(file, 'a golden trace (JSON)');
  const format = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>).format : undefined;
  if (format !== GOLDEN_FORMAT) {
    throw new InputError(
      `not an npusim golden trace: expected "format": "${GOLDEN_FORMAT}", found ${JSON.stringify(format) ?? 'nothing'}`,
      file,
      '$.format',
    );
  }
  const version = (data as Record<string, unknown>).version;
  if (version !== GOLDEN_VERSION) {
    throw new InputError(
      `golden format version ${JSON.stringify(version) ?? 'missing'}; this npusim reads version ${GOLDEN_VERSION}`,
      file,
      '$.version',
    );
  }
  return validateWith(goldenSchema, data, file);
}
