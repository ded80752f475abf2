/**
 * docs/numerics.md's table of the requantization modes (section 5), rendered from the specs
 * (test/docs/specTables.test.ts keeps the docs' copy equal to it): a new mode's row comes with its spec.
 */
import { markdownTable } from '../messages/markdownTable.js';
import { REQUANT_MODES } from '../numeric/index.js';
import { REQUANT_SPECS } from './index.js';

export function requantModeTable(): string {
  return markdownTable(
    ['mode', 'formula (then `clamp(·, min, max)`)', 'rounding', 'shift', 'dynamic fixed point layers', 'reproduces'],
    REQUANT_MODES.map((mode) => {
      const spec = REQUANT_SPECS[mode];
      return [
        `\`${mode}\``,
        spec.formula,
        spec.fixedRounding ?? 'configured',
        spec.shifts,
        spec.takesFixedPoint ? 'yes' : 'no',
        spec.summary,
      ];
    }),
  );
}
