/**
 * docs/cycle-model.md's table of the dataflows, rendered from the specs (test/docs/specTables.test.ts
 * keeps the docs' copy equal to it): a new dataflow's row comes with its spec.
 */
import { markdownTable } from '../messages/markdownTable.js';
import { DATAFLOW_SPECS, DATAFLOWS } from './index.js';
import type { DataflowSpec } from './spec.js';

/** The K fold in words, read off the spec's own function with row and column counts told apart. */
function describeKFold(spec: DataflowSpec): string {
  const probe = { rowsPerFold: 2, columns: 3 };
  const kFold = spec.kFold(probe);
  if (kFold === undefined) return 'none: one accumulator per output';
  if (kFold === probe.rowsPerFold) return 'row capacity';
  if (kFold === probe.columns) return 'columns';
  throw new Error(`the K fold of dataflow ${spec.name} has no words in the docs table`);
}

export function dataflowTable(): string {
  return markdownTable(
    ['dataflow', 'rows hold', 'columns hold', 'streamed (T)', 'stationary operand', 'groups a fold', 'K fold', 'in short'],
    DATAFLOWS.map((name) => {
      const spec = DATAFLOW_SPECS[name];
      return [
        `\`${name}\` (${spec.title})`,
        spec.axes.rows,
        spec.axes.columns,
        spec.axes.temporal,
        spec.stationary,
        spec.describeGroups,
        describeKFold(spec),
        spec.summary,
      ];
    }),
  );
}
