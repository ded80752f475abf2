/**
 * The run page: a JSON report (`npusim run --format json`) drawn as cycles, utilization, energy,
 * overflow and headroom per layer, and a roofline of the machine with every array layer on it.
 */
import { ENERGY_COMPONENTS } from '../engine/result.js';
import { OVERFLOW_COUNTERS } from '../engine/overflowCounters.js';
import type { Report } from '../report/reportSchema.js';
import { categoryColour, chart, type Datum, layerAxis, stackedLayerBars } from './charts.js';
import type { Page, Section } from './page.js';

type ReportLayer = Report['layers'][number];

/** The parts a layer's total cycles add up to; requantization and vector cycles hidden behind the array are left out. */
export const CYCLE_PARTS = ['compute', 'memory stall', 'requant (not hidden)', 'vector (not hidden)'] as const;

/**
 * The layer's total split into parts that add up to it: total = compute + memoryStall + requant +
 * vector - overlap (docs/cycle-model.md), and the hidden (overlap) cycles are taken off requant
 * first, then vector.
 */
export function cycleParts(layer: ReportLayer): readonly number[] {
  const { compute, memoryStall, requant, vector, overlap, total } = layer.cycles;
  const hiddenRequant = Math.min(overlap, requant);
  const parts = [compute, memoryStall, requant - hiddenRequant, vector - (overlap - hiddenRequant)];
  if (parts.some((part) => part < 0) || parts.reduce((sum, part) => sum + part, 0) !== total)
    throw new RangeError(`layer ${layer.name}: its cycle parts do not add up to its total ${total}`);
  return parts;
}

export function dramBytes(layer: ReportLayer): number {
  return (layer.actions['dram.read.byte'] ?? 0) + (layer.actions['dram.write.byte'] ?? 0);
}

function totalsSection(report: Report): Section {
  const { totals } = report;
  const rows: [string, number | string][] = [
    ['MACs', totals.macs],
    ['cycles', totals.cycles],
    ['latency (ms)', totals.latencyMs],
    ['energy (pJ)', totals.energyPj],
    ...ENERGY_COMPONENTS.map((component): [string, number] => [`energy ${component} (pJ)`, totals.energyByComponentPj[component]]),
    ...OVERFLOW_COUNTERS.map((counter): [string, number] => [counter, totals.overflow[counter]]),
    ['smallest safe accumulator (bits)', totals.overflow.smallestSafeAccumulatorBits],
    ['accumulator (bits)', report.machine.accumulatorBits],
  ];
  return { id: 'totals', title: 'Totals', tables: [{ columns: ['figure', 'value'], rows }] };
}

function cyclesSection(report: Report): Section {
  const values: Datum[] = report.layers.flatMap((layer) =>
    cycleParts(layer).map((cycles, part) => ({ layer: layer.name, part: CYCLE_PARTS[part] as string, order: part, cycles })),
  );
  return {
    id: 'cycles',
    title: 'Cycles per layer',
    note: 'Each bar is a layer, in the order the network runs; its parts add up to the layer total. Requantization and vector cycles the array hides (overlap) are not drawn.',
    chart: chart({
      width: { step: 18 },
      height: 280,
      ...stackedLayerBars('cycles', values, { field: 'cycles', title: 'cycles' }, { field: 'part', domain: CYCLE_PARTS, title: 'part' }),
    }),
    tables: [
      {
        columns: ['layer', 'op', 'unit', 'compute', 'memory stall', 'requant', 'vector', 'hidden', 'total'],
        rows: report.layers.map((layer) => [
          layer.name,
          layer.op,
          layer.unit,
          layer.cycles.compute,
          layer.cycles.memoryStall,
          layer.cycles.requant,
          layer.cycles.vector,
          layer.cycles.overlap,
          layer.cycles.total,
        ]),
      },
    ],
  };
}

