/**
 * What a graph needs from the hardware it runs on: operand modes the array supports, ops and
 * outputs the requantization mode defines, and numerics the engine can compute exactly under it
 * (src/formats/numericDomain.ts). Whether each layer's tiles fit the SRAM is the schedule's
 * question (src/lower/schedule.ts).
 */
import { InputError } from '../errors.js';
import type { Graph, Tensor } from '../graph/model.js';
import { formatJsonPath } from './jsonPath.js';
import type { HardwareConfig } from './hardwareSchema.js';
import { checkGraphNumerics, type RequantSetting, requantSettingOf } from './numericDomain.js';

export { type RequantSetting, requantSettingOf };

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
  });
  checkGraphForRequant(graph, requantSettingOf(config), ` of ${hardwareFile}`);
}

/**
 * The rules that depend on the requantization mode alone (and the accumulator width, rounding
 * and S-DFP bias beside it): the zoo checks every network it writes against them. `whose` names
 * where the mode comes from in messages (" of hw.json"), or is empty.
 */
export function checkGraphForRequant(graph: Graph, setting: RequantSetting, whose = ''): void {
  graph.ops.forEach((op, index) => {
    const path = formatJsonPath(['ops', index]);
    checkVectorOp(graph, op, index, setting.mode);
    if (setting.mode === 'hvx' && op.op !== 'reshape') {
      const output = graph.tensors.get(op.output);
      if (output !== undefined && !output.type.signed && output.type.bits === 16) {
        throw new InputError(`the hvx requantization mode${whose} produces outputs of up to 8 bits or signed 16 bits, not u16`, graph.file, `${path}.output`);
      }
    }
  });
  checkGraphNumerics(graph, setting);
}

function sameQuantization(a: Tensor, b: Tensor): boolean {
  return a.type.name === b.type.name && JSON.stringify(a.quant) === JSON.stringify(b.quant);
}

/**
 * What the vector unit's ops need under the configured mode (docs/numerics.md, section 8): ops
 * that move values without rescaling keep the input's type and quantization; average pooling
 * averages in the input's quantization except onnxruntime's global pooling, which requantizes;
 * onnxruntime's windowed QLinearAveragePool is not modelled; the Add kernels take up to 8-bit inputs
 * except in shift-only mode.
 */
function checkVectorOp(graph: Graph, op: Graph['ops'][number], index: number, mode: RequantSetting['mode']): void {
  const path = formatJsonPath(['ops', index]);
  const output = graph.tensors.get(op.output);
  if (output === undefined) return;
  if (op.op === 'reshape' || op.op === 'pad' || op.op === 'max_pool' || ((op.op === 'avg_pool' || op.op === 'global_avg_pool') && mode !== 'ort-float')) {
    const input = graph.tensors.get(op.input);
    if (input !== undefined && !sameQuantization(input, output)) {
      const why = op.op === 'avg_pool' || op.op === 'global_avg_pool' ? `the ${mode} mode averages in the input's quantization` : `${op.op} moves values without rescaling them`;
      throw new InputError(`${op.op} "${op.name}": ${why}; give the output the input's type and quantization (${input.type.name}, ${JSON.stringify(input.quant)})`, graph.file, `${path}.output`);
    }
  }
  if (op.op === 'avg_pool' && mode === 'ort-float') {
    const input = graph.tensors.get(op.input);
    const [, height = 1, width = 1] = input?.shape ?? [];
    const whole = op.filter[0] === height && op.filter[1] === width && (op.padding === 'valid' || (typeof op.padding === 'object' && Object.values(op.padding).every((side) => side === 0)));
    if (!whole) {
      throw new InputError(
        `avg_pool "${op.name}": the ort-float mode models onnxruntime's QLinearGlobalAveragePool, not its windowed QLinearAveragePool (no conformance data for it); use a window of the whole ${height}x${width} image without padding, or global_avg_pool`,
        graph.file,
        path,
      );
    }
  }
  if (op.op === 'add' && mode !== 'shift-only') {
    for (const [slot, name] of op.inputs.entries()) {
      const input = graph.tensors.get(name);
      if (input !== undefined && input.type.bits > 8) {
        throw new InputError(`add "${op.name}": the ${mode} mode's Add takes inputs of up to 8 bits (TFLite's and onnxruntime's 8-bit kernels), not ${input.type.name}; use shift-only for wider adds`, graph.file, `${path}.inputs[${slot}]`);
      }
    }
  }
}
