// Runs every line of the shared conformance vectors (shared/vectors/*.jsonl, beside the repo) through the
// independent reference model. A missing folder is a failure, never a skip.

import { describe, it, expect } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import {
  refSrdhm,
  refRdbpot,
  refSrmbpot,
  refMbqmDouble,
  refMbqmSingle,
  refMbqmSmallerThanOneExp,
  refMbqmGreaterThanOne,
  refMbqm64,
  refQuantizeMultiplier,
  refCmsisRequantize,
  refDoublingHighMult,
  refDoublingHighMultNoSat,
  refDivideByPowerOfTwo,
  refRequantizeS64,
  refVasrNarrow,
  refVrmpyAcc,
  refOrtRequantFloat,
  refOrtQuantizeLinear,
} from './index.js';

const VECTOR_DIR = fileURLToPath(new URL('../../../../shared/vectors/', import.meta.url));

interface VectorLine {
  op: string;
  args: Record<string, unknown>;
  expected: number | [number, number];
  source: string;
}

function big(args: Record<string, unknown>, key: string): bigint {
  const v = args[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error(`arg ${key} is not a safe integer: ${String(v)}`);
  return BigInt(v);
}

function int(args: Record<string, unknown>, key: string): number {
  const v = args[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`arg ${key} is not an integer: ${String(v)}`);
  return v;
}

function bytes(args: Record<string, unknown>, key: string): bigint[] {
  const v = args[key];
  if (!Array.isArray(v)) throw new Error(`arg ${key} is not an array`);
  return v.map((e: unknown) => {
    if (typeof e !== 'number' || !Number.isInteger(e)) throw new Error(`arg ${key} has a non-integer`);
    return BigInt(e);
  });
}

/** Decode the authoritative `*_bits` field (8 hex digits: float32, 16: float64) to a number. */
function floatBits(args: Record<string, unknown>, key: string): number {
  const hex = args[`${key}_bits`];
  if (typeof hex !== 'string' || !/^0x[0-9a-fA-F]+$/.test(hex)) throw new Error(`missing ${key}_bits`);
  const digits = hex.slice(2);
  const view = new DataView(new ArrayBuffer(8));
  let value: number;
  if (digits.length === 8) {
    view.setUint32(0, Number.parseInt(digits, 16));
    value = view.getFloat32(0);
  } else if (digits.length === 16) {
    view.setBigUint64(0, BigInt(hex));
    value = view.getFloat64(0);
  } else {
    throw new Error(`bad bits width in ${hex}`);
  }
  // Cross-check against the JSON value ("inf"/"-inf" strings for infinities).
  const json = args[key];
  const jsonValue = json === 'inf' ? Infinity : json === '-inf' ? -Infinity : json;
  if (typeof jsonValue !== 'number' || !Object.is(jsonValue, value)) {
    if (!(typeof jsonValue === 'number' && jsonValue === value)) {
      throw new Error(`${key} = ${String(json)} disagrees with ${key}_bits = ${hex}`);
    }
  }
  return value;
}

function outType(args: Record<string, unknown>): 'int8' | 'uint8' {
  const t = args['out_type'];
  if (t !== 'int8' && t !== 'uint8') throw new Error(`bad out_type ${String(t)}`);
  return t;
}

/** Runs one vector line; returns the reference result as a number or pair of numbers (bigint kept exact). */
function run(line: VectorLine): bigint | [bigint, number] {
  const a = line.args;
  switch (line.op) {
    case 'gemmlowp.srdhm32':
      return refSrdhm(big(a, 'a'), big(a, 'b'), 32);
    case 'gemmlowp.srdhm16':
      return refSrdhm(big(a, 'a'), big(a, 'b'), 16);
    case 'gemmlowp.rdbpot32':
      return refRdbpot(big(a, 'x'), int(a, 'exponent'), 32);
    case 'gemmlowp.rdbpot16':
      return refRdbpot(big(a, 'x'), int(a, 'exponent'), 16);
    case 'gemmlowp.srmbpot32':
      return refSrmbpot(big(a, 'x'), int(a, 'exponent'), 32);
    case 'gemmlowp.srmbpot16':
      return refSrmbpot(big(a, 'x'), int(a, 'exponent'), 16);
    case 'tflite.mbqm_double':
      return refMbqmDouble(big(a, 'x'), big(a, 'multiplier'), int(a, 'shift'));
    case 'tflite.mbqm_single':
      return refMbqmSingle(big(a, 'x'), big(a, 'multiplier'), int(a, 'shift'));
    case 'tflite.mbqm_smaller_than_one_exp_double':
      return refMbqmSmallerThanOneExp(big(a, 'x'), big(a, 'multiplier'), int(a, 'left_shift'));
    case 'tflite.mbqm_greater_than_one_double':
      return refMbqmGreaterThanOne(big(a, 'x'), big(a, 'multiplier'), int(a, 'left_shift'));
    case 'tflite.mbqm64':
      return refMbqm64(big(a, 'x'), big(a, 'multiplier'), int(a, 'shift'));
    case 'tflite.quantize_multiplier_double':
      return refQuantizeMultiplier(floatBits(a, 'real_multiplier'), 'double');
    case 'tflite.quantize_multiplier_single':
      return refQuantizeMultiplier(floatBits(a, 'real_multiplier'), 'single');
    case 'cmsisnn.requantize_double':
      return refCmsisRequantize(big(a, 'val'), big(a, 'multiplier'), int(a, 'shift'), 'double');
    case 'cmsisnn.requantize_single':
      return refCmsisRequantize(big(a, 'val'), big(a, 'multiplier'), int(a, 'shift'), 'single');
    case 'cmsisnn.doubling_high_mult':
      return refDoublingHighMult(big(a, 'm1'), big(a, 'm2'));
    case 'cmsisnn.doubling_high_mult_no_sat':
      return refDoublingHighMultNoSat(big(a, 'm1'), big(a, 'm2'));
    case 'cmsisnn.divide_by_power_of_two':
      return refDivideByPowerOfTwo(big(a, 'dividend'), int(a, 'exponent'));
    case 'cmsisnn.requantize_s64':
      return refRequantizeS64(big(a, 'val'), big(a, 'reduced_multiplier'), int(a, 'shift'));
    case 'hvx.vasr_w_h_rnd_sat':
      return refVasrNarrow(big(a, 'x'), big(a, 'rt'), 'w', 'h', { round: true, saturate: true });
    case 'hvx.vasr_w_uh_rnd_sat':
      return refVasrNarrow(big(a, 'x'), big(a, 'rt'), 'w', 'uh', { round: true, saturate: true });
    case 'hvx.vasr_uw_uh_rnd_sat':
      return refVasrNarrow(big(a, 'x'), big(a, 'rt'), 'uw', 'uh', { round: true, saturate: true });
    case 'hvx.vasr_h_b_rnd_sat':
      return refVasrNarrow(big(a, 'x'), big(a, 'rt'), 'h', 'b', { round: true, saturate: true });
    case 'hvx.vasr_h_ub_rnd_sat':
      return refVasrNarrow(big(a, 'x'), big(a, 'rt'), 'h', 'ub', { round: true, saturate: true });
    case 'hvx.vasr_uh_ub_rnd_sat':
      return refVasrNarrow(big(a, 'x'), big(a, 'rt'), 'uh', 'ub', { round: true, saturate: true });
    case 'hvx.vrmpybv_acc':
      return refVrmpyAcc(big(a, 'acc'), bytes(a, 'u'), bytes(a, 'v'), 'bv');
    case 'hvx.vrmpybusv_acc':
      return refVrmpyAcc(big(a, 'acc'), bytes(a, 'u'), bytes(a, 'v'), 'busv');
    case 'hvx.vrmpyubv_acc':
      return refVrmpyAcc(big(a, 'acc'), bytes(a, 'u'), bytes(a, 'v'), 'ubv');
    case 'ort.requant_float':
      return refOrtRequantFloat(big(a, 'acc'), floatBits(a, 'scale'), big(a, 'zero_point'), outType(a));
    case 'ort.quantize_linear':
      return refOrtQuantizeLinear(floatBits(a, 'x'), floatBits(a, 'scale'), big(a, 'zero_point'), outType(a));
    default:
      throw new Error(`unknown op ${line.op}`);
  }
}

function sameResult(got: bigint | [bigint, number], expected: number | [number, number]): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(got) && got[0] === BigInt(expected[0]) && got[1] === expected[1];
  }
  return typeof got === 'bigint' && got === BigInt(expected);
}