function utilizationSection(report: Report): Section {
  const array = report.layers.filter((layer) => layer.unit === 'array');
  return {
    id: 'utilization',
    title: 'Array utilization',
    note: "Useful MACs over the array's MAC capacity during each array layer's cycles.",
    chart: chart({
      name: 'utilization',
      width: { step: 18 },
      height: 220,
      data: { values: array.map((layer) => ({ layer: layer.name, utilization: layer.utilization })) },
      mark: { type: 'bar', tooltip: true, color: '#4c78a8' },
      encoding: {
        x: layerAxis(),
        y: { field: 'utilization', type: 'quantitative', title: 'utilization', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
      },
    }),
    tables: [
      {
        columns: ['layer', 'MACs', 'cycles', 'peak MACs/cycle', 'utilization'],
        rows: array.map((layer) => [layer.name, layer.macs, layer.cycles.total, layer.peakMacsPerCycle, layer.utilization]),
      },
    ],
  };
}

function energySections(report: Report): Section[] {
  const values: Datum[] = report.layers.flatMap((layer) =>
    ENERGY_COMPONENTS.map((component, order) => ({ layer: layer.name, component, order, energyPj: layer.energyPj[component] })),
  );
  const perLayer: Section = {
    id: 'energy',
    title: 'Energy per layer by component',
    note: `Priced from the energy table ${report.energyTable}: each counted action times its pJ.`,
    chart: chart({
      width: { step: 18 },
      height: 280,
      ...stackedLayerBars(
        'energy',
        values,
        { field: 'energyPj', title: 'energy (pJ)' },
        { field: 'component', domain: ENERGY_COMPONENTS, title: 'component' },
      ),
    }),
    tables: [
      {
        columns: ['layer', 'total (pJ)', ...ENERGY_COMPONENTS],
        rows: report.layers.map((layer) => [
          layer.name,
          layer.energyPj.total,
          ...ENERGY_COMPONENTS.map((component) => layer.energyPj[component]),
        ]),
      },
    ],
  };
  const total: Section = {
    id: 'energy-total',
    title: 'Energy of the whole network by component',
    chart: chart({
      name: 'energy_total',
      width: 420,
      height: { step: 22 },
      data: {
        values: ENERGY_COMPONENTS.map((component) => ({ component, energyPj: report.totals.energyByComponentPj[component] })),
      },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: 'component', type: 'nominal', sort: null, title: 'component' },
        x: { field: 'energyPj', type: 'quantitative', title: 'energy (pJ)' },
        color: { ...categoryColour('component', ENERGY_COMPONENTS, 'component'), legend: null },
      },
    }),
    tables: [
      {
        columns: ['component', 'energy (pJ)', 'share'],
        rows: ENERGY_COMPONENTS.map((component) => [
          component,
          report.totals.energyByComponentPj[component],
          report.totals.energyPj === 0 ? 0 : report.totals.energyByComponentPj[component] / report.totals.energyPj,
        ]),
      },
    ],
  };
  return [perLayer, total];
}

function headroomSection(report: Report): Section {
  const array = report.layers.filter((layer) => layer.unit === 'array');
  const available = report.machine.accumulatorBits;
  const safe = report.totals.overflow.smallestSafeAccumulatorBits;
  const needed = (layer: ReportLayer) =>
    report.machine.accumulatorOverflow === 'wrap' ? layer.overflow.finalBits : layer.overflow.partialBits;
  const bars = array.map((layer) => ({
    layer: layer.name,
    bits: layer.overflow.partialBits,
    fits: layer.overflow.partialBits <= available ? 'fits' : 'past the accumulator',
  }));
  const points = array.map((layer) => ({ layer: layer.name, bits: layer.overflow.finalBits }));
  const rules = [
    { line: `accumulator: ${available} bits`, bits: available },
    { line: `smallest safe width: ${safe} bits`, bits: safe },
  ];
  return {
    id: 'headroom',
    title: 'Accumulator headroom',
    note: `Bars: signed bits the widest exact partial sum of each array layer needs; dots: the widest final sum. The accumulator has ${available} bits and ${report.machine.accumulatorOverflow === 'wrap' ? 'wraps, so only final sums past it corrupt an output' : 'saturates, so any partial sum past it does'}; ${safe} bits is the smallest width with no final overflow in the whole network.`,
    chart: chart({
      width: { step: 18 },
      height: 240,
      layer: [
        {
          name: 'headroom_partial',
          data: { values: bars },
          mark: { type: 'bar', tooltip: true },
          encoding: {
            x: layerAxis(),
            y: { field: 'bits', type: 'quantitative', title: 'bits', scale: { domainMin: 0 } },
            color: categoryColour('fits', ['fits', 'past the accumulator'], 'partial sums'),
          },
        },
        {
          name: 'headroom_final',
          data: { values: points },
          mark: { type: 'point', filled: true, color: '#1f2328', tooltip: true },
          encoding: { x: layerAxis(), y: { field: 'bits', type: 'quantitative' } },
        },
        {
          name: 'headroom_widths',
          data: { values: rules },
          mark: { type: 'rule', strokeWidth: 2, strokeDash: [6, 3] },
          encoding: {
            y: { field: 'bits', type: 'quantitative' },
            stroke: { field: 'line', type: 'nominal', title: 'widths', scale: { range: ['#e45756', '#54a24b'] }, sort: null },
          },
        },
      ],
      resolve: { scale: { color: 'independent' } },
    }),
    tables: [
      {
        columns: ['layer', 'partial bits', 'final bits', 'accumulator bits', 'headroom (bits)', 'fits'],
        rows: array.map((layer) => [
          layer.name,
          layer.overflow.partialBits,
          layer.overflow.finalBits,
          available,
          available - needed(layer),
          needed(layer) <= available ? 'yes' : 'no',
        ]),
      },
    ],
  };
}

