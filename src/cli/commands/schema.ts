/** `npusim schema hardware|graph|energy`: prints the JSON Schema the validator uses. */
import { jsonSchemaText, type SchemaName } from '../../formats/jsonSchema.js';
import { type CliIO, EXIT_OK } from '../io.js';

export function runSchemaCommand(name: SchemaName, io: CliIO): number {
  io.stdout(jsonSchemaText(name));
  return EXIT_OK;
}
