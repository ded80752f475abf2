/**
 * `--set PATH=SPEC`: the values one swept parameter takes. SPEC is a comma-separated list whose
 * items are literals (numbers, true/false, null to remove the field, or a word such as ws) or
 * inclusive ranges FROM..TO:STEP. Ranges are computed on integers scaled by a power of ten, never
 * by adding floats, so 0.1..0.3:0.1 is exactly 0.1, 0.2 and 0.3; a step that misses TO is an error.
 * Every number is exactly the decimal written (no rounding to the nearest double, no infinity).
 */
import { InputError } from '../errors.js';

/** One value of a parameter: its canonical text (CSV cell, messages) and the JSON value it sets. */
export interface SweepValue {
  readonly text: string;
  /** null removes the field from the config (e.g. requant.rounding for a library mode). */
  readonly value: number | boolean | string | null;
}

export interface SweepParameter {
  /** Dotted path as given: array.rows, memory.dram.bytesPerCycle, quant.weightBits. */
  readonly path: string;
  readonly values: readonly SweepValue[];
}

/** A guard against a typo such as 1..1e9:1 eating the machine's memory. */
export const MAX_VALUES_PER_PARAMETER = 1_000_000;

const DECIMAL = /^-?\d+(\.\d+)?$/;
const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const PATH = /^[A-Za-z_$][A-Za-z0-9_$]*(\.([A-Za-z_$][A-Za-z0-9_$]*|\d+))*$/;

/** A decimal as an integer count of 10^-scale units. */
function scaled(text: string, scale: number): bigint {
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const units = BigInt(whole + fraction.padEnd(scale, '0'));
  return negative ? -units : units;
}

function fractionDigits(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** The shortest decimal text of units x 10^-scale: 3, 0.25, -1.5. */
function decimalText(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

/** A decimal's exact value as digits x 10^exponent, normalized so that equal values compare equal. */
function exactDecimal(text: string): { digits: bigint; exponent: number } {
  const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  const [, sign = '', whole = '', fraction = '', power = '0'] = match ?? [];
  let digits = BigInt(`${sign}${whole}${fraction}` === sign ? '0' : `${sign}${whole}${fraction}`);
  let exponent = Number(power) - fraction.length;
  if (digits === 0n) return { digits, exponent: 0 };
  while (digits % 10n === 0n) {
    digits /= 10n;
    exponent += 1;
  }
  return { digits, exponent };
}

/**
 * A number as the config gets it. The value must be exactly the decimal written, as JSON would read
 * it from a file: a literal with more digits than a double holds, or beyond its range, would be a
 * different number silently, so it is refused.
 */
function numberValue(text: string, where: string): SweepValue {
  const value = Number(text);
  if (!Number.isFinite(value)) throw new InputError(`${text} is beyond the range of numbers (about 1.8e308)`, where);
  // The cell shows the number JSON would write, so a resumed or merged file compares equal.
  const shortest = String(value);
  const [written, read] = [exactDecimal(text), exactDecimal(shortest)];
  if (written.digits !== read.digits || written.exponent !== read.exponent) {
    throw new InputError(`${text} has more digits than a number holds; it would be read as ${shortest}`, where);
  }
  return { text: shortest, value };
}

/** FROM..TO:STEP (STEP defaults to 1; a negative STEP counts down), every value exact, TO among them. */
function rangeValues(item: string, where: string): SweepValue[] {
  const match = /^(.*)\.\.([^:]*)(?::(.*))?$/.exec(item);
  const [from = '', to = '', step = '1'] = match === null ? [] : match.slice(1);
  for (const [part, name] of [
    [from, 'start'],
    [to, 'end'],
    [step, 'step'],
  ] as const) {
    if (!DECIMAL.test(part)) {
      const plain = NUMBER.test(part) ? plainDecimal(part) : undefined;
      const hint = plain === undefined ? '' : ` (write it without an exponent: ${plain})`;
      throw new InputError(
        `range "${item}": the ${name} "${part}" is not a decimal number${hint}; a range is FROM..TO or FROM..TO:STEP, e.g. 0.1..0.3:0.1`,
        where,
      );
    }
  }
  const scale = Math.max(fractionDigits(from), fractionDigits(to), fractionDigits(step));
  const [first, last, stride] = [scaled(from, scale), scaled(to, scale), scaled(step, scale)];
  if (stride === 0n) throw new InputError(`range "${item}": the step is zero`, where);
  if ((last - first) * stride < 0n) {
    throw new InputError(
      `range "${item}" is empty: a ${stride > 0n ? 'positive' : 'negative'} step never reaches ${to} from ${from}`,
      where,
    );
  }
  const count = (last - first) / stride + 1n;
  if (count > BigInt(MAX_VALUES_PER_PARAMETER)) {
    throw new InputError(`range "${item}" has ${count} values; a parameter takes at most ${MAX_VALUES_PER_PARAMETER}`, where);
  }
  const end = first + (count - 1n) * stride;
  if (end !== last) {
    // Stopping short of TO would sweep values the command line does not show.
    const [below, beyond] = [decimalText(end, scale), decimalText(end + stride, scale)];
    throw new InputError(
      `range "${item}": steps of ${step} from ${from} miss ${to} (they reach ${below}, then ${beyond}); end the range at ${below} or ${beyond}, or choose a step that lands on ${to}`,
      where,
    );
  }
  const values: SweepValue[] = [];
  for (let index = 0n; index < count; index += 1n) values.push(numberValue(decimalText(first + index * stride, scale), where));
  return values;
}

/** A number written with an exponent as plain decimal digits, for a hint (none when it would be very long). */
function plainDecimal(text: string): string | undefined {
  const { digits, exponent } = exactDecimal(text);
  if (Math.abs(exponent) > 30) return undefined;
  return exponent >= 0 ? `${digits}${'0'.repeat(exponent)}` : decimalText(digits, -exponent);
}

function literalValue(item: string, where: string): SweepValue {
  if (item === 'true' || item === 'false') return { text: item, value: item === 'true' };
  if (item === 'null') return { text: item, value: null };
  if (NUMBER.test(item)) return numberValue(item, where);
  return { text: item, value: item };
}

/** Parses one `--set PATH=SPEC` option. */
export function parseSetOption(option: string): SweepParameter {
  const where = `--set ${option.replace(/[\u0000-\u001f\u007f]/g, '?')}`;
  const equals = option.indexOf('=');
  if (equals < 0) throw new InputError('expected PATH=VALUES, e.g. array.rows=8,16,32 or memory.dram.bytesPerCycle=4..16:4', where);
  const path = option.slice(0, equals).trim();
  if (!PATH.test(path)) {
    throw new InputError(
      `"${path}" is not a field path; write the config's JSON path with dots, e.g. array.rows or memory.sram.unified.kib`,
      where,
    );
  }
  const items = option
    .slice(equals + 1)
    .split(',')
    .map((item) => item.trim());
  if (items.some((item) => item === '')) throw new InputError('an empty value; separate values with single commas', where);
  // A sweep file holds one row per line, so no value may break one.
  if (items.some((item) => /[\u0000-\u001f\u007f]/.test(item)))
    throw new InputError('a value holds a line break or another control character (shown as ?)', where);
  const values = items.flatMap((item) => (item.includes('..') ? rangeValues(item, where) : [literalValue(item, where)]));
  if (values.length > MAX_VALUES_PER_PARAMETER)
    throw new InputError(`${values.length} values; a parameter takes at most ${MAX_VALUES_PER_PARAMETER}`, where);
  return { path, values };
}
