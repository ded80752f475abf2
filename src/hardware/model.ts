/**
 * The resolved machine: every field a run reads, required and checked once (src/hardware/resolve.ts),
 * with what follows from them (MACs per cycle, vector lanes, SRAM budgets). Lowering, the engine and
 * the reports read this model; only formats/ knows the file it came from.
 */
import type { TensorTypeName } from '../graph/model.js';
import type { OverflowMode, RequantMode, RoundingMode } from '../numeric/index.js';
import type { RequantModeSpec, RequantSetting } from '../requant/index.js';
import type { EnergyTable } from './energy.js';

export { type Dataflow, DATAFLOWS } from '../dataflow/index.js';
import type { Dataflow } from '../dataflow/index.js';

/** The vector unit's instructions, each with its own cycles per vector. */
export const VECTOR_OPS = ['requant', 'relu', 'clamp', 'maxPool', 'avgPool', 'add', 'pad', 'copy'] as const;
export type VectorOpName = (typeof VECTOR_OPS)[number];

export const TIMING_MODELS = ['npusim', 'scalesim'] as const;
export type TimingModelName = (typeof TIMING_MODELS)[number];

export interface OperandMode {
  readonly weights: TensorTypeName;
  readonly activations: TensorTypeName;
  /** MACs one PE completes per cycle in this mode (2 for int4 on an int8 PE, 0.25 for int16). */
  readonly macsPerPePerCycle: number;
}

export interface SramBank {
  readonly kib: number;
  readonly bytesPerCycle: number;
}

/** One SRAM shared by inputs, weights and outputs, or three. */
export type Sram = { readonly unified: SramBank } | { readonly inputs: SramBank; readonly weights: SramBank; readonly outputs: SramBank };

export interface RequantUnit {
  readonly mode: RequantMode;
  readonly spec: RequantModeSpec;
  /** The configured rounding: defined exactly when the mode takes one (hvx, shift-only). */
  readonly rounding: RoundingMode | undefined;
  /** S-DFP's exponent bias, added to every shift-only shift; 0 otherwise. */
  readonly shiftBias: number;
  /** Where requantization runs: a dedicated unit at the array's edge, or the vector unit. */
  readonly unit: 'dedicated' | 'vector';
  /** Seed of stochastic rounding: defined exactly when the rounding is stochastic. */
  readonly stochasticSeed: number | undefined;
  /** Outputs the dedicated unit requantizes per cycle (one a column unless the config says). */
  readonly outputsPerCycle: number;
}

export interface Hardware {
  /** The file the config came from (or a label such as a sweep point), for messages. */
  readonly file: string;
  readonly name: string;
  readonly clockMHz: number;
  readonly array: {
    readonly rows: number;
    readonly columns: number;
    readonly dataflow: Dataflow;
    readonly operandModes: readonly OperandMode[];
    /** MACs with a zero operand are gated (priced apart in energy). */
    readonly zeroGating: boolean;
  };
  readonly accumulator: { readonly bits: number; readonly overflow: OverflowMode };
  readonly requant: RequantUnit;
  readonly vector: {
    readonly vectorBytes: 64 | 128;
    readonly issueSlots: number;
    /** Cycles per vector of every op (1 where the config leaves one out). */
    readonly opCycles: Readonly<Record<VectorOpName, number>>;
  };
  readonly memory: {
    readonly sram: Sram;
    readonly dram: { readonly bytesPerCycle: number; readonly latencyCycles: number };
    readonly doubleBuffering: boolean;
  };
  readonly energy: EnergyTable;
  readonly timing: { readonly model: TimingModelName; readonly interfaceBandwidth: 'CALC' | 'USER' };
}

/** The requantization setting the numerics depend on. */
export function requantSettingOf(hardware: Hardware): RequantSetting {
  const { mode, rounding, shiftBias } = hardware.requant;
  return { mode, rounding, shiftBias, accumulatorBits: hardware.accumulator.bits };
}

/** The operand mode for these weight and activation types, when the array supports it. */
export function operandModeFor(hardware: Hardware, weights: TensorTypeName, activations: TensorTypeName): OperandMode | undefined {
  return hardware.array.operandModes.find((mode) => mode.weights === weights && mode.activations === activations);
}

/** MACs the whole array completes per cycle in an operand mode. */
export function macsPerCycle(hardware: Hardware, mode: OperandMode): number {
  return hardware.array.rows * hardware.array.columns * mode.macsPerPePerCycle;
}

/** Elements of `elementBits` one vector register holds. */
export function vectorLanes(hardware: Hardware, elementBits: number): number {
  return Math.floor((hardware.vector.vectorBytes * 8) / elementBits);
}

/** SRAM bytes available to each operand; one SRAM serves all three when unified. */
export interface SramBudget {
  readonly inputs: number;
  readonly weights: number;
  readonly outputs: number;
  /** One SRAM serves all three operands: the budget applies to their sum. */
  readonly unified: boolean;
}

export function sramBudget(hardware: Hardware): SramBudget {
  const sram = hardware.memory.sram;
  if ('unified' in sram) {
    const bytes = sram.unified.kib * 1024;
    return { inputs: bytes, weights: bytes, outputs: bytes, unified: true };
  }
  return { inputs: sram.inputs.kib * 1024, weights: sram.weights.kib * 1024, outputs: sram.outputs.kib * 1024, unified: false };
}

export type { RequantMode, RoundingMode };
