/**
 * What a graph needs from the hardware it runs on: operand modes the array supports, requantization
 * outputs the mode can produce, and layers whose smallest tile fits the SRAM.
 */
import { InputError } from '../errors.js';
import type { Graph, Tensor } from '../graph/model.js';
import { formatJsonPath } from './jsonPath.js';
import type { HardwareConfig } from './hardwareSchema.js';

/** SRAM bytes available to each operand (a unified SRAM serves all three). */
export function sramBytes(config: HardwareConfig): { inputs: number; weights: number; outputs: number; unified: boolean } {
  const sram = config.memory.sram;
  if ('unified' in sram) {
    const bytes = sram.unified.kib * 1024;
    return { inputs: bytes, weights: bytes, outputs: bytes, unified: true };
  }
  return { inputs: sram.inputs.kib * 1024, weights: sram.weights.kib * 1024, outputs: sram.outputs.kib * 1024, unified: false };
}

function bytesOf(tensor: Tensor, elements: number): number {
  return Math.ceil((elements * tensor.type.bits) / 8);
}

/**
 * The smallest working set of a layer, which any tiling needs on chip at once: one fold of weights
 * (rows x columns of the array), the input rows one output row reads (KH rows of the input, all
 * columns and channels) and one output row for the fold's channels; doubled with double buffering.
 * docs/formats.md states this rule.
 */
export function minimumTileBytes(
  graph: Graph,
  opIndex: number,
  config: HardwareConfig,
): { inputs: number; weights: number; outputs: number } | undefined {
  const op = graph.ops[opIndex];
  if (op === undefined || !('weights' in op)) return undefined;
  const input = graph.tensors.get(op.input);
  const weights = graph.tensors.get(op.weights);
  const output = graph.tensors.get(op.output);
  if (input === undefined || weights === undefined || output === undefined) return undefined;
  const { rows, columns } = config.array;
  const buffers = config.memory.doubleBuffering ? 2 : 1;
  const depth = op.op === 'fully_connected' ? (weights.shape[1] ?? 1) : (weights.shape[1] ?? 1) * (weights.shape[2] ?? 1) * (op.op === 'depthwise_conv2d' ? 1 : (weights.shape[3] ?? 1));
  const outChannels = output.shape[output.shape.length - 1] ?? 1;
  const foldChannels = Math.min(outChannels, columns);
  const weightTile = bytesOf(weights, Math.min(depth, rows) * foldChannels);
  const kernelRows = op.op === 'fully_connected' ? 1 : (weights.shape[1] ?? 1);
  const inputRow = op.op === 'fully_connected' ? (weights.shape[1] ?? 1) : (input.shape[2] ?? 1) * (input.shape[3] ?? 1);
  const outputRow = op.op === 'fully_connected' ? foldChannels : (output.shape[2] ?? 1) * foldChannels;
  return {
    weights: buffers * weightTile,
    inputs: buffers * bytesOf(input, kernelRows * inputRow),
    outputs: buffers * bytesOf(output, outputRow),
  };
}

/** Throws InputError (naming the graph file and op) when the graph cannot run on the hardware. */
export function checkGraphOnHardware(graph: Graph, config: HardwareConfig, hardwareFile: string): void {
  const modes = config.array.operandModes.map((mode) => `${mode.weights}x${mode.activations}`);
  const sram = sramBytes(config);
  graph.ops.forEach((op, index) => {
    const path = formatJsonPath(['ops', index]);
    if ('weights' in op) {
      const weights = graph.tensors.get(op.weights);
      const input = graph.tensors.get(op.input);
      if (weights !== undefined && input !== undefined) {
        const mode = `${weights.type.name}x${input.type.name}`;
        if (!modes.includes(mode)) {
          throw new InputError(
            `${op.op} "${op.name}" needs operand mode ${mode} (${weights.type.name} weights x ${input.type.name} activations), which the array of ${hardwareFile} does not support; its modes are ${modes.join(', ')}`,
            graph.file,
            path,
          );
        }
      }
      const tile = minimumTileBytes(graph, index, config);
      if (tile !== undefined) {
        const parts = sram.unified
          ? [['SRAM', tile.inputs + tile.weights + tile.outputs, sram.inputs] as const]
          : ([['input SRAM', tile.inputs, sram.inputs], ['weight SRAM', tile.weights, sram.weights], ['output SRAM', tile.outputs, sram.outputs]] as const);
        for (const [name, needed, available] of parts) {
          if (needed > available) {
            throw new InputError(
              `${op.op} "${op.name}" cannot be tiled into the memory of ${hardwareFile}: its smallest tile needs ${needed} bytes of ${name}${config.memory.doubleBuffering ? ' (double buffered)' : ''}, there are ${available}`,
              graph.file,
              path,
            );
          }
        }
      }
    }
    if (config.requant.mode === 'hvx' && op.op !== 'reshape') {
      const output = graph.tensors.get(op.output);
      if (output !== undefined && !output.type.signed && output.type.bits === 16) {
        throw new InputError(`the hvx requantization mode of ${hardwareFile} produces outputs of up to 8 bits or signed 16 bits, not u16`, graph.file, `${path}.output`);
      }
    }
  });
}
