/**
 * The traffic stage: the bytes a layer moves between DRAM, SRAM and the array (docs/cycle-model.md,
 * section 3.2). An array layer reads its weights and input once per reuse its dataflow's fold order
 * implies (the spec's `rereads`), from DRAM only when they do not stay in SRAM; K folds spill partial
 * sums to SRAM and back. Which activations stay on chip between layers is the residency's.
 */
import { dataflowSpec } from '../dataflow/index.js';
import type { Tensor } from '../graph/model.js';
import { elementCount } from '../graph/shapes.js';
import type { Hardware, SramBudget } from '../hardware/model.js';
import { type MappedArrayLayer, nominalMacs } from './mapping.js';
import { type Residency, tensorBytes } from './residency.js';
import type { TilePlan } from './tiling.js';

export interface Traffic {
  readonly dramReadBytes: number;
  readonly dramWriteBytes: number;
  readonly sramReadBytes: number;
  readonly sramWriteBytes: number;
  /** DRAM transfers (one per tile). The timing model pays the DRAM latency once per layer, not per transfer. */
  readonly dramTransfers: number;
}

export interface LayerTraffic {
  readonly traffic: Traffic;
  /** Inputs read from on-chip SRAM because the layer producing them kept them there. */
  readonly residentInputs: readonly string[];
  /** Whether the output stays on chip for the next layer. */
  readonly outputResident: boolean;
}

export function arrayTraffic(
  layer: MappedArrayLayer,
  tiling: TilePlan,
  hardware: Hardware,
  budget: SramBudget,
  residency: Residency,
): LayerTraffic {
  const { mapping, geometry, input, weights, output } = layer;
  const outputs = elementCount(output.shape);
  const accumulatorBytes = Math.ceil(hardware.accumulator.bits / 8);
  const rereads = dataflowSpec(mapping.dataflow).rereads(mapping);
  const weightBytes = tensorBytes(weights);
  const weightsFit = weightBytes <= budget.weights;
  // The input's windows, im2col style: every MAC of one filter reads one input element.
  const streamedInputBytes = Math.ceil((nominalMacs(layer.gemm) / Math.max(1, geometry.groupOutputs)) * (input.type.bits / 8));
  const partialSumBytes = mapping.kFold !== undefined ? (mapping.rowFolds - 1) * outputs * accumulatorBytes : 0;
  const residentInputs = residency.has(input) ? [input.name] : [];
  const dramReadBytes = weightBytes * (weightsFit ? 1 : rereads.weights) + residency.inputDramBytes(input, rereads.inputs);
  const outputResident = residency.keepOutput(output);
  return {
    traffic: {
      dramReadBytes,
      dramWriteBytes: outputResident ? 0 : tensorBytes(output),
      sramReadBytes: weightBytes * rereads.weights + streamedInputBytes + partialSumBytes,
      sramWriteBytes: tensorBytes(output) + partialSumBytes,
      dramTransfers: tiling.tiles,
    },
    residentInputs,
    outputResident,
  };
}

/** A vector layer reads each input and writes its output once; a reshape moves nothing inside the chip. */
export function vectorTraffic(inputs: readonly Tensor[], output: Tensor, reshape: boolean, residency: Residency): LayerTraffic {
  const readBytes = inputs.reduce((total, tensor) => total + tensorBytes(tensor), 0);
  const residentInputs = inputs.filter((tensor) => residency.has(tensor)).map((tensor) => tensor.name);
  const dramReadBytes = inputs.reduce((total, tensor) => total + residency.inputDramBytes(tensor, 1), 0);
  const outputResident = residency.keepOutput(output);
  return {
    traffic: {
      dramReadBytes,
      dramWriteBytes: outputResident ? 0 : tensorBytes(output),
      sramReadBytes: reshape ? 0 : readBytes,
      sramWriteBytes: reshape ? 0 : tensorBytes(output),
      dramTransfers: 1,
    },
    residentInputs,
    outputResident,
  };
}
