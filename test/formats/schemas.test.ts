/**
 * The JSON Schemas are generated from the validator (one source of truth); the copies in schemas/
 * that presets reference for editors must be current, and every preset must satisfy both the
 * validator and its published JSON Schema (checked with Ajv, an independent JSON Schema engine).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { jsonSchemaOf, jsonSchemaText, SCHEMA_NAMES } from '../../src/formats/jsonSchema.js';
import { loadAnyFile } from '../../src/formats/loadAny.js';
import { reportJsonSchemaText, reportSchema } from '../../src/report/reportSchema.js';
import { runCli } from '../support/cli.js';
import { FIXTURES, REPO } from '../support/files.js';
import { SHIPPED_PRESETS } from '../support/presets.js';

const presets = readdirSync(join(REPO, 'configs'))
  .filter((name) => name.endsWith('.json'))
  .map((name) => join(REPO, 'configs', name));
const energyTables = readdirSync(join(REPO, 'configs/energy')).map((name) => join(REPO, 'configs/energy', name));

function ajvFor(name: (typeof SCHEMA_NAMES)[number]) {
  const ajv = new Ajv2020.default({ strict: false, allErrors: true });
  return ajv.compile(jsonSchemaOf(name));
}

describe('published JSON Schemas', () => {
  it.each(SCHEMA_NAMES)('npusim schema %s prints the schema and schemas/ holds the same text', async (name) => {
    const run = await runCli(['schema', name]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(jsonSchemaText(name));
    expect(readFileSync(join(REPO, 'schemas', `${name}.schema.json`), 'utf8')).toBe(run.stdout);
    expect(JSON.parse(run.stdout).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('the six presets are there: default, its onnxruntime twin, Ethos-U55-like, Hexagon-like, Eyeriss-like, TPU-v1-like', () => {
    expect(presets.map((file) => file.slice(file.lastIndexOf('/') + 1)).sort()).toEqual(SHIPPED_PRESETS);
  });

  it('edge-npu-ort is edge-npu with only the requantization and the uint8 operand modes changed', () => {
    const read = (name: string) =>
      JSON.parse(readFileSync(join(REPO, 'configs', name), 'utf8')) as Record<string, unknown> & {
        array: { operandModes: unknown[] };
      };
    const edge = read('edge-npu.json');
    const ort = read('edge-npu-ort.json');
    expect(ort.requant).toEqual({ mode: 'ort-float', unit: 'dedicated' });
    expect(ort.array.operandModes).toEqual([
      ...edge.array.operandModes,
      { weights: 'u8', activations: 'u8', macsPerPePerCycle: 1 },
      { weights: 'u8', activations: 's8', macsPerPePerCycle: 1 },
    ]);
    const rest = ({ name, description, sources, requant, array, ...others }: typeof edge) => ({
      others,
      array: { ...array, operandModes: undefined },
    });
    expect(rest(ort)).toEqual(rest(edge));
  });

  it.each(presets)('preset %s validates with npusim and against the JSON Schema it references', (file) => {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { $schema: string; sources: string[] };
    expect(json.$schema).toBe('../schemas/hardware.schema.json');
    expect(json.sources.length).toBeGreaterThan(0);
    expect(loadAnyFile(file).kind).toBe('hardware');
    const validate = ajvFor('hardware');
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(energyTables)('energy table %s validates and every entry names its source', (file) => {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { entries: Array<{ source: string }> };
    expect(loadAnyFile(file).kind).toBe('energy');
    expect(json.entries.every((entry) => entry.source.length > 10)).toBe(true);
    const validate = ajvFor('energy');
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the fixture graph satisfies the graph JSON Schema, and the schema rejects an unknown key', () => {
    const graph = JSON.parse(readFileSync(join(FIXTURES, 'tiny-graph.json'), 'utf8')) as Record<string, unknown>;
    const validate = ajvFor('graph');
    expect(validate(graph), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...graph, layers: [] })).toBe(false);
  });
});

describe('the JSON report schema', () => {
  it('npusim schema report prints it and schemas/report.schema.json holds the same text', async () => {
    const run = await runCli(['schema', 'report']);
    expect(run.exitCode).toBe(0);
    expect(readFileSync(join(REPO, 'schemas', 'report.schema.json'), 'utf8')).toBe(run.stdout);
  });

  it('a real report satisfies it, by zod and by Ajv; a report missing a total does not', async () => {
    const report = JSON.parse(
      (await runCli(['run', join(FIXTURES, 'tiny-graph.json'), '--hw', join(REPO, 'configs/edge-npu.json'), '--format', 'json'])).stdout,
    ) as Record<string, unknown>;
    expect(reportSchema.safeParse(report).success).toBe(true);
    const validate = new Ajv2020.default({ strict: false, allErrors: true }).compile(JSON.parse(reportJsonSchemaText()) as object);
    expect(validate(report)).toBe(true);
    const broken = { ...report, totals: { ...(report.totals as object), cycles: undefined } };
    expect(validate(JSON.parse(JSON.stringify(broken)))).toBe(false);
  });
});
