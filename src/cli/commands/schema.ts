/** `npusim schema hardware|graph|energy|report`: prints a published JSON Schema. */
import { jsonSchemaText, SCHEMA_NAMES as INPUT_SCHEMA_NAMES, type SchemaName as InputSchemaName } from '../../formats/jsonSchema.js';
import { reportJsonSchemaText } from '../../report/reportSchema.js';
import { defineCommand } from '../command.js';
import { type CliIO, EXIT_OK } from '../io.js';
import { required } from '../options.js';

/** The input files' schemas and the JSON report's. */
export const SCHEMA_NAMES = [...INPUT_SCHEMA_NAMES, 'report'] as const;
export type SchemaName = InputSchemaName | 'report';

export function schemaText(name: SchemaName): string {
  return name === 'report' ? reportJsonSchemaText() : jsonSchemaText(name);
}

export function runSchemaCommand(name: SchemaName, io: CliIO): number {
  io.stdout(schemaText(name));
  return EXIT_OK;
}

export const schemaCommand = defineCommand({
  command: 'schema <kind>',
  describe: 'print the JSON Schema of an input file kind (hardware, graph, energy) or of the JSON report',
  builder: (parser) => parser.positional('kind', { choices: SCHEMA_NAMES, demandOption: true, describe: 'which schema' }),
  run: (args, io) => runSchemaCommand(required(args.kind, 'KIND'), io),
});
