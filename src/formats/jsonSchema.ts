/** The published JSON Schemas, generated from the same zod schemas that validate files. */
import { z } from 'zod';
import { graphSchema } from './graphSchema.js';
import { energyTableSchema, hardwareSchema } from './hardwareSchema.js';

export const SCHEMA_NAMES = ['hardware', 'graph', 'energy'] as const;
export type SchemaName = (typeof SCHEMA_NAMES)[number];

const SCHEMAS: Record<SchemaName, z.ZodType> = { hardware: hardwareSchema, graph: graphSchema, energy: energyTableSchema };

/** The JSON Schema (draft 2020-12) of the files users write: fields with defaults are optional. */
export function jsonSchemaOf(name: SchemaName): Record<string, unknown> {
  const schema = z.toJSONSchema(SCHEMAS[name], { io: 'input', target: 'draft-2020-12' });
  return { ...schema, title: `npusim ${name}` };
}

export function jsonSchemaText(name: SchemaName): string {
  return `${JSON.stringify(jsonSchemaOf(name), null, 2)}\n`;
}