function overflowSection(report: Report): Section {
  const values: Datum[] = report.layers.flatMap((layer) =>
    OVERFLOW_COUNTERS.flatMap((counter, order) =>
      layer.overflow[counter] === 0 ? [] : [{ layer: layer.name, counter, order, events: layer.overflow[counter] }],
    ),
  );
  const location = (event: { output: number; k: number } | null) => (event === null ? null : `output ${event.output}, k ${event.k}`);
  return {
    id: 'overflow',
    title: 'Overflow events per layer',
    note:
      values.length === 0
        ? 'No overflow event of any kind in this run.'
        : 'Events by kind; the table gives each first location on the schedule clock (output index NHWC, k the position in the accumulation order).',
    chart: chart({
      name: 'overflow',
      width: { step: 18 },
      height: 220,
      data: { values: report.layers.map((layer) => ({ layer: layer.name })) },
      layer: [
        { mark: { type: 'tick', opacity: 0 }, encoding: { x: layerAxis() } },
        stackedLayerBars(
          'overflow_events',
          values,
          { field: 'events', title: 'events' },
          { field: 'counter', domain: OVERFLOW_COUNTERS, title: 'event' },
        ),
      ],
    }),
    tables: [
      {
        columns: ['layer', ...OVERFLOW_COUNTERS, 'first transient', 'first final', 'first clipped', 'first vector saturated'],
        rows: report.layers.map((layer) => [
          layer.name,
          ...OVERFLOW_COUNTERS.map((counter) => layer.overflow[counter]),
          location(layer.overflow.firstTransient),
          location(layer.overflow.firstFinal),
          location(layer.overflow.firstClipped),
          location(layer.overflow.firstVectorSaturated),
        ]),
      },
    ],
  };
}

/** The layers a roofline places: array layers with MACs and DRAM traffic (no DRAM byte: no intensity to place). */
export function rooflineLayers(report: Report): ReportLayer[] {
  return report.layers.filter((layer) => layer.unit === 'array' && layer.macs > 0 && dramBytes(layer) > 0 && layer.cycles.total > 0);
}

