/** The golden writer's layout and the comparison rules it documents. */
import { describe, expect, it } from 'vitest';
import { differences, withinTolerance } from '../../src/golden/differences.js';
import { sha256OfValues } from '../../src/golden/hashing.js';
import { serializeJson } from '../../src/golden/serialize.js';

describe('golden writer', () => {
  it('puts rows of numbers and short records on one line, long ones expanded, in the given key order', () => {
    const text = serializeJson({ b: { total: 1, compute: 2.5 }, a: [1, 2], long: { text: 'x'.repeat(120), n: null } });
    expect(text).toBe(
      `{\n  "b": { "total": 1, "compute": 2.5 },\n  "a": [1, 2],\n  "long": {\n    "text": "${'x'.repeat(120)}",\n    "n": null\n  }\n}\n`,
    );
  });

  it('hashes values as int32 little-endian', () => {
    // sha256 of the 8 bytes 01 00 00 00 ff ff ff ff.
    expect(sha256OfValues(Int32Array.of(1, -1))).toBe('b15348c8f462384c01e83b6d499c6faf3f96808f5aa07c6bab4b65b36b4445d4');
  });
});

describe('comparison', () => {
  it('compares integers exactly and energies within a relative 1e-9', () => {
    expect(withinTolerance(1e9, 1e9 + 0.5, 1e-9)).toBe(true);
    expect(withinTolerance(1e9, 1e9 + 2, 1e-9)).toBe(false);
    const options = { matchNamedRecords: true, realRelativeTolerance: 1e-9 };
    expect(differences({ energyPj: 1e9, cycles: 10 }, { energyPj: 1e9 + 0.5, cycles: 10 }, options)).toEqual([]);
    expect(differences({ energyPj: 1e9, cycles: 10 }, { energyPj: 1e9, cycles: 11 }, options)).toEqual([
      { path: ['cycles'], old: 10, new: 11 },
    ]);
  });

  it('matches layers by name, so an inserted layer is one difference, not a shifted list', () => {
    const old = {
      layers: [
        { name: 'a', cycles: 1 },
        { name: 'b', cycles: 2 },
      ],
    };
    const current = {
      layers: [
        { name: 'a', cycles: 1 },
        { name: 'new', cycles: 5 },
        { name: 'b', cycles: 2 },
      ],
    };
    expect(differences(old, current, { matchNamedRecords: true, realRelativeTolerance: 0 })).toEqual([
      { path: ['layers', { named: 'new' }], old: undefined, new: { name: 'new', cycles: 5 } },
    ]);
  });
});
