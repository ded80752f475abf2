/**
 * Reading a JSON file with errors that point at the file, line and column: bounded in size, a
 * byte-order mark accepted, nesting bounded, duplicate keys refused.
 */
import { type ParseError, parse as parseTolerant, printParseErrorCode } from 'jsonc-parser';
import { InputError } from '../errors.js';
import { formatJsonPath } from '../messages/jsonPath.js';
import { findDuplicateKey, findTooDeep, MAX_JSON_DEPTH } from './jsonStructure.js';
import { READ_LIMITS, readNulFreeTextFile } from './readFile.js';

/** Line and column (1-based) of a character offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

const READABLE_ERRORS: Record<string, string> = {
  ValueExpected: 'a value was expected',
  PropertyNameExpected: 'a property name in double quotes was expected (no trailing commas in JSON)',
  CommaExpected: 'a comma was expected',
  ColonExpected: 'a colon was expected',
  CloseBraceExpected: 'a closing } was expected',
  CloseBracketExpected: 'a closing ] was expected',
  EndOfFileExpected: 'nothing may follow the JSON value',
  InvalidCommentToken: 'JSON has no comments',
  InvalidSymbol: 'unexpected character',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfComment: 'a comment is not closed',
  InvalidNumberFormat: 'malformed number',
};

/**
 * Where and why text that JSON.parse refused is not JSON (undefined if the tolerant parser finds
 * nothing wrong). Node's message carries no position, so a tolerant parser (jsonc-parser, the one VS
 * Code uses) locates the first error. Its parse is recursive: call this only on text whose nesting
 * findTooDeep has bounded.
 */
export function locateSyntaxError(text: string): { readonly offset: number; readonly reason: string } | undefined {
  const errors: ParseError[] = [];
  parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first === undefined) return undefined;
  const code = printParseErrorCode(first.error);
  return { offset: first.offset, reason: READABLE_ERRORS[code] ?? code };
}

/**
 * Parses strict JSON. JSON.parse decides validity; on failure a tolerant parser (jsonc-parser, the
 * one VS Code uses) locates the first error, since Node's message carries no position.
 */
export function parseJsonText(rawText: string, file: string): unknown {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  // Before anything recursive sees the text (the error locator below, the schema validator after).
  const tooDeep = findTooDeep(text);
  if (tooDeep !== undefined) {
    const where = lineAndColumn(text, tooDeep.offset);
    throw new InputError(
      `JSON nested deeper than ${MAX_JSON_DEPTH} levels; npusim files need far fewer`,
      file,
      `${where.line}:${where.column}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const first = locateSyntaxError(text);
    if (first === undefined) throw new InputError(`not valid JSON (${(error as Error).message})`, file);
    const where = lineAndColumn(text, first.offset);
    throw new InputError(`not valid JSON: ${first.reason}`, file, `${where.line}:${where.column}`);
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) {
    const first = lineAndColumn(text, duplicate.firstOffset);
    const second = lineAndColumn(text, duplicate.secondOffset);
    throw new InputError(
      `key "${duplicate.key}" is given twice in one object (line ${first.line}:${first.column} and line ${second.line}:${second.column}); JSON would keep only the last, so give it once`,
      file,
      formatJsonPath([...duplicate.path, duplicate.key]),
    );
  }
  return value;
}

export function readJsonFile(file: string, what: string): unknown {
  const text = readNulFreeTextFile(file, what, READ_LIMITS.json, (before) => {
    const where = lineAndColumn(before, before.length);
    return new InputError(
      `not valid JSON: a NUL byte, which JSON text never holds (a binary file or a device?); expected ${what}`,
      file,
      `${where.line}:${where.column}`,
    );
  });
  return parseJsonText(text, file);
}