function rooflineSection(report: Report): Section {
  const bandwidth = report.machine.dramBytesPerCycle;
  const array = report.layers.filter((layer) => layer.unit === 'array' && layer.macs > 0);
  const placed = rooflineLayers(report);
  const peaks = [...new Set(array.map((layer) => layer.peakMacsPerCycle ?? 0))].filter((peak) => peak > 0).sort((a, b) => a - b);
  const intensities = placed.map((layer) => layer.macs / dramBytes(layer));
  const ridges = peaks.map((peak) => peak / bandwidth);
  const low = Math.min(...intensities, ...ridges) / 4;
  const high = Math.max(...intensities, ...ridges) * 4;
  const roofs = peaks.flatMap((peak) =>
    [low, peak / bandwidth, high].map((intensity) => ({
      roof: `peak ${peak} MACs/cycle`,
      intensity,
      macsPerCycle: Math.min(peak, bandwidth * intensity),
    })),
  );
  const points = placed.map((layer, index) => ({
    layer: layer.name,
    op: layer.op,
    intensity: intensities[index] as number,
    macsPerCycle: layer.macs / layer.cycles.total,
  }));
  const roofAt = (layer: ReportLayer) => Math.min(layer.peakMacsPerCycle ?? 0, (bandwidth * layer.macs) / Math.max(1, dramBytes(layer)));
  const unplaced = array.length - placed.length;
  return {
    id: 'roofline',
    title: 'Roofline',
    note: `The machine's roofs: ${report.machine.arrayRows} x ${report.machine.arrayColumns} array (${peaks.join(', ')} MACs per cycle by operand mode) and DRAM at ${bandwidth} bytes per cycle; each array layer at its MACs per DRAM byte and the MACs per cycle it reached.${unplaced === 0 ? '' : ` ${unplaced} array layer(s) move no DRAM byte and are not placed (table).`}`,
    chart: chart({
      width: 520,
      height: 320,
      layer: [
        {
          name: 'roofline_roofs',
          data: { values: roofs },
          mark: { type: 'line', color: '#57606a', strokeWidth: 2 },
          encoding: {
            x: { field: 'intensity', type: 'quantitative', scale: { type: 'log' }, title: 'MACs per DRAM byte' },
            y: { field: 'macsPerCycle', type: 'quantitative', scale: { type: 'log' }, title: 'MACs per cycle' },
            detail: { field: 'roof', type: 'nominal' },
          },
        },
        {
          name: 'roofline_layers',
          data: { values: points },
          mark: { type: 'point', filled: true, size: 60, tooltip: true },
          encoding: {
            x: { field: 'intensity', type: 'quantitative', scale: { type: 'log' } },
            y: { field: 'macsPerCycle', type: 'quantitative', scale: { type: 'log' } },
            color: { field: 'op', type: 'nominal', title: 'op', sort: null },
          },
        },
      ],
    }),
    tables: [
      {
        columns: ['layer', 'MACs', 'DRAM bytes', 'MACs/DRAM byte', 'MACs/cycle', 'roof', 'bound', 'of roof'],
        rows: array.map((layer) => {
          const bytes = dramBytes(layer);
          const reached = layer.cycles.total === 0 ? 0 : layer.macs / layer.cycles.total;
          if (bytes === 0) return [layer.name, layer.macs, 0, null, reached, layer.peakMacsPerCycle, 'no DRAM traffic', null];
          const roof = roofAt(layer);
          return [
            layer.name,
            layer.macs,
            bytes,
            layer.macs / bytes,
            reached,
            roof,
            roof < (layer.peakMacsPerCycle ?? 0) ? 'memory' : 'compute',
            reached / roof,
          ];
        }),
      },
    ],
  };
}

/** The same report gives the same page, whether drawn by `run --format html` or read back by `npusim report`. */
export function runPage(report: Report): Page {
  const { machine } = report;
  return {
    kind: 'run',
    title: `npusim run: ${report.graph} on ${report.hardware}`,
    context: [
      ['graph', report.graph],
      ['hardware config', report.hardware],
      ['energy table', report.energyTable],
      [
        'machine',
        `${machine.arrayRows} x ${machine.arrayColumns} ${machine.dataflow} array at ${report.clockMHz} MHz; ${machine.accumulatorBits}-bit ${machine.accumulatorOverflow} accumulator; DRAM ${machine.dramBytesPerCycle} bytes/cycle, ${machine.dramLatencyCycles} cycles latency`,
      ],
      [
        'requantization',
        report.requant.quantizedFor === null
          ? report.requant.mode
          : `${report.requant.mode} (graph quantized for ${report.requant.quantizedFor})`,
      ],
    ],
    sections: [
      totalsSection(report),
      cyclesSection(report),
      utilizationSection(report),
      ...energySections(report),
      headroomSection(report),
      overflowSection(report),
      rooflineSection(report),
    ],
  };
}
