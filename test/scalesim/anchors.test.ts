/**
 * Every SCALE-Sim anchor case (../shared/anchors/scalesim, SCALE-Sim v2's own output files) is
 * reproduced: integer columns and whole-number cycle columns exactly, float columns to a relative
 * 1e-9 (the README's contract), and the count of byte-identical files and values is printed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScaleSimFiles, type ScaleSimReports } from '../../src/scalesim/index.js';
import { sharedPath } from '../support/sharedFolder.js';

interface AnchorCase {
  case: string;
  cfg: string;
  topology: string;
  input_type: 'conv' | 'gemm';
  dataflow: string;
  bandwidth_mode: string;
  outputs: Record<'COMPUTE_REPORT' | 'BANDWIDTH_REPORT' | 'DETAILED_ACCESS_REPORT', string>;
  scalesim_wall_s: number;
}

const manifest = JSON.parse(readFileSync(sharedPath('anchors/scalesim/manifest.json'), 'utf8')) as { cases: AnchorCase[] };
const anchor = (relative: string): string => sharedPath('anchors/scalesim', relative);

/** Which columns (after LayerID) hold floats that may differ in the last digits. */
const FLOAT_COLUMNS: Record<keyof AnchorCase['outputs'], (column: number) => boolean> = {
  COMPUTE_REPORT: (column) => column >= 3, // Overall Util %, Mapping Efficiency %, Compute Util %
  BANDWIDTH_REPORT: (column) => column >= 1, // all six bandwidths
  DETAILED_ACCESS_REPORT: () => false, // start/stop cycles are whole numbers printed as floats: exact
};

const REPORT_OF: Record<keyof AnchorCase['outputs'], keyof ScaleSimReports> = {
  COMPUTE_REPORT: 'compute',
  BANDWIDTH_REPORT: 'bandwidth',
  DETAILED_ACCESS_REPORT: 'detailedAccess',
};

const tally = { files: 0, identicalFiles: 0, values: 0, identicalValues: 0 };

/** Compares one report; returns a list of differences beyond the contract. */
function compareReport(kind: keyof AnchorCase['outputs'], golden: string, ours: string): string[] {
  const problems: string[] = [];
  tally.files += 1;
  if (golden === ours) tally.identicalFiles += 1;
  const goldenLines = golden.split('\n');
  const ourLines = ours.split('\n');
  if (goldenLines.length !== ourLines.length) problems.push(`line count ${ourLines.length}, golden ${goldenLines.length}`);
  goldenLines.forEach((goldenLine, lineIndex) => {
    const ourLine = ourLines[lineIndex] ?? '';
    if (lineIndex === 0 || goldenLine === '') {
      if (goldenLine !== ourLine) problems.push(`line ${lineIndex + 1}: "${ourLine}" != "${goldenLine}"`);
      return;
    }
    const goldenFields = goldenLine.split(', ');
    const ourFields = ourLine.split(', ');
    if (goldenFields.length !== ourFields.length)
      problems.push(`line ${lineIndex + 1}: ${ourFields.length} fields, golden ${goldenFields.length}`);
    goldenFields.forEach((goldenField, column) => {
      const ourField = ourFields[column] ?? '';
      tally.values += 1;
      if (ourField === goldenField) {
        tally.identicalValues += 1;
        return;
      }
      const expected = Number(goldenField.replace(/,$/, ''));
      const actual = Number(ourField.replace(/,$/, ''));
      const close = FLOAT_COLUMNS[kind](column) && Math.abs(actual - expected) <= 1e-9 * Math.abs(expected);
      if (!close) problems.push(`line ${lineIndex + 1} column ${column + 1}: ${ourField} != golden ${goldenField}`);
    });
  });
  return problems;
}

describe('SCALE-Sim anchors reproduce all three reports', () => {
  it('the manifest lists the public cases', () => {
    expect(manifest.cases.length).toBeGreaterThanOrEqual(18);
  });

  for (const anchorCase of manifest.cases) {
    it(`${anchorCase.case} (${anchorCase.dataflow}, ${anchorCase.bandwidth_mode}, ${anchorCase.input_type})`, () => {
      const started = performance.now();
      const run = runScaleSimFiles(anchor(anchorCase.cfg), anchor(anchorCase.topology), anchorCase.input_type);
      const milliseconds = performance.now() - started;
      const problems = (Object.keys(anchorCase.outputs) as Array<keyof AnchorCase['outputs']>).flatMap((kind) =>
        compareReport(kind, readFileSync(anchor(anchorCase.outputs[kind]), 'utf8'), run.reports[REPORT_OF[kind]]).map(
          (problem) => `${kind}: ${problem}`,
        ),
      );
      expect(problems).toEqual([]);
      process.stdout.write(`  ${anchorCase.case}: ${milliseconds.toFixed(0)} ms (SCALE-Sim ${anchorCase.scalesim_wall_s} s)\n`);
    });
  }

  it('reports how many files and values are byte-identical', () => {
    process.stdout.write(
      `  SCALE-Sim anchors: ${tally.identicalFiles}/${tally.files} report files and ${tally.identicalValues}/${tally.values} values byte-identical\n`,
    );
    expect(tally.files).toBe(3 * manifest.cases.length);
    // All are identical today; a regression to "within 1e-9" should be noticed, not silently accepted.
    expect(tally.identicalFiles).toBe(tally.files);
  });
});
