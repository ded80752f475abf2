/**
 * The hardware config: one JSON file describing an NPU. This zod schema is the single source of
 * truth: it validates files, gives the TypeScript type and generates the published JSON Schema.
 */
import { z } from 'zod';
import { type Dataflow, DATAFLOW_SPECS, DATAFLOWS } from '../dataflow/index.js';
import { MAX_ACCUMULATOR_BITS, MIN_ACCUMULATOR_BITS, OVERFLOW_MODES } from '../numeric/accumulator.js';
import { REQUANT_MODES } from '../numeric/requant.js';
import { ROUNDING_MODES } from '../numeric/rounding.js';
import {
  BYTES_PER_CYCLE,
  CLOCK_MHZ,
  LATENCY_CYCLES,
  MACS_PER_PE_PER_CYCLE,
  OP_CYCLES,
  OUTPUTS_PER_CYCLE,
  PICOJOULES,
  SRAM_KIB,
} from './bounds.js';
import { boundedInt, boundedNumber, elementType, source } from './common.js';

export { type Dataflow, DATAFLOWS };

export const operandModeSchema = z
  .strictObject({
    weights: elementType,
    activations: elementType,
    macsPerPePerCycle: boundedNumber(
      'MACs one PE completes per cycle in this mode (e.g. 2 for int4 on an int8 PE, 0.25 for int16 on an int8 PE)',
      MACS_PER_PE_PER_CYCLE,
    ),
  })
  .describe('an operand mode the array supports: weight and activation types and the throughput it reaches');

export const arraySchema = z
  .strictObject({
    rows: z.number().min(1).max(4096).int().describe('PE rows'),
    columns: z.number().min(1).max(4096).int().describe('PE columns'),
    dataflow: z.enum(DATAFLOWS).describe(DATAFLOWS.map((name) => `${name}: ${DATAFLOW_SPECS[name].title}`).join(', ')),
    operandModes: z.array(operandModeSchema).min(1).describe('operand modes the array supports'),
    zeroGating: z.boolean().default(false).describe('MACs with a zero operand are gated (priced separately in energy)'),
  })
  .describe('the MAC array');

export const accumulatorSchema = z
  .strictObject({
    bits: z
      .number()
      .min(MIN_ACCUMULATOR_BITS)
      .max(MAX_ACCUMULATOR_BITS)
      .int()
      .describe(`accumulator width in bits (${MIN_ACCUMULATOR_BITS}..${MAX_ACCUMULATOR_BITS}); every add happens at this width`),
    overflow: z.enum(OVERFLOW_MODES).describe('what an add that leaves the range does'),
  })
  .describe('the accumulators behind the array');

export const requantSchema = z
  .strictObject({
    mode: z.enum(REQUANT_MODES).describe('requantization mode (docs/numerics.md)'),
    unit: z
      .enum(['dedicated', 'vector'])
      .default('dedicated')
      .describe('where requantization runs: a dedicated unit at the array edge, or the vector unit'),
    rounding: z.enum(ROUNDING_MODES).optional().describe('rounding, only for the hvx and shift-only modes (library modes fix their own)'),
    shiftBias: z.number().min(-32).max(32).int().optional().describe('S-DFP exponent bias added to every shift-only shift'),
    stochasticSeed: z.number().min(0).max(Number.MAX_SAFE_INTEGER).int().optional().describe('seed of stochastic rounding'),
    outputsPerCycle: boundedInt(
      'outputs the dedicated unit requantizes per cycle (default: one per array column)',
      OUTPUTS_PER_CYCLE,
    ).optional(),
  })
  .describe('the requantization unit');

export const VECTOR_OPS = ['requant', 'relu', 'clamp', 'maxPool', 'avgPool', 'add', 'pad', 'copy'] as const;