describe('shared conformance vectors', () => {
  it('the vector folder exists and holds the five files', () => {
    expect(existsSync(VECTOR_DIR), `missing vector folder ${VECTOR_DIR}`).toBe(true);
    const files = readdirSync(VECTOR_DIR)
      .filter((f) => f.endsWith('.jsonl'))
      .sort();
    expect(files).toEqual(['cmsisnn.jsonl', 'gemmlowp.jsonl', 'hvx.jsonl', 'ort.jsonl', 'tflite.jsonl']);
  });

  const files = existsSync(VECTOR_DIR)
    ? readdirSync(VECTOR_DIR)
        .filter((f) => f.endsWith('.jsonl'))
        .sort()
    : [];
  let total = 0;
  for (const file of files) {
    it(`every line of ${file} matches the reference`, () => {
      const text = readFileSync(join(VECTOR_DIR, file), 'utf8');
      const lines = text.split('\n').filter((l) => l.trim() !== '');
      expect(lines.length).toBeGreaterThan(0);
      const failures: string[] = [];
      lines.forEach((raw, i) => {
        const line = JSON.parse(raw) as VectorLine;
        let got: bigint | [bigint, number] | string;
        try {
          got = run(line);
        } catch (e) {
          got = `threw ${(e as Error).message}`;
        }
        if (typeof got === 'string' || !sameResult(got, line.expected)) {
          failures.push(
            `${file}:${i + 1} ${line.op} ${JSON.stringify(line.args)} expected ${JSON.stringify(line.expected)} got ${String(got)}`,
          );
        }
      });
      total += lines.length;
      expect(failures.slice(0, 20)).toEqual([]);
      expect(failures.length).toBe(0);
    });
  }

  it('ran all 9000 lines', () => {
    expect(files.length).toBe(5);
    expect(total).toBe(9000);
  });
});
