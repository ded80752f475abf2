/**
 * What a graph needs from the machine it runs on, checked once before lowering: operand modes the
 * array supports, ops and outputs the requantization mode defines (its spec, src/requant/), and
 * numerics the engine can compute exactly under it (./numerics.ts). Whether each layer's tiles fit
 * the SRAM is the lowering's question (src/lower/schedule.ts).
 */
import { InputError } from '../errors.js';
import type { Graph, Tensor } from '../graph/model.js';
import type { GraphOp } from '../graph/ops.js';
import { formatJsonPath } from '../messages/jsonPath.js';
import { type RequantSetting, requantSpec } from '../requant/index.js';
import { type Hardware, requantSettingOf } from './model.js';
import { checkGraphNumerics } from './numerics.js';

/** Throws InputError (naming the graph file and op) when the graph cannot run on the machine. */
export function checkGraphOnHardware(graph: Graph, hardware: Hardware): void {
  const modes = hardware.array.operandModes.map((mode) => `${mode.weights}x${mode.activations}`);
  graph.ops.forEach((op, index) => {
    if (!('weights' in op)) return;
    const weights = graph.tensors.get(op.weights);
    const input = graph.tensors.get(op.input);
    if (weights === undefined || input === undefined) return;
    const mode = `${weights.type.name}x${input.type.name}`;
    if (!modes.includes(mode)) {
      throw new InputError(
        `${op.op} "${op.name}" needs operand mode ${mode} (${weights.type.name} weights x ${input.type.name} activations), which the array of ${hardware.file} does not support; its modes are ${modes.join(', ')}`,
        graph.file,
        formatJsonPath(['ops', index]),
      );
    }
  });
  checkGraphForRequant(graph, requantSettingOf(hardware), ` of ${hardware.file}`);
}

/**
 * The rules that depend on the requantization setting alone: the zoo checks every network it
 * writes against them. `whose` names where the mode comes from in messages (" of hw.json"), or is
 * empty.
 */
export function checkGraphForRequant(graph: Graph, setting: RequantSetting, whose = ''): void {
  // A sweep checks one graph on hundreds of machines that differ in everything but this setting,
  // and the numerics rules visit every channel: a graph passes each setting once.
  const key = JSON.stringify(setting);
  const passed = passedSettings.get(graph);
  if (passed?.has(key) === true) return;
  checkForRequant(graph, setting, whose);
  if (passed === undefined) passedSettings.set(graph, new Set([key]));
  else passed.add(key);
}

/** The settings each graph has passed checkGraphForRequant() under (graphs are not changed once resolved). */
const passedSettings = new WeakMap<Graph, Set<string>>();

function checkForRequant(graph: Graph, setting: RequantSetting, whose: string): void {
  const spec = requantSpec(setting.mode);
  graph.ops.forEach((op, index) => {
    checkVectorOp(graph, op, index, setting);
    if (spec.outputTypes !== undefined && op.op !== 'reshape') {
      const output = graph.tensors.get(op.output);
      if (output !== undefined && !spec.outputTypes.accepts(output.type)) {
        throw new InputError(
          `the ${setting.mode} requantization mode${whose} produces ${spec.outputTypes.describe}`,
          graph.file,
          `${formatJsonPath(['ops', index])}.output`,
        );
      }
    }
  });
  checkGraphNumerics(graph, setting);
}

function sameQuantization(a: Tensor, b: Tensor): boolean {
  return a.type.name === b.type.name && JSON.stringify(a.quant) === JSON.stringify(b.quant);
}

function unpadded(padding: Extract<GraphOp, { op: 'avg_pool' }>['padding']): boolean {
  return padding === 'valid' || (typeof padding === 'object' && Object.values(padding).every((side) => side === 0));
}

/**
 * What the vector unit's ops need under the mode (docs/numerics.md, section 8): ops that move
 * values without rescaling keep the input's type and quantization; average pooling keeps it where
 * the mode averages in the input's quantization, and is defined for the windows the mode defines;
 * Add takes the input widths the mode's kernel takes.
 */
function checkVectorOp(graph: Graph, op: GraphOp, index: number, setting: RequantSetting): void {
  const { mode } = setting;
  const spec = requantSpec(mode);
  const path = formatJsonPath(['ops', index]);
  const output = graph.tensors.get(op.output);
  if (output === undefined) return;
  const pooling = op.op === 'avg_pool' || op.op === 'global_avg_pool';
  if (
    op.op === 'reshape' ||
    op.op === 'pad' ||
    op.op === 'max_pool' ||
    op.op === 'transpose' ||
    (pooling && spec.averagePool.keepsQuantization)
  ) {
    const input = graph.tensors.get(op.input);
    if (input !== undefined && !sameQuantization(input, output)) {
      const why = pooling ? `the ${mode} mode averages in the input's quantization` : `${op.op} moves values without rescaling them`;
      throw new InputError(
        `${op.op} "${op.name}": ${why}; give the output the input's type and quantization (${input.type.name}, ${JSON.stringify(input.quant)})`,
        graph.file,
        `${path}.output`,
      );
    }
  }
  if (op.op === 'avg_pool' && spec.averagePool.windows === 'whole-image') {
    const input = graph.tensors.get(op.input);
    const [, height = 1, width = 1] = input?.shape ?? [];
    if (op.filter[0] !== height || op.filter[1] !== width || !unpadded(op.padding)) {
      throw new InputError(
        `avg_pool "${op.name}": the ${mode} mode models onnxruntime's QLinearGlobalAveragePool, not its windowed QLinearAveragePool (no conformance data for it); use a window of the whole ${height}x${width} image without padding, or global_avg_pool`,
        graph.file,
        path,
      );
    }
  }
  const widest = spec.add.maxInputBits;
  if (op.op === 'add' && widest !== undefined) {
    for (const [slot, name] of op.inputs.entries()) {
      const input = graph.tensors.get(name);
      if (input !== undefined && input.type.bits > widest) {
        throw new InputError(
          `add "${op.name}": the ${mode} mode's Add takes inputs of up to ${widest} bits (${widest === 8 ? "TFLite's and onnxruntime's 8-bit kernels" : "TFLite's int8 and int16 kernels"}), not ${input.type.name}; use shift-only for wider adds`,
          graph.file,
          `${path}.inputs[${slot}]`,
        );
      }
    }
  }
}
