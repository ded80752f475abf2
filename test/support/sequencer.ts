/**
 * The order test files start in: the known slow ones first, longest first, then the rest in
 * vitest's order. Vitest sorts by the durations of the previous run, but a fresh clone (CI) has
 * none and it falls back to file size: a small file that runs for forty seconds (the README's
 * quantization lab) then starts last and runs alone on one core while the other idles.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Files that take ten seconds or more on a 2-core machine, longest first (test/support/sequencer.test.ts checks they exist). */
export const SLOW_FIRST: readonly string[] = [
  'test/readme/lab.test.ts',
  'test/importers/onnx/zoo.test.ts',
  'test/readme/commands.test.ts',
  'test/scalesim/literalModel.test.ts',
  'test/cli/labCommands.test.ts',
  'test/sweep/setFuzz.test.ts',
  'test/golden/fuzz.test.ts',
  'test/cli/sweepCommand.test.ts',
  'test/cli/studyResume.test.ts',
  'test/kernels/simdNetworks.test.ts',
  'test/formats/jsonFuzz.test.ts',
  'test/scalesim/fuzz.test.ts',
  'test/html/browser.test.ts',
  'test/golden/goldens.test.ts',
  'test/cli/zooModes.test.ts',
  'test/formats/fuzz.test.ts',
  'test/formats/npyFuzz.test.ts',
];

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification): number => {
      const index = SLOW_FIRST.indexOf(relative(this.ctx.config.root, file.moduleId).split('\\').join('/'));
      return index === -1 ? SLOW_FIRST.length : index;
    };
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
