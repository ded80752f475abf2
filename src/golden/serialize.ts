/**
 * The writer's JSON layout: two-space indentation, but an object or array goes on one line when
 * that line is short (an overflow location, an operand mode), and a record of numbers always does
 * (a layer's cycles, its energy parts), so a golden stays small and a moved number changes one
 * line of a review diff. Key order
 * is the order the objects were built in, which the recorder fixes.
 */
import type { Json } from './format.js';

const INLINE_LIMIT = 120;

function entriesOf(value: Json[] | { [key: string]: Json }): Array<[string | undefined, Json]> {
  return Array.isArray(value) ? value.map((item) => [undefined, item]) : Object.entries(value);
}

function oneLine(value: Json): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const parts = entriesOf(value).map(([key, item]) => (key === undefined ? '' : `${JSON.stringify(key)}: `) + oneLine(item));
  if (parts.length === 0) return Array.isArray(value) ? '[]' : '{}';
  return Array.isArray(value) ? `[${parts.join(', ')}]` : `{ ${parts.join(', ')} }`;
}

function render(value: Json, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const entries = entriesOf(value);
  const line = oneLine(value);
  // Numbers stay on one line however many: the cycles and energy parts of a layer read as a row.
  if (line.length <= INLINE_LIMIT || (entries.length > 0 && entries.every(([, item]) => typeof item === 'number'))) return line;
  const inner = `${indent}  `;
  const lines = entries.map(([key, item]) => `${inner}${key === undefined ? '' : `${JSON.stringify(key)}: `}${render(item, inner)}`);
  return Array.isArray(value) ? `[\n${lines.join(',\n')}\n${indent}]` : `{\n${lines.join(',\n')}\n${indent}}`;
}

export function serializeJson(value: Json): string {
  return `${render(value, '')}\n`;
}
