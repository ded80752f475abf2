/** A column of a tabular output: its title, its alignment, and how it reads its cell from one row. */
export interface Column<Row, Cell = string> {
  /** The title as the output prints it (units included, as in `energy_pj` or `energy uJ`). */
  readonly header: string;
  /** Where a padded or Markdown output aligns it: text left, numbers right (the default). */
  readonly align?: 'left' | 'right';
  readonly cell: (row: Row) => Cell;
}

export function headers<Row, Cell>(columns: readonly Column<Row, Cell>[]): string[] {
  return columns.map((column) => column.header);
}

export function cells<Row, Cell>(columns: readonly Column<Row, Cell>[], row: Row): Cell[] {
  return columns.map((column) => column.cell(row));
}
