/**
 * Reference TFLite ops the importer brings in (softmax, mean, quantize, transpose), written from
 * TFLite's and gemmlowp's C++ with BigInt and plain loops, sharing no arithmetic with the engine's
 * kernels: every int32 add wraps with BigInt.asIntN, every fixed-point multiply is the reference
 * SRDHM, every shift the reference RDBPOT.
 */
import { refRdbpot, refSrdhm, refSrmbpot } from '../numeric/gemmlowp.js';
import { refMbqmDouble, refMbqmGreaterThanOne, refMbqmSingle, refQuantizeMultiplier } from '../numeric/tflite.js';

type Build = 'double' | 'single';

const i32 = (x: bigint): bigint => BigInt.asIntN(32, x);
const INT32_MAX = 2n ** 31n - 1n;

/** gemmlowp FixedPoint<int32, I>: raw with I integer bits. Only what softmax uses. */
interface Fixed {
  raw: bigint;
  bits: number;
}

const mul = (a: Fixed, b: Fixed): Fixed => ({ raw: refSrdhm(a.raw, b.raw, 32), bits: a.bits + b.bits });
const plus = (a: Fixed, b: Fixed): Fixed => ({ raw: i32(a.raw + b.raw), bits: a.bits });
const minus = (a: Fixed, b: Fixed): Fixed => ({ raw: i32(a.raw - b.raw), bits: a.bits });
const rescaleTo = (a: Fixed, bits: number): Fixed => ({ raw: refSrmbpot(a.raw, a.bits - bits, 32), bits });
/** ConstantPOT<exponent> of a type with `bits` integer bits. */
const pot = (exponent: number, bits: number): Fixed => ({ raw: 1n << BigInt(31 - bits + exponent), bits });
const one = (bits: number): Fixed => ({ raw: bits === 0 ? INT32_MAX : 1n << BigInt(31 - bits), bits });

function expBetweenMinusQuarterAndZero(a: Fixed): Fixed {
  const constantTerm: Fixed = { raw: 1895147668n, bits: 0 };
  const oneThird: Fixed = { raw: 715827883n, bits: 0 };
  const x = plus(a, pot(-3, 0));
  const x2 = mul(x, x);
  const x3 = mul(x2, x);
  const x4 = mul(x2, x2);
  const x4Over4: Fixed = { raw: refSrmbpot(x4.raw, -2, 32), bits: 0 };
  const inner = plus(mul(plus(x4Over4, x3), oneThird), x2);
  const poly: Fixed = { raw: refSrmbpot(inner.raw, -1, 32), bits: 0 };
  return plus(constantTerm, mul(constantTerm, plus(x, poly)));
}

/** gemmlowp's exp_on_negative_values for FixedPoint<int32, integerBits>. */
export function refExpOnNegativeValues(aRaw: bigint, integerBits: number): bigint {
  const a: Fixed = { raw: aRaw, bits: integerBits };
  const quarter = pot(-2, integerBits);
  const mask = quarter.raw - 1n;
  const modMinusQuarter = minus({ raw: a.raw & mask, bits: integerBits }, quarter);
  let result = expBetweenMinusQuarterAndZero(rescaleTo(modMinusQuarter, 0));
  const remainder = minus(modMinusQuarter, a).raw;
  const multipliers: Record<number, bigint> = {
    [-2]: 1672461947n,
    [-1]: 1302514674n,
    0: 790015084n,
    1: 290630308n,
    2: 39332535n,
    3: 720401n,
    4: 242n,
  };
  for (let exponent = -2; exponent <= 4; exponent += 1) {
    if (integerBits <= exponent) continue;
    const bit = 1n << BigInt(31 - integerBits + exponent);
    if ((remainder & bit) !== 0n) result = mul(result, { raw: multipliers[exponent] as bigint, bits: 0 });
  }
  if (integerBits > 5 && a.raw < -(1n << BigInt(36 - integerBits))) result = { raw: 0n, bits: 0 };
  return a.raw === 0n ? INT32_MAX : result.raw;
}

/** gemmlowp's one_over_one_plus_x_for_x_in_0_1, FixedPoint<int32, 0> in and out. */
export function refOneOverOnePlusX(aRaw: bigint): bigint {
  const sum = aRaw + INT32_MAX;
  const halved = sum >= 0n ? (sum + 1n) / 2n : (sum - 1n) / 2n; // RoundingHalfSum: (a + b + sign) / 2, truncating
  const halfDenominator: Fixed = { raw: halved, bits: 0 };
  let x = plus({ raw: 1515870810n, bits: 2 }, mul(halfDenominator, { raw: -1010580540n, bits: 2 }));
  for (let step = 0; step < 3; step += 1) {
    const oneMinus = minus(one(2), mul(halfDenominator, x));
    x = plus(x, rescaleTo(mul(x, oneMinus), 2));
  }
  return rescaleTo({ raw: x.raw >> 1n, bits: 2 }, 0).raw;
}

