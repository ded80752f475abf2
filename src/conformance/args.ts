/**
 * Reading the arguments of one conformance vector: each getter checks the value's kind and
 * range and says precisely what was expected, so a malformed line is reported, never guessed at.
 */

export class ArgumentError extends Error {}

export type Args = Readonly<Record<string, unknown>>;

/** Values quoted in a message are cut here: a line may be megabytes long, a message stays one readable line. */
const MAX_QUOTED_CHARS = 80;

/** A value from the file as a message quotes it: JSON, cut short when long. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS - 3)}...` : text;
}

export function integerArg(args: Args, name: string, min: number, max: number): number {
  const value = args[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ArgumentError(`args.${name}: expected an integer in ${min}..${max}, got ${describe(value)}`);
  }
  return value;
}

export function integerListArg(args: Args, name: string, length: number, min: number, max: number): number[] {
  const value = args[name];
  if (!Array.isArray(value) || value.length !== length) {
    throw new ArgumentError(`args.${name}: expected a list of ${length} integers in ${min}..${max}, got ${describe(value)}`);
  }
  return value.map((element: unknown, index) => integerArg({ [`${name}[${index}]`]: element }, `${name}[${index}]`, min, max));
}

export function choiceArg<T extends string>(args: Args, name: string, choices: readonly T[]): T {
  const value = args[name];
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new ArgumentError(`args.${name}: expected one of ${choices.map((c) => `"${c}"`).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

const bitsView = new DataView(new ArrayBuffer(8));

const HEX_BITS = { 32: /^0x[0-9a-fA-F]{8}$/, 64: /^0x[0-9a-fA-F]{16}$/ } as const;

function decodeBits(hex: string, width: 32 | 64): number {
  const digits = width / 4;
  if (!HEX_BITS[width].test(hex)) throw new Error(`expected 0x and ${digits} hex digits`);
  if (width === 32) {
    bitsView.setUint32(0, Number.parseInt(hex.slice(2), 16));
    return bitsView.getFloat32(0);
  }
  bitsView.setUint32(0, Number.parseInt(hex.slice(2, 10), 16));
  bitsView.setUint32(4, Number.parseInt(hex.slice(10), 16));
  return bitsView.getFloat64(0);
}

/**
 * A float argument: `<name>_bits` (hex IEEE bits) is authoritative when present; otherwise the JSON
 * number, or the strings "inf" / "-inf".
 */
export function floatArg(args: Args, name: string, width: 32 | 64): number {
  const bits = args[`${name}_bits`];
  if (bits !== undefined) {
    if (typeof bits !== 'string') {
      throw new ArgumentError(`args.${name}_bits: expected a hex string of IEEE bits, got ${describe(bits)}`);
    }
    try {
      return decodeBits(bits, width);
    } catch (error) {
      throw new ArgumentError(`args.${name}_bits: ${(error as Error).message}, got ${describe(bits)}`);
    }
  }
  const value = args[name];
  if (value === 'inf') return Number.POSITIVE_INFINITY;
  if (value === '-inf') return Number.NEGATIVE_INFINITY;
  if (typeof value !== 'number') {
    throw new ArgumentError(`args.${name}: expected a number, "inf" or "-inf", got ${describe(value)}`);
  }
  if (width === 32 && Math.fround(value) !== value) {
    throw new ArgumentError(`args.${name}: expected a float32 value, got ${describe(value)} (not representable)`);
  }
  return value;
}
