/**
 * Structural checks JSON.parse does not make: nesting depth (deep values would overflow the stack of
 * every recursive consumer, the schema validator among them) and duplicate keys (JSON.parse keeps
 * the last one silently). Both scans are iterative, so no input can overflow them.
 */
import type { PathSegment } from '../messages/jsonPath.js';

/** Objects and arrays may nest this deep; no npusim file needs more than about 8 levels. */
export const MAX_JSON_DEPTH = 64;

export interface TooDeep {
  /** Character offset of the bracket that went past the limit. */
  readonly offset: number;
}

/** Index of the character after the string that starts at `start` (a `"`), or text.length if unclosed. */
function stringEnd(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length) {
    const char = text.charCodeAt(index);
    if (char === 0x5c /* \ */) index += 2;
    else if (char === 0x22 /* " */) return index + 1;
    else index += 1;
  }
  return text.length;
}

/** The first bracket nested past `maxDepth`; tolerant of invalid JSON (brackets inside strings are skipped). */
export function findTooDeep(text: string, maxDepth: number = MAX_JSON_DEPTH): TooDeep | undefined {
  let depth = 0;
  let index = 0;
  while (index < text.length) {
    const char = text.charCodeAt(index);
    if (char === 0x22) {
      index = stringEnd(text, index);
      continue;
    }
    if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
      depth += 1;
      if (depth > maxDepth) return { offset: index };
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      depth = Math.max(0, depth - 1);
    }
    index += 1;
  }
  return undefined;
}

export interface DuplicateKey {
  readonly key: string;
  /** Path of the object holding the key. */
  readonly path: readonly PathSegment[];
  readonly firstOffset: number;
  readonly secondOffset: number;
}

interface Frame {
  readonly kind: 'object' | 'array';
  readonly keys: Map<string, number> | undefined;
  /** This container's key or index in its parent. */
  readonly segment: PathSegment | undefined;
  /** Object: the key whose value comes next. Array: the index of the next element. */
  pendingKey: string | undefined;
  nextIndex: number;
}

/**
 * The first key given twice in one object. `text` must be valid JSON (JSON.parse accepted it), so
 * the scan only needs to know where strings, keys and containers are.
 */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
  const stack: Frame[] = [];
  const pathOf = (): PathSegment[] => stack.slice(1).map((frame) => frame.segment as PathSegment);
  let index = 0;
  // Whether the string that comes next in the current object is a key (after `{` or `,`).
  let expectKey = false;
  const valueSegment = (): PathSegment | undefined => {
    const top = stack[stack.length - 1];
    if (top === undefined) return undefined;
    if (top.kind === 'array') return top.nextIndex;
    return top.pendingKey;
  };
  while (index < text.length) {
    const char = text.charCodeAt(index);
    if (char === 0x22) {
      const end = stringEnd(text, index);
      const top = stack[stack.length - 1];
      if (expectKey && top?.kind === 'object' && top.keys !== undefined) {
        // A key without escapes is its characters between the quotes (most keys): no parse needed.
        const raw = text.slice(index + 1, end - 1);
        const key = raw.includes('\\') ? (JSON.parse(text.slice(index, end)) as string) : raw;
        const first = top.keys.get(key);
        if (first !== undefined) return { key, path: pathOf(), firstOffset: first, secondOffset: index };
        top.keys.set(key, index);
        top.pendingKey = key;
        expectKey = false;
      }
      index = end;
      continue;
    }
    switch (char) {
      case 0x7b: // {
        stack.push({ kind: 'object', keys: new Map(), segment: valueSegment(), pendingKey: undefined, nextIndex: 0 });
        expectKey = true;
        break;
      case 0x5b: // [
        stack.push({ kind: 'array', keys: undefined, segment: valueSegment(), pendingKey: undefined, nextIndex: 0 });
        expectKey = false;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        stack.pop();
        expectKey = false;
        break;
      case 0x2c: {
        // ,
        const top = stack[stack.length - 1];
        if (top?.kind === 'array') top.nextIndex += 1;
        expectKey = top?.kind === 'object';
        break;
      }
      default:
        break;
    }
    index += 1;
  }
  return undefined;
}
