/**
 * The diff a person reads: per golden (or report pair), the inputs that changed, then the numbers
 * that moved, totals first and then layer by layer, with old -> new and the change in percent.
 * Coloured through chalk when the terminal takes colour, plain otherwise.
 */
import type { ChalkInstance } from 'chalk';
import type { Difference, DiffStep } from './differences.js';
import type { Json } from './format.js';
import type { InputChange } from './inputChanges.js';

export interface DiffSection {
  /** The golden file, or `A vs B` for two reports. */
  readonly title: string;
  readonly inputs: readonly InputChange[];
  readonly moved: readonly Difference[];
}

/** At most this many moved numbers per section unless the caller asks for all (limit 0). */
export const DEFAULT_LINE_LIMIT = 60;

function valueText(value: Json | undefined): string {
  if (value === undefined) return '(absent)';
  // Output hashes are 64 hex digits; 12 identify them in a diff.
  if (typeof value === 'string' && /^[0-9a-f]{64}$/.test(value)) return `${value.slice(0, 12)}…`;
  return JSON.stringify(value);
}

function percent(old: number, current: number): string {
  if (old === 0) return '(was 0)';
  const change = ((current - old) / Math.abs(old)) * 100;
  const text = Math.abs(change) >= 0.01 ? change.toFixed(2) : change.toPrecision(2);
  return `(${change > 0 ? '+' : ''}${text}%)`;
}

/** The record a difference is in (a layer name, or "totals"/"report") and the field path inside it. */
export function locate(path: readonly DiffStep[]): { record: string; field: string } {
  const named = path.findIndex((step) => typeof step === 'object');
  const rest = named >= 0 ? path.slice(named + 1) : path.slice(1);
  const record =
    named >= 0
      ? `layer ${(path[named] as { named: string }).named}`
      : typeof path[0] === 'string' && path.length > 1
        ? path[0]
        : '(top level)';
  const field = (named < 0 && path.length === 1 ? path : rest)
    .map((step, index) =>
      typeof step === 'number' ? `[${step}]` : `${index === 0 ? '' : '.'}${typeof step === 'object' ? step.named : step}`,
    )
    .join('');
  return { record, field: field === '' ? '(the whole record)' : field };
}

function movedLine(change: Difference, field: string, chalk: ChalkInstance): string {
  const arrow = `${chalk.red(valueText(change.old))} -> ${chalk.green(valueText(change.new))}`;
  const trend = typeof change.old === 'number' && typeof change.new === 'number' ? `  ${percent(change.old, change.new)}` : '';
  return `      ${field}  ${arrow}${trend}\n`;
}

export function formatSection(section: DiffSection, chalk: ChalkInstance, limit: number): string {
  const records = new Set(section.moved.map((change) => locate(change.path).record));
  const layers = [...records].filter((record) => record.startsWith('layer ')).length;
  let text = `${chalk.red.bold('DIFF')} ${chalk.bold(section.title)}: ${section.inputs.length} input change(s), ${section.moved.length} number(s) moved${layers > 0 ? ` in ${layers} layer(s)` : ''}\n`;
  if (section.inputs.length > 0) {
    text += `  ${chalk.yellow('inputs that changed')}\n`;
    for (const change of section.inputs)
      text += `    ${chalk.bold(change.source)}  ${change.field}  ${chalk.red(change.old)} -> ${chalk.green(change.new)}\n`;
  }
  if (section.moved.length > 0) {
    text += `  ${chalk.yellow('numbers that moved')}\n`;
    const shown = limit > 0 ? section.moved.slice(0, limit) : section.moved;
    const fieldWidth = Math.max(...shown.map((change) => locate(change.path).field.length));
    let record: string | undefined;
    for (const change of shown) {
      const where = locate(change.path);
      if (where.record !== record) {
        record = where.record;
        text += `    ${chalk.cyan(record)}\n`;
      }
      text += movedLine(change, where.field.padEnd(fieldWidth), chalk);
    }
    const hidden = section.moved.length - shown.length;
    if (hidden > 0) {
      const hiddenRecords = new Set(section.moved.slice(shown.length).map((change) => locate(change.path).record));
      text += `    … ${hidden} more in ${hiddenRecords.size} record(s): ${[...hiddenRecords].join(', ')} (--limit 0 shows all)\n`;
    }
  }
  return text;
}
