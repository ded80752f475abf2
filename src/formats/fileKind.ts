/**
 * Telling the three input kinds apart by their top-level keys, so that a file given in the wrong
 * place (a hardware config as the graph, a graph as --hw, an energy table as either) is named for
 * what it is instead of failing on its first key the expected schema does not know.
 */
import { InputError } from '../errors.js';

export type FileKind = 'graph' | 'hardware' | 'energy';

/** Keys only that kind has at its top level. */
const KIND_KEYS: Record<FileKind, readonly string[]> = {
  graph: ['ops', 'tensors'],
  hardware: ['array', 'accumulator', 'clockMHz', 'requant', 'vector', 'memory'],
  energy: ['entries'],
};

const KIND_NAMES: Record<FileKind, string> = { graph: 'a graph', hardware: 'a hardware config', energy: 'an energy table' };

const KINDS: readonly FileKind[] = ['graph', 'hardware', 'energy'];

function topKeys(data: unknown): string[] {
  return data !== null && typeof data === 'object' && !Array.isArray(data) ? Object.keys(data) : [];
}

/** The kinds whose keys the data has, each with the keys found. */
function kindsPresent(data: unknown): Array<{ kind: FileKind; keys: string[] }> {
  const keys = topKeys(data);
  return KINDS.map((kind) => ({ kind, keys: KIND_KEYS[kind].filter((key) => keys.includes(key)) })).filter(
    (found) => found.keys.length > 0,
  );
}

/**
 * What the data looks like: the kind with the most of its keys present (a graph on a tie), or
 * undefined when it has none. A config with a stray "ops" key is still a config.
 */
export function fileKindOf(data: unknown): FileKind | undefined {
  let best: { kind: FileKind; keys: string[] } | undefined;
  for (const found of kindsPresent(data)) if (best === undefined || found.keys.length > best.keys.length) best = found;
  return best?.kind;
}

/**
 * Throws when the data plainly is another kind: none of the expected kind's keys, and another
 * kind's. Anything else is left to the schema, whose message then names the wrong key.
 */
export function requireKind(data: unknown, expected: FileKind, file: string): void {
  const present = kindsPresent(data);
  if (present.length === 0 || present.some((found) => found.kind === expected)) return;
  const [other] = present;
  if (other === undefined) return;
  const keys = other.keys.map((key) => `"${key}"`).join(', ');
  const swapped =
    (expected === 'graph' && other.kind === 'hardware') || (expected === 'hardware' && other.kind === 'graph')
      ? '; are the graph and the hardware config swapped?'
      : other.kind === 'energy'
        ? '; a hardware config names its energy table in "energy"'
        : '';
  throw new InputError(
    `this is ${KIND_NAMES[other.kind]} (it has ${keys}), given where ${KIND_NAMES[expected]} was expected${swapped}`,
    file,
    '$',
  );
}
