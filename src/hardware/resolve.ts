/**
 * From a hardware config as its file gives it (schema-checked by formats/) to the resolved machine:
 * the rules between fields that a schema cannot state are checked here, once, and every default is
 * filled in, so nothing downstream meets an optional field. Messages name the JSON path in the
 * config file.
 */
import { InputError } from '../errors.js';
import { type OverflowMode, REQUANT_MODES, type RequantMode, ROUNDING_MODES, type RoundingMode } from '../numeric/index.js';
import { requantSpec } from '../requant/index.js';
import { MAC_ACTIONS } from './energyActions.js';
import type { EnergyTable } from './energy.js';
import { type Dataflow, type Hardware, type Sram, type TimingModelName, VECTOR_OPS, type VectorOpName } from './model.js';
import type { TensorTypeName } from '../graph/ops.js';

/** A hardware config as its file holds it (the schema's output), without its energy table. */
export interface HardwareInput {
  readonly name: string;
  readonly clockMHz: number;
  readonly array: {
    readonly rows: number;
    readonly columns: number;
    readonly dataflow: Dataflow;
    readonly operandModes: ReadonlyArray<{
      readonly weights: TensorTypeName;
      readonly activations: TensorTypeName;
      readonly macsPerPePerCycle: number;
    }>;
    readonly zeroGating: boolean;
  };
  readonly accumulator: { readonly bits: number; readonly overflow: OverflowMode };
  readonly requant: {
    readonly mode: RequantMode;
    readonly unit: 'dedicated' | 'vector';
    readonly rounding?: RoundingMode | undefined;
    readonly shiftBias?: number | undefined;
    readonly stochasticSeed?: number | undefined;
    readonly outputsPerCycle?: number | undefined;
  };
  readonly vector: {
    readonly vectorBytes: 64 | 128;
    readonly issueSlots: number;
    readonly opCycles: Readonly<Partial<Record<VectorOpName, number | undefined>>>;
  };
  readonly memory: {
    readonly sram: Sram;
    readonly dram: { readonly bytesPerCycle: number; readonly latencyCycles: number };
    readonly doubleBuffering: boolean;
  };
  readonly timing: { readonly model: TimingModelName; readonly interfaceBandwidth?: 'CALC' | 'USER' | undefined };
}

const MODES_TAKING_ROUNDING = REQUANT_MODES.filter((mode) => requantSpec(mode).fixedRounding === undefined);
const FIXED_POINT_MODES = REQUANT_MODES.filter((mode) => requantSpec(mode).takesFixedPoint);

function checkRequant(config: HardwareInput, file: string): void {
  const { requant } = config;
  const spec = requantSpec(requant.mode);
  if (spec.fixedRounding === undefined) {
    if (requant.rounding === undefined) {
      throw new InputError(
        `missing: the ${requant.mode} mode takes a rounding; expected one of ${ROUNDING_MODES.join(', ')}`,
        file,
        '$.requant.rounding',
      );
    }
  } else if (requant.rounding !== undefined) {
    throw new InputError(
      `the ${requant.mode} mode fixes its own rounding (${spec.fixedRounding}); remove "rounding", or choose the ${MODES_TAKING_ROUNDING.join(' or ')} mode to set one`,
      file,
      '$.requant.rounding',
    );
  }
  // S-DFP's exponent bias shifts dynamic fixed point's power-of-two scales: only a fixed-point mode has them.
  if (requant.shiftBias !== undefined && !spec.takesFixedPoint) {
    throw new InputError(
      `shiftBias (S-DFP) applies to the ${FIXED_POINT_MODES.join(' or ')} mode only, not ${requant.mode}`,
      file,
      '$.requant.shiftBias',
    );
  }
  if (requant.stochasticSeed !== undefined && requant.rounding !== 'stochastic') {
    throw new InputError(
      'stochasticSeed is only used with "rounding": "stochastic"; remove it or choose stochastic rounding',
      file,
      '$.requant.stochasticSeed',
    );
  }
  if (requant.rounding === 'stochastic' && requant.stochasticSeed === undefined) {
    throw new InputError(
      'missing: stochastic rounding needs a stochasticSeed (a whole number), so that runs repeat',
      file,
      '$.requant.stochasticSeed',
    );
  }
  if (requant.outputsPerCycle !== undefined && requant.unit === 'vector') {
    throw new InputError(
      'outputsPerCycle sets the dedicated unit\'s rate; with "unit": "vector" the vector unit\'s opCycles.requant does',
      file,
      '$.requant.outputsPerCycle',
    );
  }
}

