/**
 * The published schema of the JSON report (`npusim run --format json`; `npusim schema report`).
 * A zod schema, as for the input files: it types the report, checks it in the tests and generates
 * the JSON Schema in schemas/report.schema.json.
 */
import { z } from 'zod';
import { DATAFLOWS } from '../dataflow/index.js';
import { ENERGY_ACTIONS } from '../hardware/energyActions.js';
import { OVERFLOW_COUNTERS, type OverflowCounter } from '../engine/overflowCounters.js';
import { ENERGY_COMPONENTS } from '../engine/result.js';
import { MAX_ACCUMULATOR_BITS, MIN_ACCUMULATOR_BITS, OVERFLOW_MODES, REQUANT_MODES } from '../numeric/index.js';
import { REPORT_FORMAT_VERSION } from './json.js';

const count = z.int().min(0);

/** The overflow counters as zod fields, in OVERFLOW_COUNTERS order (the golden reader builds its own from this too). */
export function overflowCountsShape(descriptions: Partial<Record<OverflowCounter, string>> = {}): Record<OverflowCounter, typeof count> {
  return Object.fromEntries(
    OVERFLOW_COUNTERS.map((counter) => {
      const description = descriptions[counter];
      return [counter, description === undefined ? count : count.describe(description)];
    }),
  ) as Record<OverflowCounter, typeof count>;
}

const location = z
  .strictObject({
    output: count.describe('flat index of the output element (NHWC, row-major)'),
    k: z.int().describe('position in the accumulation order: -1 the bias, k a product, K + f the merge of fold f'),
  })
  .nullable()
  .describe("the earliest event of its kind on the schedule's clock, or null when there was none");

const energyByComponent = z.strictObject(
  Object.fromEntries(ENERGY_COMPONENTS.map((component) => [component, z.number().min(0)])) as Record<
    (typeof ENERGY_COMPONENTS)[number],
    z.ZodNumber
  >,
);

const cycles = z
  .strictObject({
    compute: count.describe('array cycles: streaming, fill/drain and stationary loads'),
    streaming: count,
    fillDrain: count,
    stationaryLoad: count,
    memoryStall: count.describe('cycles waiting for memory beyond what double buffering hides'),
    requant: count.describe('cycles of the dedicated requantization unit (requant.unit "dedicated"); 0 for vector-unit layers'),
    vector: count.describe('vector unit cycles: requantization when requant.unit is "vector", and the op of a vector-unit layer'),
    overlap: count.describe('requantization and vector cycles hidden behind the array (0 for vector-unit layers)'),
    total: count.describe('compute + memoryStall + requant + vector - overlap (docs/cycle-model.md)'),
  })
  .describe('cycles of the layer and their parts');

const layerOverflow = z
  .strictObject({
    ...overflowCountsShape({ vectorSaturated: 'saturations inside the HVX pipeline (hvx requantization and Add) before the output' }),
    firstTransient: location,
    firstFinal: location,
    firstClipped: location,
    firstVectorSaturated: location,
    finalBits: z.int().min(1).describe('signed bits of the widest final exact sum'),
    partialBits: z.int().min(1).describe('signed bits of the widest exact partial sum in the documented order'),
    accumulatorBits: z.int().min(MIN_ACCUMULATOR_BITS).max(MAX_ACCUMULATOR_BITS).describe('the accumulator width the run had'),
  })
  .describe('overflow events and headroom of the layer');

export const reportSchema = z
  .strictObject({
    format: z.literal('npusim-report'),
    version: z.literal(REPORT_FORMAT_VERSION),
    graph: z.string(),
    hardware: z.string(),
    energyTable: z.string().describe('the energy table the run priced actions with'),
    clockMHz: z.number().positive(),
    requant: z
      .strictObject({
        mode: z.enum(REQUANT_MODES).describe('the requantization mode the run used'),
        quantizedFor: z
          .enum(REQUANT_MODES)
          .nullable()
          .describe(
            "the mode the graph's scales were made for (a TFLite model's tflite-double, an ONNX model's ort-float), null when the graph does not say",
          ),
      })
      .describe('requantization: the run may use another mode than the model was quantized for, which is a study, not an error'),
    machine: z
      .strictObject({
        arrayRows: z.int().min(1),
        arrayColumns: z.int().min(1),
        dataflow: z.enum(DATAFLOWS),
        accumulatorBits: z.int().min(MIN_ACCUMULATOR_BITS).max(MAX_ACCUMULATOR_BITS),
        accumulatorOverflow: z.enum(OVERFLOW_MODES).describe('what the accumulator does past its range: wrap or saturate'),
        dramBytesPerCycle: z.number().positive(),
        dramLatencyCycles: count,
      })
      .describe("the machine's figures a roofline is drawn from"),
    totals: z.strictObject({
      macs: count,
      cycles: count,
      latencyMs: z.number().min(0),
      energyPj: z.number().min(0),
      energyByComponentPj: energyByComponent,
      overflow: z.strictObject({
        ...overflowCountsShape(),
        smallestSafeAccumulatorBits: z
          .int()
          .min(MIN_ACCUMULATOR_BITS)
          .describe('the smallest accumulator width with no final overflow in the whole network'),
      }),
    }),
    layers: z.array(
      z.strictObject({
        name: z.string(),
        op: z.string(),
        outputShape: z.array(z.int().min(1)),
        unit: z.enum(['array', 'vector', 'none']),
        macs: count,
        cycles,
        utilization: z.number().min(0),
        peakMacsPerCycle: z
          .number()
          .positive()
          .nullable()
          .describe(
            "MACs the whole array completes per cycle in the layer's operand mode (the roofline's roof); null for vector-unit layers",
          ),
        mapping: z
          .record(z.string(), z.union([z.string(), z.number(), z.null()]))
          .nullable()
          .describe('the array mapping (docs/cycle-model.md), null for vector-unit layers'),
        energyPj: z.strictObject({ total: z.number().min(0), ...energyByComponent.shape }),
        actions: z.partialRecord(z.enum(ENERGY_ACTIONS), count).describe('counted actions, priced by the energy table'),
        overflow: layerOverflow,
      }),
    ),
    top: z
      .array(
        z.strictObject({
          output: z.string().describe("the output tensor, by the source model's name"),
          classes: z.array(
            z.strictObject({
              index: count.describe("the element's index in the source model's layout"),
              value: z.int().describe('the exact integer the graph wrote'),
              real: z.number().nullable().describe('scale x (value - zero point); null without a scale'),
              label: z.string().nullable().describe('its class name, when the labels have one'),
            }),
          ),
        }),
      )
      .optional()
      .describe("with run --top K: each output's K largest values, ties to the lower index"),
  })
  .describe('npusim run report');

export type Report = z.infer<typeof reportSchema>;

export function reportJsonSchemaText(): string {
  const schema = z.toJSONSchema(reportSchema, { io: 'output', target: 'draft-2020-12' });
  return `${JSON.stringify({ ...schema, title: 'npusim report' }, null, 2)}\n`;
}
