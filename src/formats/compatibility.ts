/**
 * What a graph needs from the hardware it runs on: operand modes the array supports and
 * requantization outputs the mode can produce. Whether each layer's tiles fit the SRAM is the
 * schedule's question (src/lower/schedule.ts).
 */
import { InputError } from '../errors.js';
import type { Graph, Tensor } from '../graph/model.js';
import { formatJsonPath } from './jsonPath.js';
import type { HardwareConfig } from './hardwareSchema.js';

/** Throws InputError (naming the graph file and op) when the graph cannot run on the hardware. */
export function checkGraphOnHardware(graph: Graph, config: HardwareConfig, hardwareFile: string): void {
  const modes = config.array.operandModes.map((mode) => `${mode.weights}x${mode.activations}`);
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
    }
    if (config.requant.mode === 'hvx' && op.op !== 'reshape') {
      const output = graph.tensors.get(op.output);
      if (output !== undefined && !output.type.signed && output.type.bits === 16) {
        throw new InputError(`the hvx requantization mode of ${hardwareFile} produces outputs of up to 8 bits or signed 16 bits, not u16`, graph.file, `${path}.output`);
      }
    }
  });
}
