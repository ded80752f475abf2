/** The table beside every chart: the exact numbers the chart draws, as the report files hold them. */
import { escapeHtml } from './escape.js';

export type TableCell = string | number | boolean | null;

export interface HtmlTable {
  readonly caption?: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly TableCell[])[];
}

/** A number exactly as JSON writes it (no rounding: the table is where the exact figure is read). */
export function cellText(cell: TableCell): string {
  if (cell === null) return '';
  return String(cell);
}

export function tableHtml(table: HtmlTable): string {
  const numeric = table.columns.map((_, column) => table.rows.some((row) => typeof row[column] === 'number'));
  const head = table.columns.map((column, index) => `<th${numeric[index] ? ' class="n"' : ''}>${escapeHtml(column)}</th>`).join('');
  const body = table.rows
    .map(
      (row) =>
        `<tr>${row.map((cell, index) => `<td${numeric[index] ? ' class="n"' : ''}>${escapeHtml(cellText(cell))}</td>`).join('')}</tr>`,
    )
    .join('\n');
  const caption = table.caption === undefined ? '' : `<caption>${escapeHtml(table.caption)}</caption>`;
  return `<table>${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}
