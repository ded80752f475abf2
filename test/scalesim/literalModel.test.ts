/**
 * The fast model (row arithmetic, stamp arrays, set lists) against a slow literal re-enactment of
 * SCALE-Sim's matrices and buffers (test/support/scaleSimLiteral.ts) on random small layers, arrays
 * and buffer sizes, in all three dataflows and both bandwidth modes; and the closed forms of
 * cycle-model.md (total cycles, SRAM counts, mapping efficiency) on larger random shapes.
 * Buffers are 1-3 kB so that CALC epochs, USER prefetch windows, stalls and OFMAP drains all occur.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScaleSimConfig, ScaleSimDataflow } from '../../src/scalesim/config.js';
import { simulateLayer } from '../../src/scalesim/model.js';
import type { ScaleSimLayer } from '../../src/scalesim/topology.js';
import { literalScaleSimLayer } from '../support/scaleSimLiteral.js';
import { checkProperty } from '../support/property.js';

/** The literal model is O(cycles x array width) with real sets; a few hundred cases per mode keep it under a minute. */
const LITERAL_CASES = 300;
const CLOSED_FORM_CASES = 2_000;

function config(
  dataflow: ScaleSimDataflow,
  mode: 'CALC' | 'USER',
  rows: number,
  cols: number,
  kib: [number, number, number],
  wordsPerCycle: number,
): ScaleSimConfig {
  return {
    runName: 'property',
    arrayRows: rows,
    arrayCols: cols,
    ifmapSramKiB: kib[0],
    filterSramKiB: kib[1],
    ofmapSramKiB: kib[2],
    ifmapOffset: 0,
    filterOffset: 10_000_000,
    ofmapOffset: 20_000_000,
    dataflow,
    bandwidthMode: mode,
    bandwidthsWordsPerCycle: mode === 'USER' ? [wordsPerCycle] : [],
    userBandwidthWordsPerCycle: mode === 'USER' ? wordsPerCycle : 0,
    memoryBanks: 1,
    ignoredKeys: [],
  };
}

function layerArbitrary(
  maxSide: number,
  maxChannels: number,
  maxFilters: number,
  minSide = 1,
  minChannels = 1,
): fc.Arbitrary<ScaleSimLayer> {
  return fc
    .record({
      ifmapHeight: fc.integer({ min: minSide, max: maxSide }),
      ifmapWidth: fc.integer({ min: minSide, max: maxSide }),
      filterFraction: fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
      channels: fc.integer({ min: minChannels, max: maxChannels }),
      numFilters: fc.integer({ min: 1, max: maxFilters }),
      strideHeight: fc.integer({ min: 1, max: 4 }),
      strideWidth: fc.integer({ min: 1, max: 4 }),
    })
    .map(({ filterFraction: [fh, fw], ...rest }) => ({
      name: 'L',
      line: 2,
      ...rest,
      filterHeight: 1 + Math.floor(fh * (rest.ifmapHeight - 1) * 0.6),
      filterWidth: 1 + Math.floor(fw * (rest.ifmapWidth - 1) * 0.6),
    }));
}

const dataflows: ScaleSimDataflow[] = ['os', 'ws', 'is'];

