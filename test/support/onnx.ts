/**
 * Building ONNX models in memory (onnx-proto) and running them in onnxruntime-node on the CPU, for
 * the tests that compare npusim with onnxruntime: initializers, value infos, attributes, a model's
 * bytes, and a session with every QDQ group fused (session.qdqisint8allowed) whose optimized model
 * can be read back to check that no float compute op is left.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';

const require = createRequire(import.meta.url);
// onnxruntime-node is a CommonJS dev dependency; a missing install fails here, loudly.
export const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
export const { onnx } = onnxProto;
export const DataType = onnx.TensorProto.DataType;

export type Node = onnxProto.onnx.INodeProto;
export type Initializer = onnxProto.onnx.ITensorProto;
export type ValueInfo = onnxProto.onnx.IValueInfoProto;

export function initializer(name: string, dataType: number, dims: readonly number[], data: ArrayLike<number>): Initializer {
  const typed =
    dataType === DataType.UINT8
      ? Uint8Array.from(data)
      : dataType === DataType.INT8
        ? Int8Array.from(data)
        : dataType === DataType.INT32
          ? Int32Array.from(data)
          : dataType === DataType.INT64
            ? BigInt64Array.from(Array.from(data, (value) => BigInt(value)))
            : Float32Array.from(data);
  return { name, dataType, dims: [...dims], rawData: new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength) };
}

export function valueInfo(name: string, elemType: number, dims: readonly number[]): ValueInfo {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } } };
}

export const attribute = {
  ints: (name: string, ints: readonly number[]) => ({ name, type: 7, ints: [...ints] }),
  int: (name: string, i: number) => ({ name, type: 2, i }),
  float: (name: string, f: number) => ({ name, type: 1, f }),
  string: (name: string, s: string) => ({ name, type: 3, s: new TextEncoder().encode(s) }),
};

export interface ModelSpec {
  readonly nodes: readonly Node[];
  readonly initializers: readonly Initializer[];
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly opset?: number;
  readonly name?: string;
}

export function modelBytes(spec: ModelSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [
      { domain: '', version: spec.opset ?? 13 },
      { domain: 'com.microsoft', version: 1 },
    ],
    graph: {
      name: spec.name ?? 'g',
      node: [...spec.nodes],
      initializer: [...spec.initializers],
      input: [...spec.inputs],
      output: [...spec.outputs],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

export interface OrtTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: number[];
}

export interface OrtRun {
  readonly outputs: Record<string, OrtTensor>;
  /** The op types of the model onnxruntime ran, after its graph optimizations. */
  readonly optimizedOps: string[];
}

export interface OrtOptions {
  /** 'disabled' runs the ops as written; 'all' (onnxruntime's default) fuses QDQ groups. */
  readonly level: 'disabled' | 'all';
}

/** Runs a model on onnxruntime's CPU EP with every QDQ group allowed to fuse into its int8 kernel. */
export async function runOrt(
  bytes: Uint8Array,
  feeds: Record<string, { type: 'uint8' | 'int8' | 'float32'; data: ArrayLike<number>; dims: readonly number[] }>,
  options: OrtOptions,
): Promise<OrtRun> {
  const folder = mkdtempSync(join(tmpdir(), 'npusim-ort-'));
  const optimized = join(folder, 'optimized.onnx');
  try {
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: options.level,
      optimizedModelFilePath: optimized,
      // One thread that never spins: the suite runs two test files at once on two cores, and
      // onnxruntime's pool (a thread per core, spinning between ops) took CPU from the other one.
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      extra: { session: { qdqisint8allowed: '1', intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
      logSeverityLevel: 3,
    });
    const inputs: Record<string, import('onnxruntime-node').Tensor> = {};
    for (const [name, feed] of Object.entries(feeds)) {
      const data =
        feed.type === 'uint8'
          ? Uint8Array.from(feed.data)
          : feed.type === 'int8'
            ? Int8Array.from(feed.data)
            : Float32Array.from(feed.data);
      inputs[name] = new ort.Tensor(feed.type, data, [...feed.dims]);
    }
    const result = await session.run(inputs);
    const outputs: Record<string, OrtTensor> = {};
    for (const [name, tensor] of Object.entries(result))
      outputs[name] = { type: tensor.type, dims: [...tensor.dims], data: Array.from(tensor.data as ArrayLike<number>) };
    await session.release();
    const model = onnx.ModelProto.decode(readFileSync(optimized));
    return { outputs, optimizedOps: (model.graph?.node ?? []).map((node) => node.opType ?? '') };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Float compute ops: none may be left once every QDQ group has fused (the model's own input Q and output DQ aside). */
export const FLOAT_COMPUTE_OPS = [
  'Conv',
  'Gemm',
  'MatMul',
  'Add',
  'AveragePool',
  'GlobalAveragePool',
  'Concat',
  'Relu',
  'Clip',
  'FusedConv',
  'FusedGemm',
  'FusedMatMul',
];
