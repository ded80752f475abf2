/** What the pages' charts share: the schema, layer axes in file order, named marks the tests count. */
import type { TopLevelSpec } from 'vega-lite';

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export type Datum = Readonly<Record<string, string | number | boolean | null>>;

/** A layer axis in the order the network runs (data order), labels turned to fit 30+ layers. */
export function layerAxis(title = 'layer'): object {
  return { field: 'layer', type: 'ordinal', sort: null, title, axis: { labelAngle: -60, labelLimit: 120 } };
}

/** Colours in a fixed order, so a category keeps its colour from page to page. */
export const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d', '#bab0ac', '#ff9da6'];

export function categoryColour(field: string, domain: readonly string[], title: string): object {
  return { field, type: 'nominal', title, scale: { domain: [...domain], range: PALETTE.slice(0, Math.max(1, domain.length)) }, sort: null };
}

/** A chart's spec with the schema and data set; `name` names its marks (`<name>_marks` in the SVG, which the tests count). */
export function chart(spec: Record<string, unknown>): TopLevelSpec {
  return { $schema: VEGA_LITE_SCHEMA, ...spec } as unknown as TopLevelSpec;
}

/** A width that fits `count` layers at `step` pixels each, but never narrower than a readable chart. */
export function layersWidth(count: number, step = 22, minimum = 320): number {
  return Math.max(minimum, count * step);
}

/** Lines through points as two named layers (`<name>_lines`, `<name>_points`), so the tests can count both. */
export function linesWithPoints(name: string, encoding: Record<string, unknown>, data?: unknown): Record<string, unknown>[] {
  const source = data === undefined ? {} : { data };
  return [
    { name: `${name}_lines`, ...source, mark: { type: 'line' }, encoding },
    { name: `${name}_points`, ...source, mark: { type: 'point', filled: true, size: 40, tooltip: true }, encoding },
  ];
}

/** Bars per layer stacked by category in a fixed order (each datum has `layer`, the category, `order` and the value). */
export function stackedLayerBars(
  name: string,
  values: readonly Datum[],
  value: { readonly field: string; readonly title: string },
  category: { readonly field: string; readonly domain: readonly string[]; readonly title: string },
): Record<string, unknown> {
  return {
    name,
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: layerAxis(),
      y: { field: value.field, type: 'quantitative', stack: 'zero', title: value.title },
      color: categoryColour(category.field, category.domain, category.title),
      order: { field: 'order' },
    },
  };
}
