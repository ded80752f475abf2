import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The relative import specifiers of every TypeScript file under a folder of src/. */
function importsUnder(folder: string): Array<{ file: string; specifier: string }> {
  const root = join(import.meta.dirname, '../../src', folder);
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) =>
      [...readFileSync(join(root, file), 'utf8').matchAll(/from '(\.[^']+)'/g)].map((match) => ({
        file: join(folder, file),
        specifier: match[1] ?? '',
      })),
    );
}

describe('the layer order of lowering and the dataflow specs', () => {
  it('src/lower never imports src/scalesim (SCALE-Sim timing plugs in through the TimingModel)', () => {
    expect(importsUnder('lower').filter(({ specifier }) => specifier.includes('/scalesim/'))).toEqual([]);
  });

  it('src/dataflow imports nothing of ours but itself and messages/ (it sits beside requant/, below hardware/)', () => {
    expect(
      importsUnder('dataflow').filter(({ specifier }) => !specifier.startsWith('./') && !specifier.startsWith('../messages/')),
    ).toEqual([]);
  });
});
