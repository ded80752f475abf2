/** Numbers as messages show them. */

/** Six significant digits, exponent form when very large or small: 0.05, 1.25e8, 5e-7. */
export function formatReal(value: number): string {
  const rounded = Number(value.toPrecision(6));
  const magnitude = Math.abs(rounded);
  if (magnitude !== 0 && (magnitude >= 1e6 || magnitude < 1e-4)) return rounded.toExponential().replace('e+', 'e');
  return String(rounded);
}

/** "inputs 0.1 and 0.2, output 0.3": the scales of an Add. */
export function addScales(a: { readonly scale: number }, b: { readonly scale: number }, output: { readonly scale: number }): string {
  return `inputs ${formatReal(a.scale)} and ${formatReal(b.scale)}, output ${formatReal(output.scale)}`;
}
