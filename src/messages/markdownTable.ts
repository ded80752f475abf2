/**
 * Markdown for the docs tables generated from specs: a table, and the block of a docs file between
 * `<!-- name:begin -->` and `<!-- name:end -->` that holds one (npm run docs:tables writes
 * them, test/docs/specTables.test.ts checks them).
 */

export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

function markers(name: string): { begin: string; end: string } {
  return { begin: `<!-- ${name}:begin -->`, end: `<!-- ${name}:end -->` };
}

/** Where the block's content lies in `text` (between the marker lines), or undefined without both markers. */
function blockSpan(text: string, name: string): { start: number; end: number } | undefined {
  const { begin, end } = markers(name);
  const beginAt = text.indexOf(begin);
  const endAt = text.indexOf(end, beginAt);
  if (beginAt < 0 || endAt < 0) return undefined;
  return { start: beginAt + begin.length, end: endAt };
}

/** The content of the block named `name`, without its surrounding newlines; undefined when the file has none. */
export function markedBlock(text: string, name: string): string | undefined {
  const span = blockSpan(text, name);
  return span === undefined ? undefined : text.slice(span.start, span.end).replace(/^\n+|\n+$/g, '');
}

/** `text` with the block named `name` holding `content`; throws when the file has no such block. */
export function replaceMarkedBlock(text: string, name: string, content: string): string {
  const span = blockSpan(text, name);
  if (span === undefined) throw new Error(`no ${markers(name).begin} ... ${markers(name).end} block`);
  return `${text.slice(0, span.start)}\n${content}\n${text.slice(span.end)}`;
}
