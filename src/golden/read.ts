/** Reading a golden file: JSON, then a schema check whose errors name the file and the JSON path. */
import { z } from 'zod';
import { InputError } from '../errors.js';
import { readJsonFile } from '../formats/readJson.js';
import { validateWith } from '../formats/validate.js';
import { overflowCountsShape } from '../report/reportSchema.js';
import { GOLDEN_FORMAT, GOLDEN_VERSION, type GoldenFile } from './format.js';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in 64 lower-case hex digits');
const count = z.int().min(0);
const numbers = z.record(z.string(), z.number());
const location = z.strictObject({ output: z.int(), k: z.int() }).nullable();
const recordedFile = z.strictObject({ file: z.string().min(1), sha256, content: z.record(z.string(), z.unknown()) });

const layer = z.strictObject({
  name: z.string(),
  op: z.string(),
  unit: z.string(),
  macs: count,
  cycles: numbers,
  energyPj: numbers,
  overflow: z.strictObject(overflowCountsShape()),
  firstOverflow: z.strictObject({ transient: location, final: location, clipped: location, vectorSaturated: location }),
  headroomBits: z.strictObject({ final: count, partial: count, accumulator: count }),
  output: z.strictObject({ tensor: z.string(), shape: z.array(count), sha256, first: z.array(z.int()) }),
});

const goldenSchema = z.strictObject({
  format: z.literal(GOLDEN_FORMAT),
  version: z.literal(GOLDEN_VERSION),
  compare: z.strictObject({ integers: z.literal('exact'), realRelativeTolerance: z.number().min(0).max(0.01) }),
  npusimVersion: z.string(),
  root: z.string().min(1),
  run: z.strictObject({
    graph: z.union([z.strictObject({ zoo: z.string().min(1), sha256 }), z.strictObject({ file: z.string().min(1), sha256 })]),
    hardware: recordedFile,
    energyTable: recordedFile.optional(),
    input: z.strictObject({ seed: z.int().min(0) }),
  }),
  result: z.strictObject({
    graph: z.string(),
    hardware: z.string(),
    energyTable: z.string(),
    clockMHz: z.number(),
    totals: z.strictObject({
      macs: count,
      cycles: count,
      computeCycles: count,
      memoryStallCycles: count,
      vectorCycles: count,
      energyPj: z.number(),
      energyByComponentPj: numbers,
      overflow: numbers,
    }),
    layers: z.array(layer),
  }),
});

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
  // The schema checked every field's type; the content copies are JSON by construction.
  return validateWith(goldenSchema, data, file) as GoldenFile;
}
