/**
 * Real TFLite models through `npusim run MODEL.tflite --input X.npy --dump DIR`: every op's output
 * in DIR (found through DIR/manifest.json by its TFLite tensor name) equals, bit for bit, what the
 * real TFLite Micro interpreter and reference kernels computed for that tensor
 * (../shared/anchors/tflite-models, FORMAT.md there). And the person detector says what TFLM says.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DumpManifestEntry } from '../../../src/cli/commands/run.js';
import { decodeNpy, encodeNpy } from '../../../src/formats/npy.js';
import { REPO, temporaryDirectory } from '../../support/files.js';
import { sharedPath } from '../../support/sharedFolder.js';
import { expectEqualsAnchor, runWithDump } from '../../support/tflmAnchors.js';

/** The model file: vendored in models/ when it is, else the shared copy. */
function modelFile(model: string): string {
  const vendored = join(REPO, 'models', `${model}.tflite`);
  return readdirSync(join(REPO, 'models')).includes(`${model}.tflite`) ? vendored : sharedPath('models/tflite-micro', `${model}.tflite`);
}

function anchorCases(): { model: string; input: string; folder: string }[] {
  const root = sharedPath('anchors/tflite-models');
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((model) =>
      readdirSync(join(root, model.name)).map((input) => ({ model: model.name, input, folder: join(root, model.name, input) })),
    );
}

describe('TFLite models equal TFLite Micro on every op output', () => {
  const cases = anchorCases();
  it('the shared folder holds the seven anchor runs', () => {
    expect(cases.map((c) => `${c.model}/${c.input}`).sort()).toEqual([
      'add0/random1',
      'conv0/random1',
      'conv1/random1',
      'hello_world_int8/random1',
      'mobilenet_v2_quantized_1x3x224x224/dog',
      'person_detect/no_person',
      'person_detect/person',
    ]);
  });

  for (const { model, input, folder } of cases) {
    it(`${model} on ${input}`, { timeout: 120_000 }, async () => {
      await expectEqualsAnchor(modelFile(model), folder);
    });
  }
});

/** The example's input: the BMP's 8-bit pixel rows top-down (BMP stores them bottom-up), each byte as int8. */
function bmpInput(file: string): Int32Array {
  const bytes = readFileSync(file);
  const dataOffset = bytes.readUInt32LE(10);
  const width = bytes.readInt32LE(18);
  const height = bytes.readInt32LE(22);
  expect([width, height, bytes.readUInt16LE(28)]).toEqual([96, 96, 8]);
  const values = new Int32Array(width * height);
  for (let row = 0; row < height; row += 1) {
    for (let column = 0; column < width; column += 1)
      values[row * width + column] = bytes.readInt8(dataOffset + (height - 1 - row) * width + column);
  }
  return values;
}

describe('person detection, from the BMP files in models/', () => {
  for (const [image, person] of [
    ['person', true],
    ['no_person', false],
  ] as const) {
    it(`${image}.bmp is classified ${person ? 'person' : 'no person'} with TFLM's scores`, async () => {
      const input = bmpInput(join(REPO, 'models', `${image}.bmp`));
      const npy = join(temporaryDirectory(), `${image}.npy`);
      writeFileSync(npy, encodeNpy(input, [1, 96, 96, 1], '|i1'));
      // The BMP's bytes are the anchor's input exactly.
      expect(readFileSync(npy)).toEqual(readFileSync(sharedPath('anchors/tflite-models/person_detect', image, `${image}.npy`)));
      const { folder, manifest } = await runWithDump(modelFile('person_detect'), [npy]);
      const last = manifest[manifest.length - 1] as DumpManifestEntry;
      expect(last.layer).toMatch(/softmax/);
      const [noPersonScore, personScore] = decodeNpy(new Uint8Array(readFileSync(join(folder, last.file))), last.file).values;
      // TFLM: person 113 vs -113; no person 57 vs -57 (output index 1 is "person").
      expect([noPersonScore, personScore]).toEqual(person ? [-113, 113] : [57, -57]);
    });
  }
});
