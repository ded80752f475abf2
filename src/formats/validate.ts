/**
 * Turning zod's findings into one message a person can act on: the JSON path, what was expected,
 * what was found, and for an unknown key the known key it most resembles.
 */
import type { z } from 'zod';
import { InputError } from '../errors.js';
import { closestName } from '../messages/didYouMean.js';
import { formatJsonPath } from '../messages/jsonPath.js';

type Issue = z.core.$ZodIssue;

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  items?: z.ZodType[];
  in?: z.ZodType;
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** The object schemas that can stand at `path` (several when a union is on the way). */
function objectShapesAt(schema: z.ZodType, path: readonly PropertyKey[], data: unknown): Array<Record<string, z.ZodType>> {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'nullable':
    case 'readonly':
    case 'prefault':
    case 'nonoptional':
      return def.innerType === undefined ? [] : objectShapesAt(def.innerType, path, data);
    case 'pipe':
      return def.in === undefined ? [] : objectShapesAt(def.in, path, data);
    case 'union': {
      const all = (def.options ?? []).map((option) => objectShapesAt(option, path, data));
      // Keep the branches whose literal fields (a discriminator such as "op") agree with the data.
      const matching = all.filter((shapes) => shapes.every((shape) => literalsAgree(shape, valueAt(data, path))));
      return (matching.length > 0 ? matching : all).flat();
    }
    default:
      break;
  }
  if (path.length === 0) return def.type === 'object' && def.shape !== undefined ? [def.shape] : [];
  const [head, ...rest] = path;
  if (def.type === 'object' && def.shape !== undefined && typeof head === 'string') {
    const child = def.shape[head];
    return child === undefined ? [] : objectShapesAt(child, rest, valueAt(data, [head]));
  }
  const inner = valueAt(data, [head ?? '']);
  if (def.type === 'array' && def.element !== undefined) return objectShapesAt(def.element, rest, inner);
  if (def.type === 'record' && def.valueType !== undefined) return objectShapesAt(def.valueType, rest, inner);
  if (def.type === 'tuple' && typeof head === 'number') {
    const item = def.items?.[head];
    return item === undefined ? [] : objectShapesAt(item, rest, inner);
  }
  return [];
}

function literalValues(schema: z.ZodType): unknown[] | undefined {
  const def = defOf(schema) as SchemaDef & { values?: unknown[] };
  return def.type === 'literal' ? def.values : undefined;
}

function literalsAgree(shape: Record<string, z.ZodType>, value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  return Object.entries(shape).every(([key, field]) => {
    const allowed = literalValues(field);
    const given = (value as Record<string, unknown>)[key];
    return allowed === undefined || given === undefined || allowed.includes(given);
  });
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  // JSON text such as 1e400 parses to Infinity, which JSON.stringify would show as null.
  if (typeof value === 'number' && !Number.isFinite(value)) return `${value} (a number past the float range)`;
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/**
 * The issue to report from a list: an unknown key first (its did-you-mean usually explains the
 * missing key beside it), then the first issue.
 */
function preferred(issues: readonly Issue[]): Issue | undefined {
  return issues.find((issue) => issue.code === 'unrecognized_keys') ?? issues[0];
}

/** Among the branches of a failed union, the issue that went deepest is the most informative. */
function mostSpecific(issue: Issue, data: unknown): Issue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  let best: Issue = issue;
  let bestScore = -1;
  for (const branch of issue.errors) {
    const first = preferred(branch);
    if (first === undefined) continue;
    const candidate = mostSpecific(first, data);
    const fullPath = [...issue.path, ...candidate.path];
    // A branch that rejects a value the user wrote (wrong type, unknown key) was probably not the
    // one meant; a branch that only misses a key probably was.
    const unknownKey = candidate.code === 'unrecognized_keys';
    const wrote = unknownKey || valueAt(data, fullPath) !== undefined;
    const depth = candidate.path.length + (unknownKey ? 1 : 0);
    const rejectsWhatWasWritten = (candidate.code === 'invalid_type' || candidate.code === 'invalid_value') && wrote;
    const score = depth + (rejectsWhatWasWritten ? 0 : unknownKey ? 0.25 : 0.5) - branch.length * 0.01;
    if (score > bestScore) {
      best = { ...candidate, path: fullPath } as Issue;
      bestScore = score;
    }
  }
  return best;
}

function expectation(issue: Issue, data: unknown, schema: z.ZodType): string {
  const given = valueAt(data, issue.path);
  const found = describeValue(given);
  switch (issue.code) {
    case 'invalid_type':
      return found === 'nothing' ? `missing; expected ${article(issue.expected)}` : `expected ${article(issue.expected)}, got ${found}`;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const relation = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      if (issue.origin === 'array') return `expected ${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} items, got ${found}`;
      if (issue.origin === 'string') return `expected a non-empty string, got ${found}`;
      return `expected a value ${relation} ${String(bound)}, got ${found}`;
    }
    case 'invalid_value':
      if (found === 'nothing') return `missing; expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${found}${suggest(given, issue.values)}`;
    case 'unrecognized_keys': {
      const shapes = objectShapesAt(schema, issue.path, data);
      const known = shapes.flatMap((shape) => Object.keys(shape));
      const key = issue.keys[0] ?? '';
      if (known.includes(key)) {
        // The key exists, but in another form of this object (a union): say which forms there are.
        const forms = shapes.map((shape) => `{${Object.keys(shape).join(', ')}}`).join(' or ');
        return `"${key}" cannot be combined with the other keys given here; expected one of the forms ${forms}`;
      }
      const hint = closestName(key, known);
      return `unknown key "${key}"${hint === undefined ? '' : ` (did you mean "${hint}"?)`}; expected keys: ${[...new Set(known)].join(', ')}`;
    }
    case 'invalid_union': {
      const key = issue.path[issue.path.length - 1];
      if (typeof key === 'string') {
        // A discriminator that matches no branch: list the values it may take.
        const shapes = objectShapesAt(schema, issue.path.slice(0, -1), { __none__: true });
        const values = shapes.flatMap((shape) => {
          const field = shape[key];
          return field === undefined ? [] : (literalValues(field) ?? []);
        });
        if (values.length > 0)
          return `expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}, got ${found}${suggest(given, values)}`;
      }
      return `${issue.message.replace(/^Invalid input/, 'not any of the accepted forms')}, got ${found}`;
    }
    default:
      return `${issue.message}, got ${found}`;
  }
}

/** "a number", "an object", "an array". */
function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

/** A did-you-mean for a string given where one of `values` was expected (the full string, not its shortened display). */
function suggest(given: unknown, values: readonly unknown[]): string {
  if (typeof given !== 'string') return '';
  const hint = closestName(
    given,
    values.filter((v): v is string => typeof v === 'string'),
  );
  return hint === undefined ? '' : ` (did you mean "${hint}"?)`;
}

/** Validates `data` against `schema`; on failure throws one InputError naming file, path and expectation. */
export function validateWith<S extends z.ZodType>(schema: S, data: unknown, file: string): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const first = preferred(result.error.issues);
  if (first === undefined) throw new InputError('invalid', file);
  const issue = mostSpecific(first, data);
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
  throw new InputError(expectation(issue, data, schema), file, formatJsonPath(path));
}
