/**
 * Fuzzing `run --input FILE.npy`: mutated .npy files (version, header length, dtype, shape with
 * negative, fractional, transposed or huge dimensions, values outside the type, cut or padded data)
 * are run on the tiny graph. Each either runs (only when it is exactly the input's shape and dtype)
 * or is refused with exit 2 and one line; the corpus holds the .npy files that broke npusim before.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from '../../src/formats/npy.js';
import { runCli } from '../support/cli.js';
import { FIXTURES, REPO, temporaryDirectory } from '../support/files.js';
import { expectCleanOutcome, MUTANTS_PER_CLASS } from '../support/fuzz.js';
import { PROPERTY_SEED } from '../support/property.js';

const GRAPH = join(FIXTURES, 'tiny-graph.json');
const HW = join(REPO, 'configs/edge-npu.json');
/** The tiny graph's input: s8, NHWC 1x4x4x2. */
const INPUT_SHAPE = [1, 4, 4, 2];

function npy(header: string, data: Uint8Array, version = 1, declaredLength?: number): Uint8Array {
  const preamble = version === 1 ? 10 : 12;
  const bytes = new Uint8Array(preamble + header.length + data.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(bytes.buffer);
  const length = declaredLength ?? header.length;
  if (version === 1) view.setUint16(8, length & 0xffff, true);
  else if (preamble <= bytes.length) view.setUint32(8, length >>> 0, true);
  for (let index = 0; index < header.length; index += 1) bytes[preamble + index] = header.charCodeAt(index) & 0xff;
  bytes.set(data, preamble + header.length);
  return bytes;
}

const header = (descr: string, shape: string, fortran = 'False') =>
  `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }\n`;

/** The files that broke npusim before: an NCHW array of the right count, a negative dimension, a 2.0 file cut inside its preamble, trailing bytes. */
const CORPUS: readonly Uint8Array[] = [
  encodeNpy(new Int32Array(32), INPUT_SHAPE, '|i1'),
  encodeNpy(new Int32Array(32), [1, 2, 4, 4], '|i1'),
  npy(header('|i1', '(-1,)'), new Uint8Array(32)),
  npy(header('|i1', '(1, 4, 4, 2)'), new Uint8Array(40)),
  Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 9]),
];

const shapeText = fc.oneof(
  fc.constant('(1, 4, 4, 2)'),
  fc.constantFrom(
    '(32,)',
    '(1, 2, 4, 4)',
    '(-1,)',
    '(1, 4, 4, 2.0)',
    '()',
    '(1,4,4,2)',
    '(1, 4, 4, 2, 1)',
    '(4294967296, 4294967296)',
    '(1, 4, 4, -2)',
    '(0,)',
    '(a)',
  ),
  fc
    .array(fc.integer({ min: -2, max: 40 }), { maxLength: 5 })
    .map((dims) => (dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`)),
);

const mutant = fc.oneof(
  { weight: 1, arbitrary: fc.nat({ max: CORPUS.length - 1 }).map((index) => CORPUS[index] as Uint8Array) },
  {
    weight: 6,
    arbitrary: fc
      .record({
        descr: fc.constantFrom('|i1', '<i1', '|u1', '<i2', '<u2', '<i4', '<f4', '>i2', '|b1', "x'"),
        shape: shapeText,
        fortran: fc.constantFrom('False', 'False', 'True', 'maybe'),
        version: fc.constantFrom(1, 1, 2, 3, 4),
        dataLength: fc.integer({ min: 0, max: 140 }),
        fill: fc.integer({ min: 0, max: 255 }),
        lengthDelta: fc.constantFrom(0, 0, 0, -1, 1, 70000, -10),
        cut: fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
      })
      .map(({ descr, shape, fortran, version, dataLength, fill, lengthDelta, cut }) => {
        const text = header(descr, shape, fortran);
        const bytes = npy(text, new Uint8Array(dataLength).fill(fill), version, text.length + lengthDelta);
        return cut === undefined ? bytes : bytes.subarray(0, cut);
      }),
  },
);

it(`run --input: ${MUTANTS_PER_CLASS} mutated .npy files run only when exact, else exit 2 with one line`, async () => {
  const directory = temporaryDirectory('npusim-npy-fuzz-');
  const file = join(directory, 'input.npy');
  let ran = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(mutant, async (bytes) => {
      writeFileSync(file, bytes);
      const run = await runCli(['run', GRAPH, '--hw', HW, '--input', file, '--format', 'csv']);
      const outcome = expectCleanOutcome(run);
      if (outcome === 'ok') {
        ran += 1;
        // It ran: the file must be exactly the input's shape and dtype, nothing more.
        const decoded = decodeNpy(bytes, file);
        expect(decoded.shape).toEqual(INPUT_SHAPE);
        expect(decoded.dtype).toBe('|i1');
      } else {
        refused += 1;
        expect(run.stderr.startsWith(`error: ${file}: `) || run.stderr.startsWith('error: --input')).toBe(true);
      }
    }),
    { numRuns: MUTANTS_PER_CLASS, seed: PROPERTY_SEED },
  );
  expect(ran).toBeGreaterThan(0);
  expect(refused).toBeGreaterThan(MUTANTS_PER_CLASS / 2);
  process.stdout.write(`  npy fuzz: ${MUTANTS_PER_CLASS} mutants, ${refused} refused, ${ran} ran (seed ${PROPERTY_SEED})\n`);
}, 300_000);
