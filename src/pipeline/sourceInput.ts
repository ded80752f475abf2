/**
 * `--input FILE.npy` for an imported model: the input in the model's own layout and dtype (an ONNX
 * model's NCHW uint8 or int8, or float32 when the model begins with QuantizeLinear, which then runs
 * as onnxruntime's MlasQuantizeLinear does), turned into the npusim input tensor (NHWC integers).
 */
import { InputError } from '../errors.js';
import { decodeNpy, decodeNpyFloat32, MAX_NPY_HEADER_BYTES } from '../formats/npy.js';
import { readUpTo } from '../formats/readFile.js';
import { type Graph, type SourceInput, type SourceTensor, typeRange } from '../graph/model.js';
import { ortQuantizeLinear } from '../numeric/index.js';
import { fromSourceOrder } from './sourceView.js';

const NPY_DTYPE = { int8: '|i1', uint8: '|u1', int16: '<i2', float32: '<f4' } as const;

/** One input of an imported graph from a .npy in the source model's terms (`view`: that input's SourceTensor). */
export function sourceNpyInput(file: string, graph: Graph, source: SourceInput, view: SourceTensor): Map<string, Int32Array> {
  const tensor = graph.tensors.get(source.tensor);
  if (tensor === undefined) throw new InputError(`the graph has no input "${source.tensor}"`, graph.file);
  const count = view.shape.reduce((a, b) => a * b, 1);
  const expected = `shape (${view.shape.join(', ')}) of ${source.dtype} (${NPY_DTYPE[source.dtype]}), as model input "${view.name}" needs`;
  const width = source.dtype === 'float32' ? 4 : source.dtype === 'int16' ? 2 : 1;
  const { bytes, truncated } = readUpTo(file, 12 + MAX_NPY_HEADER_BYTES + count * width, 'a .npy file');
  if (truncated) throw new InputError(`holds more bytes than a .npy of ${expected}`, file);
  const decoded = source.dtype === 'float32' ? decodeNpyFloat32(bytes, file) : decodeNpy(bytes, file);
  const sameShape = decoded.shape.length === view.shape.length && decoded.shape.every((size, axis) => size === view.shape[axis]);
  if (!sameShape || decoded.dtype !== NPY_DTYPE[source.dtype])
    throw new InputError(
      `holds shape (${decoded.shape.join(', ')}) of ${decoded.dtype}; expected ${expected} (the model's own layout)`,
      file,
    );
  const { min, max } = typeRange(tensor.type);
  let integers: Int32Array;
  if (source.quantizeLinear !== undefined) {
    const { scale, zeroPoint } = source.quantizeLinear;
    const floats = decoded.values;
    const nan = Array.prototype.findIndex.call(floats, (value: number) => Number.isNaN(value));
    if (nan >= 0) throw new InputError(`value at index ${nan} is NaN, which QuantizeLinear leaves undefined`, file);
    integers = Int32Array.from(floats, (value) => ortQuantizeLinear(value, scale, zeroPoint, min, max));
  } else {
    integers = decoded.values as Int32Array;
    const outside = Array.prototype.findIndex.call(integers, (value: number) => value < min || value > max);
    if (outside >= 0)
      throw new InputError(
        `value ${integers[outside]} at index ${outside} is outside the input's ${tensor.type.name} range ${min}..${max}`,
        file,
      );
  }
  return new Map([[source.tensor, fromSourceOrder(integers, view)]]);
}
