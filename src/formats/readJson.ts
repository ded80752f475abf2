/** Reading a JSON file with errors that point at the file, line and column. */
import { readFileSync } from 'node:fs';
import { type ParseError, parse as parseTolerant, printParseErrorCode } from 'jsonc-parser';
import { InputError } from '../errors.js';

export function readTextFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? `no such file (expected ${what})` : code === 'EISDIR' ? `is a directory, expected ${what}` : `cannot be read (${code ?? (error as Error).message})`;
    throw new InputError(reason, file);
  }
}

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
 * Parses strict JSON. JSON.parse decides validity; on failure a tolerant parser (jsonc-parser, the
 * one VS Code uses) locates the first error, since Node's message carries no position.
 */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const errors: ParseError[] = [];
    parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    if (first === undefined) throw new InputError(`not valid JSON (${(error as Error).message})`, file);
    const code = printParseErrorCode(first.error);
    const where = lineAndColumn(text, first.offset);
    throw new InputError(`not valid JSON: ${READABLE_ERRORS[code] ?? code}`, file, `${where.line}:${where.column}`);
  }
}

export function readJsonFile(file: string, what: string): unknown {
  return parseJsonText(readTextFile(file, what), file);
}