describe('fast model = literal SCALE-Sim re-enactment', () => {
  for (const mode of ['CALC', 'USER'] as const) {
    for (const dataflow of dataflows) {
      it(`${dataflow} ${mode}`, () => {
        const arbitrary = fc.record({
          // Half small edge shapes, half operands larger than a 1-3 kB buffer.
          layer: fc.oneof(layerArbitrary(12, 6, 40), layerArbitrary(26, 10, 64, 12, 4)),
          rows: fc.integer({ min: 1, max: 9 }),
          cols: fc.integer({ min: 1, max: 9 }),
          kib: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
          wordsPerCycle: fc.integer({ min: 1, max: 16 }),
        });
        let exercised = 0;
        checkProperty(
          `scalesim ${dataflow} ${mode} vs literal`,
          arbitrary,
          ({ layer, rows, cols, kib, wordsPerCycle }) => {
            const cfg = config(dataflow, mode, rows, cols, kib, wordsPerCycle);
            const fast = simulateLayer(cfg, layer);
            const slow = literalScaleSimLayer(cfg, layer);
            // USER: a stall happened; CALC: a read buffer ran past its first half-buffer epoch.
            if (mode === 'USER' ? slow.stallCycles > 0 : fast.dram.ifmap.stopCycle > -1 || fast.dram.filter.stopCycle > -1) exercised += 1;
            expect({
              totalCycles: fast.totalCycles,
              stallCycles: fast.stallCycles,
              overallUtilPercent: fast.overallUtilPercent,
              mappingEfficiencyPercent: fast.mappingEfficiencyPercent,
              computeUtilPercent: fast.computeUtilPercent,
              sram: [fast.sram.ifmap, fast.sram.filter, fast.sram.ofmap].map((a) => [a.startCycle, a.stopCycle, a.words]),
              dram: [fast.dram.ifmap, fast.dram.filter, fast.dram.ofmap].map((a) => [a.startCycle, a.stopCycle, a.words]),
            }).toEqual(slow);
          },
          LITERAL_CASES,
        );
        process.stdout.write(
          `  ${dataflow} ${mode}: ${exercised}/${LITERAL_CASES} cases ${mode === 'USER' ? 'stalled' : 'crossed a read-buffer epoch'}\n`,
        );
        expect(exercised).toBeGreaterThanOrEqual(LITERAL_CASES / 20);
      });
    }
  }
});

describe('closed forms of cycle-model.md hold (CALC mode)', () => {
  for (const dataflow of dataflows) {
    it(`${dataflow}: total = folds x L - 1, SRAM counts, mapping efficiency`, () => {
      const arbitrary = fc.record({
        layer: layerArbitrary(40, 16, 80),
        rows: fc.integer({ min: 1, max: 64 }),
        cols: fc.integer({ min: 1, max: 64 }),
      });
      checkProperty(
        `scalesim ${dataflow} closed forms`,
        arbitrary,
        ({ layer, rows: R, cols: C }) => {
          const result = simulateLayer(config(dataflow, 'CALC', R, C, [64, 64, 64], 0), layer);
          const eh = Math.ceil((layer.ifmapHeight - layer.filterHeight + layer.strideHeight) / layer.strideHeight);
          const ew = Math.ceil((layer.ifmapWidth - layer.filterWidth + layer.strideWidth) / layer.strideWidth);
          const p = eh * ew;
          const k = layer.filterHeight * layer.filterWidth * layer.channels;
          const f = layer.numFilters;
          const [sr, sc, t] = dataflow === 'os' ? [p, f, k] : dataflow === 'ws' ? [k, f, p] : [k, p, f];
          const fr = Math.ceil(sr / R);
          const fcFolds = Math.ceil(sc / C);
          const l = dataflow === 'os' ? R + C + t - 2 : 2 * R + C + t - 2;
          expect(result.stallCycles).toBe(0);
          expect(result.totalCycles).toBe(fr * fcFolds * l - 1);
          const counts = {
            os: [fcFolds * p * k, fr * k * f, p * f + fr * fcFolds * (R + C)],
            ws: [fcFolds * p * k, k * f, fr * p * f],
            is: [k * p, fcFolds * k * f, fr * p * f],
          }[dataflow];
          expect([result.sram.ifmap.words, result.sram.filter.words, result.sram.ofmap.words]).toEqual(counts);
          expect(result.mappingEfficiencyPercent).toBeCloseTo((100 * sr * sc) / (fr * R * fcFolds * C), 9);
          const d = dataflow === 'os' ? l : l + C - 1;
          expect(result.computeUtilPercent).toBeCloseTo((100 * sr * sc * t) / (fr * R * fcFolds * C * d), 9);
          expect(result.overallUtilPercent).toBeCloseTo((100 * p * f * k) / (result.totalCycles * R * C), 9);
        },
        CLOSED_FORM_CASES,
      );
    });
  }
});
