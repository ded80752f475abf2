/**
 * Numbers printed the way SCALE-Sim's reports print them: Python's `str()` of an int or a float.
 * JS and Python both print the shortest digit string that round-trips a double, but they lay the
 * digits out differently (Python: `9.0`, `1e-05`, `1.5e+16`; JS: `9`, `0.00001`, `15000000000000000`).
 */

/** Python's repr of a float (a double), e.g. `9.0`, `0.1`, `1e-05`, `1.5e+16`, `-1024.0`. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest round-tripping digits, as repr does.
  const [mantissa = '', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  // Python switches to exponent notation below 1e-4 and from 1e16 up (float_repr_style 'short').
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const exponentSign = exponent < 0 ? '-' : '+';
    return `${sign}${fraction}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const integerDigits = exponent + 1;
  if (digits.length <= integerDigits) return `${sign}${digits}${'0'.repeat(integerDigits - digits.length)}.0`;
  return `${sign}${digits.slice(0, integerDigits)}.${digits.slice(integerDigits)}`;
}

/** Python's str() of an int. */
export function pythonIntRepr(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`internal: ${value} is not a safe integer`);
  return String(value);
}

/**
 * Python's `a / b` for two ints: the exactly rounded quotient. Plain JS division is that too while
 * both operands are exact doubles (below 2^53); beyond that the quotient is rounded here from BigInts.
 */
export function divideIntegers(numerator: number | bigint, denominator: number | bigint): number {
  if (
    typeof numerator === 'number' &&
    typeof denominator === 'number' &&
    Math.abs(numerator) <= 2 ** 53 &&
    Math.abs(denominator) <= 2 ** 53
  ) {
    return numerator / denominator;
  }
  let a = BigInt(numerator);
  let b = BigInt(denominator);
  if (b === 0n) throw new Error('internal: division by zero');
  const negative = a < 0n !== b < 0n;
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  if (a === 0n) return 0;
  // Scale so that the integer quotient has at least 64 significant bits; a sticky bit for the
  // remainder then makes Number() (round to nearest, ties to even) round the true quotient.
  const shift = Math.max(0, 64 - (a.toString(2).length - b.toString(2).length));
  let quotient = (a << BigInt(shift)) / b;
  if ((a << BigInt(shift)) % b !== 0n) quotient |= 1n;
  const magnitude = Number(quotient) / 2 ** shift;
  return negative ? -magnitude : magnitude;
}