export const vectorSchema = z
  .strictObject({
    vectorBytes: z.literal([64, 128]).describe('bytes per vector register (HVX: 64 or 128)'),
    issueSlots: z.number().min(1).max(8).int().describe('vector instructions issued per cycle'),
    opCycles: z
      .strictObject(
        Object.fromEntries(VECTOR_OPS.map((op) => [op, boundedInt(`cycles per ${op} vector instruction`, OP_CYCLES).optional()])),
      )
      .default({})
      .describe('cycles of each vector op per vector; an op left out costs 1'),
  })
  .describe('the vector unit (HVX-like)');

export const sramBankSchema = z.strictObject({
  kib: boundedNumber('capacity in KiB', SRAM_KIB),
  bytesPerCycle: boundedNumber('read/write bandwidth in bytes per cycle', BYTES_PER_CYCLE),
});

export const memorySchema = z
  .strictObject({
    sram: z
      .union([
        z.strictObject({ unified: sramBankSchema.describe('one SRAM shared by inputs, weights and outputs') }),
        z.strictObject({
          inputs: sramBankSchema.describe('input activation SRAM'),
          weights: sramBankSchema.describe('weight SRAM'),
          outputs: sramBankSchema.describe('output activation SRAM'),
        }),
      ])
      .describe('on-chip SRAM: unified, or split into inputs, weights and outputs'),
    dram: z
      .strictObject({
        bytesPerCycle: boundedNumber('DRAM bandwidth in bytes per array cycle', BYTES_PER_CYCLE),
        latencyCycles: boundedInt('cycles from a DRAM request to its first byte', LATENCY_CYCLES),
      })
      .describe('off-chip DRAM'),
    doubleBuffering: z.boolean().describe('tiles are double buffered, so DRAM transfers overlap compute'),
  })
  .describe('memories');

export const energyEntrySchema = z.strictObject({
  action: z.string().min(1).describe('the priced action, e.g. mac.s8xs8, sram.read.byte, dram.byte'),
  pJ: boundedNumber('energy per action in picojoules', PICOJOULES),
  source: source,
  scaling: z.string().optional().describe('the scaling rule applied to the source number, if any'),
});

export const energyTableSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().min(1).describe('table name, printed in every report'),
    description: z.string().optional(),
    node: z.string().optional().describe('technology node and voltage the numbers are for'),
    entries: z.array(energyEntrySchema).min(1),
  })
  .describe('a per-action energy table; every entry says where its number comes from');

export const hardwareSchema = z
  .strictObject({
    $schema: z.string().optional().describe('path or URL of this JSON Schema, for editors'),
    name: z.string().min(1).describe('name of this NPU'),
    description: z.string().optional(),
    sources: z.array(source).optional().describe('where the numbers of this config come from'),
    clockMHz: boundedNumber('clock frequency in MHz', CLOCK_MHZ),
    array: arraySchema,
    accumulator: accumulatorSchema,
    requant: requantSchema,
    vector: vectorSchema,
    memory: memorySchema,
    energy: z
      .union([
        z.strictObject({ table: z.string().min(1).describe('name of a table in configs/energy/, or a path to a table file') }),
        energyTableSchema.omit({ $schema: true }),
      ])
      .describe('the energy table: a named table file, or one written inline'),
    timing: z
      .strictObject({
        model: z.enum(['npusim', 'scalesim']).describe("npusim's own timing model, or SCALE-Sim-compatible timing"),
        interfaceBandwidth: z
          .enum(['CALC', 'USER'])
          .optional()
          .describe(
            "SCALE-Sim's InterfaceBandwidth, with model scalesim only: CALC (the default) estimates DRAM bandwidth, USER limits DRAM to memory.dram.bytesPerCycle words per cycle",
          ),
      })
      .default({ model: 'npusim' })
      .describe('which timing model to use'),
  })
  .describe('an npusim hardware config');

export type HardwareConfig = z.infer<typeof hardwareSchema>;
export type EnergyTableFile = z.infer<typeof energyTableSchema>;
