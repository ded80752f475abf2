/** Output shapes of the ops, and the padding rules (TFLite SAME puts the odd extra row/column last). */

export interface Padding {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

export type PaddingSpec = 'same' | 'valid' | Padding;

/** Extent of a dilated window. */
export function effectiveWindow(kernel: number, dilation: number): number {
  return (kernel - 1) * dilation + 1;
}

/** Output size along one axis, and the padding before and after it. */
export function outputExtent(
  input: number,
  kernel: number,
  stride: number,
  dilation: number,
  padding: 'same' | 'valid' | { before: number; after: number },
): { output: number; before: number; after: number } {
  const window = effectiveWindow(kernel, dilation);
  if (padding === 'valid') return { output: Math.floor((input - window) / stride) + 1, before: 0, after: 0 };
  if (padding === 'same') {
    const output = Math.ceil(input / stride);
    const total = Math.max((output - 1) * stride + window - input, 0);
    const before = Math.floor(total / 2);
    return { output, before, after: total - before };
  }
  return {
    output: Math.floor((input + padding.before + padding.after - window) / stride) + 1,
    before: padding.before,
    after: padding.after,
  };
}

/** The spatial output [OH, OW] and the explicit padding of a windowed op over an NHWC input. */
export function windowedOutput(
  inputHeight: number,
  inputWidth: number,
  kernel: readonly [number, number],
  stride: readonly [number, number],
  dilation: readonly [number, number],
  padding: PaddingSpec,
): { height: number; width: number; padding: Padding } {
  const vertical = outputExtent(
    inputHeight,
    kernel[0],
    stride[0],
    dilation[0],
    typeof padding === 'string' ? padding : { before: padding.top, after: padding.bottom },
  );
  const horizontal = outputExtent(
    inputWidth,
    kernel[1],
    stride[1],
    dilation[1],
    typeof padding === 'string' ? padding : { before: padding.left, after: padding.right },
  );
  return {
    height: vertical.output,
    width: horizontal.output,
    padding: { top: vertical.before, bottom: vertical.after, left: horizontal.before, right: horizontal.after },
  };
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dimension) => product * dimension, 1);
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dimension, index) => dimension === b[index]);
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
