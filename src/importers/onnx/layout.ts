/**
 * NCHW (ONNX) to NHWC (npusim): where each axis goes, and the weight layouts: OIHW to OHWI for a
 * convolution, to [1, KH, KW, O] for a depthwise one, [K, N] (or [N, K]) to [N, K] for a fully
 * connected layer, with the K axis in NHWC order when its input is a flattened C x H x W tensor.
 */

/** npusim's NHWC axis i holds the NCHW axis NHWC_FROM_NCHW[i]. */
export const NHWC_FROM_NCHW = [0, 2, 3, 1] as const;
/** An NCHW axis (0..3) as its NHWC axis. */
export const NCHW_TO_NHWC_AXIS = [0, 3, 1, 2] as const;

export function nhwcShape(dims: readonly number[]): number[] {
  return NHWC_FROM_NCHW.map((axis) => dims[axis] ?? 1);
}

/** A 4-D row-major NCHW array in NHWC order. */
export function nchwToNhwc(values: ArrayLike<number>, dims: readonly number[]): Int32Array {
  const [n = 1, c = 1, h = 1, w = 1] = dims;
  const out = new Int32Array(n * c * h * w);
  for (let b = 0; b < n; b += 1)
    for (let ch = 0; ch < c; ch += 1)
      for (let y = 0; y < h; y += 1)
        for (let x = 0; x < w; x += 1) out[((b * h + y) * w + x) * c + ch] = values[((b * c + ch) * h + y) * w + x] ?? 0;
  return out;
}

/** The inverse: NHWC values of an NCHW shape back in NCHW order. */
export function nhwcToNchw(values: ArrayLike<number>, dims: readonly number[]): Int32Array {
  const [n = 1, c = 1, h = 1, w = 1] = dims;
  const out = new Int32Array(n * c * h * w);
  for (let b = 0; b < n; b += 1)
    for (let ch = 0; ch < c; ch += 1)
      for (let y = 0; y < h; y += 1)
        for (let x = 0; x < w; x += 1) out[((b * c + ch) * h + y) * w + x] = values[((b * h + y) * w + x) * c + ch] ?? 0;
  return out;
}

/** OIHW convolution weights as OHWI (the ONNX group's input channels are npusim's I). */
export function convWeights(values: readonly number[], dims: readonly number[]): number[] {
  const [o = 1, i = 1, kh = 1, kw = 1] = dims;
  const out = new Array<number>(values.length);
  for (let a = 0; a < o; a += 1)
    for (let b = 0; b < i; b += 1)
      for (let y = 0; y < kh; y += 1)
        for (let x = 0; x < kw; x += 1) out[((a * kh + y) * kw + x) * i + b] = values[((a * i + b) * kh + y) * kw + x] ?? 0;
  return out;
}

/** [C x M, 1, KH, KW] depthwise weights as [1, KH, KW, C x M]: output channel o = c x M + m in both. */
export function depthwiseWeights(values: readonly number[], dims: readonly number[]): number[] {
  const [o = 1, , kh = 1, kw = 1] = dims;
  const out = new Array<number>(values.length);
  for (let a = 0; a < o; a += 1)
    for (let y = 0; y < kh; y += 1) for (let x = 0; x < kw; x += 1) out[(y * kw + x) * o + a] = values[(a * kh + y) * kw + x] ?? 0;
  return out;
}

/** A flattened C x H x W feature axis: npusim's feature k (NHWC order) is ONNX's feature NCHW_FEATURE[k]. */
export function flattenedFeatureOrder(c: number, h: number, w: number): number[] {
  const order = new Array<number>(c * h * w);
  for (let y = 0; y < h; y += 1)
    for (let x = 0; x < w; x += 1) for (let ch = 0; ch < c; ch += 1) order[(y * w + x) * c + ch] = (ch * h + y) * w + x;
  return order;
}

/**
 * Fully connected weights [N, K] from ONNX's B ([K, N], or [N, K] with transB); `featureOrder`
 * maps npusim's k to ONNX's (identity when undefined).
 */
export function fullyConnectedWeights(
  values: readonly number[],
  dims: readonly number[],
  transB: boolean,
  featureOrder: readonly number[] | undefined,
): number[] {
  const [first = 1, second = 1] = dims;
  const [k, n] = transB ? [second, first] : [first, second];
  const out = new Array<number>(values.length);
  for (let row = 0; row < n; row += 1)
    for (let column = 0; column < k; column += 1) {
      const source = featureOrder === undefined ? column : (featureOrder[column] as number);
      out[row * k + column] = (transB ? values[row * k + source] : values[source * n + row]) ?? 0;
    }
  return out;
}