/** TFLite's int8 softmax with the parameters TFLite Micro derives from beta and the input scale. */
export function refSoftmaxInt8(input: readonly number[], depth: number, beta: number, inputScale: number, build: Build): number[] {
  const cap = build === 'single' ? 2 ** 30 - 1 : 2 ** 31 - 1;
  const [multiplier, leftShift] = refQuantizeMultiplier(Math.min(beta * inputScale * 2 ** 26, cap), build);
  const diffMin = -((31n << 26n) >> BigInt(leftShift));
  const scaled = (diff: bigint): bigint =>
    build === 'double' ? refMbqmGreaterThanOne(diff, multiplier, leftShift) : refMbqmSingle(diff, multiplier, leftShift);
  const output: number[] = [];
  for (let base = 0; base < input.length; base += depth) {
    const row = input.slice(base, base + depth).map(BigInt);
    const max = row.reduce((a, b) => (b > a ? b : a), -128n);
    let sum = 0n;
    for (const value of row) {
      if (value - max >= diffMin) sum = i32(sum + refRdbpot(refExpOnNegativeValues(scaled(value - max), 5), 12, 32));
    }
    const headroom = Math.clz32(Number(sum));
    const bitsOverUnit = 12 - headroom;
    const shiftedScale = refOneOverOnePlusX(i32(BigInt.asUintN(32, sum << BigInt(headroom)) - (1n << 31n)));
    const exponent = bitsOverUnit + 31 - 8;
    for (const value of row) {
      if (value - max < diffMin) {
        output.push(-128);
        continue;
      }
      const unsaturated = refRdbpot(refSrdhm(shiftedScale, refExpOnNegativeValues(scaled(value - max), 5), 32), exponent, 32) - 128n;
      output.push(Number(unsaturated < -128n ? -128n : unsaturated > 127n ? 127n : unsaturated));
    }
  }
  return output;
}

function flatIndex(coordinate: readonly number[], shape: readonly number[]): number {
  return coordinate.reduce((index, c, axis) => index * (shape[axis] as number) + c, 0);
}

function* coordinates(shape: readonly number[]): Generator<number[]> {
  const total = shape.reduce((a, b) => a * b, 1);
  for (let index = 0; index < total; index += 1) {
    const coordinate: number[] = [];
    let rest = index;
    for (let axis = shape.length - 1; axis >= 0; axis -= 1) {
      coordinate.unshift(rest % (shape[axis] as number));
      rest = Math.floor(rest / (shape[axis] as number));
    }
    yield coordinate;
  }
}

/** TFLite's integer MEAN over `axes`, output clamped to [min, max]. */
export function refMean(
  input: readonly number[],
  shape: readonly number[],
  axes: readonly number[],
  quant: { inputScale: number; inputZeroPoint: number; outputScale: number; outputZeroPoint: number },
  range: { min: number; max: number },
  build: Build,
): number[] {
  const keptShape = shape.map((d, axis) => (axes.includes(axis) ? 1 : d));
  const sums = new Map<number, bigint>();
  for (const coordinate of coordinates(shape)) {
    const target = flatIndex(
      coordinate.map((c, axis) => (axes.includes(axis) ? 0 : c)),
      keptShape,
    );
    sums.set(target, i32((sums.get(target) ?? 0n) + BigInt(input[flatIndex(coordinate, shape)] as number)));
  }
  const count = axes.reduce((total, axis) => total * (shape[axis] as number), 1);
  const [multiplier, outputShift] = refQuantizeMultiplier(quant.inputScale / quant.outputScale, build);
  let shift = BigInt(count).toString(2).length - 1;
  shift = Math.min(shift, 32, 31 + outputShift);
  const meanMultiplier = i32((multiplier << BigInt(shift)) / BigInt(count));
  const outputCount = keptShape.reduce((a, b) => a * b, 1);
  const output: number[] = [];
  for (let index = 0; index < outputCount; index += 1) {
    const centred = i32((sums.get(index) ?? 0n) - BigInt(quant.inputZeroPoint * count));
    const scaled =
      build === 'double'
        ? refMbqmDouble(centred, meanMultiplier, outputShift - shift)
        : refMbqmSingle(centred, meanMultiplier, outputShift - shift);
    const value = Number(scaled) + quant.outputZeroPoint;
    output.push(Math.min(range.max, Math.max(range.min, value)));
  }
  return output;
}

/** TFLite's Requantize: MultiplyByQuantizedMultiplier(x - zp_in, s_in / s_out) + zp_out, clamped. */
export function refRequantize(
  input: readonly number[],
  quant: { inputScale: number; inputZeroPoint: number; outputScale: number; outputZeroPoint: number },
  range: { min: number; max: number },
  build: Build,
): number[] {
  const [multiplier, shift] = refQuantizeMultiplier(quant.inputScale / quant.outputScale, build);
  return input.map((x) => {
    const centred = BigInt(x - quant.inputZeroPoint);
    const scaled = build === 'double' ? refMbqmDouble(centred, multiplier, shift) : refMbqmSingle(centred, multiplier, shift);
    return Math.min(range.max, Math.max(range.min, Number(scaled) + quant.outputZeroPoint));
  });
}

/** Output coordinate c takes the input at coordinate d with d[perm[i]] = c[i]. */
export function refTranspose(input: readonly number[], shape: readonly number[], perm: readonly number[]): number[] {
  const outShape = perm.map((axis) => shape[axis] as number);
  const output: number[] = [];
  for (const coordinate of coordinates(outShape)) {
    const source = new Array<number>(shape.length).fill(0);
    perm.forEach((axis, position) => {
      source[axis] = coordinate[position] as number;
    });
    output.push(input[flatIndex(source, shape)] as number);
  }
  return output;
}