function checkOperandModes(config: HardwareInput, file: string): void {
  const seen = new Map<string, number>();
  config.array.operandModes.forEach((mode, index) => {
    const key = `${mode.weights}x${mode.activations}`;
    const earlier = seen.get(key);
    if (earlier !== undefined)
      throw new InputError(
        `operand mode ${key} is listed twice (also at operandModes[${earlier}])`,
        file,
        `$.array.operandModes[${index}]`,
      );
    seen.set(key, index);
    const bits = (type: string) => Number(type.slice(1));
    if (!(MAC_ACTIONS as readonly string[]).includes(`mac.w${bits(mode.weights)}a${bits(mode.activations)}`)) {
      throw new InputError(
        `operand mode ${key} has no MAC energy action; energy tables price ${MAC_ACTIONS.map((action) => action.slice('mac.'.length)).join(', ')} (w = weight bits, a = activation bits)`,
        file,
        `$.array.operandModes[${index}]`,
      );
    }
  });
}

/**
 * What SCALE-Sim timing (`timing.model: "scalesim"`) needs: SCALE-Sim has three separate SRAMs
 * sized in whole kB and, in USER mode, a whole number of DRAM words per cycle.
 */
function checkTiming(config: HardwareInput, file: string): void {
  const { timing } = config;
  if (timing.model !== 'scalesim') {
    if (timing.interfaceBandwidth !== undefined)
      throw new InputError('interfaceBandwidth is a SCALE-Sim setting: it needs "model": "scalesim"', file, '$.timing.interfaceBandwidth');
    return;
  }
  const sram = config.memory.sram;
  if ('unified' in sram) {
    throw new InputError(
      'SCALE-Sim timing needs split SRAM (inputs, weights, outputs): SCALE-Sim models separate IFMAP, FILTER and OFMAP SRAMs',
      file,
      '$.memory.sram',
    );
  }
  for (const operand of ['inputs', 'weights', 'outputs'] as const) {
    const kib = sram[operand].kib;
    if (!Number.isInteger(kib))
      throw new InputError(
        `SCALE-Sim timing needs whole KiB for each SRAM (SCALE-Sim's *SramSzkB are integers), got ${kib}`,
        file,
        `$.memory.sram.${operand}.kib`,
      );
  }
  const dram = config.memory.dram.bytesPerCycle;
  if (timing.interfaceBandwidth === 'USER' && !Number.isInteger(dram)) {
    throw new InputError(
      `SCALE-Sim's USER bandwidth is a whole number of words per cycle, got ${dram} bytes per cycle`,
      file,
      '$.memory.dram.bytesPerCycle',
    );
  }
}

/** Checks the rules between fields; `file` names the config in messages. */
export function checkHardwareRules(config: HardwareInput, file: string): void {
  checkRequant(config, file);
  checkOperandModes(config, file);
  checkTiming(config, file);
}

/** The resolved machine of a schema-checked config and its (resolved) energy table. */
export function resolveHardware(config: HardwareInput, file: string, energy: EnergyTable): Hardware {
  checkHardwareRules(config, file);
  const { requant } = config;
  const opCycles = Object.fromEntries(VECTOR_OPS.map((op) => [op, config.vector.opCycles[op] ?? 1])) as Record<VectorOpName, number>;
  return {
    file,
    name: config.name,
    clockMHz: config.clockMHz,
    array: {
      rows: config.array.rows,
      columns: config.array.columns,
      dataflow: config.array.dataflow,
      operandModes: config.array.operandModes.map(({ weights, activations, macsPerPePerCycle }) => ({
        weights,
        activations,
        macsPerPePerCycle,
      })),
      zeroGating: config.array.zeroGating,
    },
    accumulator: { bits: config.accumulator.bits, overflow: config.accumulator.overflow },
    requant: {
      mode: requant.mode,
      spec: requantSpec(requant.mode),
      unit: requant.unit,
      rounding: requant.rounding,
      shiftBias: requant.shiftBias ?? 0,
      stochasticSeed: requant.stochasticSeed,
      outputsPerCycle: requant.outputsPerCycle ?? config.array.columns,
    },
    vector: { vectorBytes: config.vector.vectorBytes, issueSlots: config.vector.issueSlots, opCycles },
    memory: { sram: config.memory.sram, dram: { ...config.memory.dram }, doubleBuffering: config.memory.doubleBuffering },
    energy,
    timing: { model: config.timing.model, interfaceBandwidth: config.timing.interfaceBandwidth ?? 'CALC' },
  };
}
