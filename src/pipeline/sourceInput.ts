/**
 * `--input FILE.npy` for an imported model: the input in the model's own layout and dtype (an ONNX
 * model's NCHW uint8 or int8, or float32 when the model begins with QuantizeLinear, which then runs
 * as onnxruntime's MlasQuantizeLinear does), turned into the npusim input tensor (NHWC integers).
 */
import { InputError } from '../errors.js';
import { decodeNpy, decodeNpyFloat32, MAX_NPY_HEADER_BYTES } from '../formats/npy.js';
import { readUpTo } from '../formats/readFile.js';
import { type Graph, type SourceInput, typeRange } from '../graph/model.js';
import { ortQuantizeLinear } from '../numeric/index.js';

const NPY_DTYPE = { int8: '|i1', uint8: '|u1', float32: '<f4' } as const;

/** Values in source order, moved to npusim's order: npusim axis i is source axis permutation[i]. */
function permute(values: ArrayLike<number>, source: SourceInput, target: readonly number[]): Int32Array {
  const sourceStrides = source.shape.map((_, axis) => source.shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  const out = new Int32Array(values.length);
  const index = new Array<number>(target.length).fill(0);
  for (let flat = 0; flat < out.length; flat += 1) {
    let from = 0;
    for (let axis = 0; axis < target.length; axis += 1) from += (index[axis] ?? 0) * (sourceStrides[source.permutation[axis] ?? axis] ?? 0);
    out[flat] = values[from] ?? 0;
    for (let axis = target.length - 1; axis >= 0; axis -= 1) {
      index[axis] = (index[axis] ?? 0) + 1;
      if ((index[axis] ?? 0) < (target[axis] ?? 1)) break;
      index[axis] = 0;
    }
  }
  return out;
}

/** The first input of an imported graph from a .npy in the source model's terms. */
export function sourceNpyInput(file: string, graph: Graph, source: SourceInput): Map<string, Int32Array> {
  const tensor = graph.tensors.get(source.tensor);
  if (tensor === undefined) throw new InputError(`the graph has no input "${source.tensor}"`, graph.file);
  const count = source.shape.reduce((a, b) => a * b, 1);
  const expected = `shape (${source.shape.join(', ')}) of ${source.dtype} (${NPY_DTYPE[source.dtype]}), as model input "${source.source}" needs`;
  const width = source.dtype === 'float32' ? 4 : 1;
  const { bytes, truncated } = readUpTo(file, 12 + MAX_NPY_HEADER_BYTES + count * width, 'a .npy file');
  if (truncated) throw new InputError(`holds more bytes than a .npy of ${expected}`, file);
  const decoded = source.dtype === 'float32' ? decodeNpyFloat32(bytes, file) : decodeNpy(bytes, file);
  const sameShape = decoded.shape.length === source.shape.length && decoded.shape.every((size, axis) => size === source.shape[axis]);
  if (!sameShape || decoded.dtype !== NPY_DTYPE[source.dtype])
    throw new InputError(
      `holds shape (${decoded.shape.join(', ')}) of ${decoded.dtype}; expected ${expected} (the model's own layout)`,
      file,
    );
  const { min, max } = typeRange(tensor.type);
  let integers: ArrayLike<number>;
  if (source.quantizeLinear !== undefined) {
    const { scale, zeroPoint } = source.quantizeLinear;
    const floats = decoded.values;
    const nan = Array.prototype.findIndex.call(floats, (value: number) => Number.isNaN(value));
    if (nan >= 0) throw new InputError(`value at index ${nan} is NaN, which QuantizeLinear leaves undefined`, file);
    integers = Int32Array.from(floats, (value) => ortQuantizeLinear(value, scale, zeroPoint, min, max));
  } else {
    integers = decoded.values;
    const outside = Array.prototype.findIndex.call(integers, (value: number) => value < min || value > max);
    if (outside >= 0)
      throw new InputError(
        `value ${integers[outside]} at index ${outside} is outside the input's ${tensor.type.name} range ${min}..${max}`,
        file,
      );
  }
  return new Map([[source.tensor, permute(integers, source, tensor.shape)]]);
}
