/**
 * A classifier's answer beside the report: the K largest values of an output tensor, with their
 * class names when known. Ties go to the lower index, as argmax and TFLite's examples take them.
 */
export interface TopClass {
  readonly index: number;
  /** The exact integer the graph wrote. */
  readonly value: number;
  /** scale * (value - zeroPoint); null when the output has no scale. */
  readonly real: number | null;
  /** null when the labels do not name the index. */
  readonly label: string | null;
}

export interface OutputQuantization {
  readonly scale: number | undefined;
  readonly zeroPoint: number;
}

export function topClasses(
  values: Int32Array,
  count: number,
  quantization: OutputQuantization,
  labels: readonly string[] | undefined,
): TopClass[] {
  const order = Array.from(values.keys()).sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
  return order.slice(0, count).map((index) => {
    const value = values[index] as number;
    return {
      index,
      value,
      real: quantization.scale === undefined ? null : quantization.scale * (value - quantization.zeroPoint),
      label: labels?.[index] ?? null,
    };
  });
}

/** The lines printed after the report: rank, index, class name, integer value and real value. */
export function topClassesText(output: string, classes: readonly TopClass[], labelCount: number | undefined, size: number): string {
  const note =
    labelCount !== undefined && labelCount !== size ? ` (the labels name ${labelCount} classes, the output has ${size} values)` : '';
  const lines = classes.map((entry, rank) => {
    const real = entry.real === null ? '' : `  (${Number(entry.real.toPrecision(6))})`;
    const label = entry.label === null ? '' : ` ${entry.label}`;
    return `  ${rank + 1}. ${entry.index}${label}: ${entry.value}${real}`;
  });
  return `top ${classes.length} of output "${output}"${note}:\n${lines.join('\n')}\n`;
}
