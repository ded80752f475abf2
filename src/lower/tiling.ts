/**
 * Tiles (the chain's second stage): how much of a fold's temporal stream one pass keeps in SRAM. A
 * fold holds its stationary block (one fold of weights, outputs or inputs) and streams T steps; a
 * tile is a run of consecutive
 * steps whose streamed operand and produced outputs fit the SRAM beside that block, twice over when
 * the memory is double buffered (one tile computing while the next loads). npusim takes the longest
 * run that fits (docs/cycle-model.md, section 3).
 */
import { dataflowSpec, type TileDemand } from '../dataflow/index.js';
import { InputError } from '../errors.js';
import { type Hardware, type SramBudget, sramBudget } from '../hardware/model.js';
import { type MappedArrayLayer, type Mapping, rowsPerFold } from './mapping.js';
import type { LayerSite } from './site.js';

export { type SramBudget, sramBudget };

export type { TileDemand };

export interface TilePlan {
  /** Temporal steps one tile streams (the whole fold when it fits). */
  readonly stepsPerTile: number;
  readonly tilesPerFold: number;
  readonly tiles: number;
  /** Bytes one tile occupies in each SRAM, both buffers counted when double buffered. */
  readonly bytes: { readonly inputs: number; readonly weights: number; readonly outputs: number };
  readonly budget: SramBudget;
  readonly doubleBuffered: boolean;
}

export interface OperandBits {
  readonly weightBits: number;
  readonly activationBits: number;
  readonly outputBits: number;
  readonly accumulatorBits: number;
}

/**
 * What one fold keeps on chip, as its dataflow's spec says. The block is the part of the array the
 * fold uses (rows x columns, groups packed included); partial sums are kept at the accumulator's width.
 */
export function tileDemand(mapping: Mapping, rows: number, columns: number, bits: OperandBits): TileDemand {
  const foldRows = rowsPerFold(mapping, rows);
  return dataflowSpec(mapping.dataflow).tileDemand({
    rows: Math.min(mapping.rowsDemand * mapping.groupsPerFold, foldRows),
    columns: Math.min(mapping.columnsDemand * mapping.groupsPerFold, columns),
    weightBytes: bits.weightBits / 8,
    activationBytes: bits.activationBits / 8,
    outputBytes: bits.outputBits / 8,
    partialSumBytes: Math.ceil(bits.accumulatorBits / 8),
  });
}

const OPERANDS = ['inputs', 'weights', 'outputs'] as const;

/** The longest run of steps that fits, or undefined when not even one step fits beside the block. */
export function planTiles(mapping: Mapping, demand: TileDemand, budget: SramBudget, doubleBuffered: boolean): TilePlan | undefined {
  const buffers = doubleBuffered ? 2 : 1;
  const steps = mapping.temporalLength;
  const bytesFor = (run: number) => ({
    inputs: Math.ceil(buffers * (demand.fixed.inputs + run * demand.perStep.inputs)),
    weights: Math.ceil(buffers * (demand.fixed.weights + run * demand.perStep.weights)),
    outputs: Math.ceil(buffers * (demand.fixed.outputs + run * demand.perStep.outputs)),
  });
  const fits = (run: number): boolean => {
    const bytes = bytesFor(run);
    if (budget.unified) return bytes.inputs + bytes.weights + bytes.outputs <= budget.inputs;
    return OPERANDS.every((operand) => bytes[operand] <= budget[operand]);
  };
  if (!fits(1)) return undefined;
  // fits() is monotone in the run length: binary search the longest run.
  let low = 1;
  let high = steps;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  const tilesPerFold = Math.ceil(steps / low);
  return { stepsPerTile: low, tilesPerFold, tiles: tilesPerFold * mapping.folds, bytes: bytesFor(low), budget, doubleBuffered };
}

/**
 * The tile stage: the tiles of a mapped layer in the machine's SRAM. Throws InputError, naming the
 * bytes each SRAM needed, when not even one step of one fold fits.
 */
export function tileLayer(layer: MappedArrayLayer, hardware: Hardware, budget: SramBudget, site: LayerSite): TilePlan {
  const { op, mapping, input, weights, output } = layer;
  const { rows, columns } = hardware.array;
  const bits = {
    weightBits: weights.type.bits,
    activationBits: input.type.bits,
    outputBits: output.type.bits,
    accumulatorBits: hardware.accumulator.bits,
  };
  const demand = tileDemand(mapping, rows, columns, bits);
  const tiling = planTiles(mapping, demand, budget, hardware.memory.doubleBuffering);
  if (tiling !== undefined) return tiling;
  const holds = budget.unified
    ? `the unified SRAM holds ${budget.inputs}`
    : `the SRAMs hold ${budget.weights}, ${budget.inputs} and ${budget.outputs}`;
  throw new InputError(
    `${op.op} "${op.name}" cannot be tiled into the memory of ${hardware.file}: one step of one fold needs ${Math.ceil(demand.fixed.weights + demand.perStep.weights)} bytes of weights, ${Math.ceil(demand.fixed.inputs + demand.perStep.inputs)} of inputs and ${Math.ceil(demand.fixed.outputs + demand.perStep.outputs)} of outputs${hardware.memory.doubleBuffering ? ', twice over with double buffering' : ''}; ${holds}`,
    site.graphFile,
    site.path,
  );
}
