/**
 * Running one sweep point: its schedule (always lowered for the point itself), its values (from
 * the cache when a point of the same family computed them), and the totals a sweep row reports.
 * The same code runs in-process and in every worker.
 */
import { combineResult, computeValues } from '../engine/simulate.js';
import { priceActions } from '../engine/energy.js';
import { type OverflowCounts, overflowCounts } from '../engine/overflowCounters.js';
import type { SimulationResult } from '../engine/result.js';
import type { EnergyTable, LoadedHardware } from '../formats/loadHardware.js';
import type { Graph } from '../graph/model.js';
import { type GraphSchedule, lowerGraph } from '../lower/schedule.js';
import { timingModelFor } from '../pipeline/index.js';
import { type Totals, totals } from '../report/summary.js';
import { pointAt } from './points.js';
import { type GraphVariants, graphKey, pointHardware, pointQuant, type SweepSpec } from './pointConfig.js';
import { scheduleKey, ValuesCache, valueFamilyKey } from './reuse.js';

/** Schedules a worker keeps: points that share one (a sweep over rounding, energy tables...) lower once. */
const SCHEDULE_MEMO_CAPACITY = 64;

/** Overflow totals of a point (absent in a timing-only sweep). */
export interface SweepOverflow extends OverflowCounts {
  /** The report's smallestSafeAccumulatorBits. */
  readonly safeAccumulatorBits: number;
}

/** What a sweep records about one point: some of the report's totals. */
export interface SweepRow extends Pick<Totals, 'macs' | 'cycles' | 'latencyMs' | 'energyPj'> {
  readonly index: number;
  readonly overflow: SweepOverflow | undefined;
}

/** A point made concrete: its hardware, its graph and the family its values belong to. */
export interface ResolvedPoint {
  readonly hardware: LoadedHardware;
  readonly graph: Graph;
  /** Points of one family compute the same values (src/sweep/reuse.ts). */
  readonly family: string;
  /** Points with one schedule key have the same schedule. */
  readonly scheduleKey: string;
}

export class PointEvaluator {
  private readonly tables = new Map<string, EnergyTable>();
  private readonly schedules = new Map<string, GraphSchedule>();
  readonly cache: ValuesCache;
  /** Values passes computed (the rest of the points reused one). */
  valueRuns = 0;

  constructor(
    private readonly spec: SweepSpec,
    private readonly graphs: GraphVariants,
    cache?: ValuesCache,
  ) {
    this.cache = cache ?? new ValuesCache();
  }

  resolve(index: number): ResolvedPoint {
    const point = pointAt(this.spec.parameters, this.spec.zip, index);
    const hardware = pointHardware(this.spec, point, this.tables);
    const quant = pointQuant(this.spec, point);
    const graph = graphKey(quant);
    // A timing-only sweep computes no values, so its points need no value family.
    const family = this.spec.timingOnly ? '' : valueFamilyKey(hardware, graph);
    return { hardware, graph: this.graphs.get(quant), family, scheduleKey: scheduleKey(hardware, graph) };
  }

  /**
   * The point's schedule. The sweep's check (src/sweep/check.ts) has already checked the graph on
   * the point's machine, so this only lowers, and once per schedule key.
   */
  schedule(point: ResolvedPoint): GraphSchedule {
    let schedule = this.schedules.get(point.scheduleKey);
    if (schedule === undefined) {
      schedule = lowerGraph(point.graph, point.hardware, timingModelFor(point.hardware));
      if (this.schedules.size >= SCHEDULE_MEMO_CAPACITY) this.schedules.delete(this.schedules.keys().next().value as string);
      this.schedules.set(point.scheduleKey, schedule);
    }
    return schedule;
  }

  /** The full simulation result of a point, its values reused when its family has them. */
  result(index: number): SimulationResult {
    return this.simulatePoint(this.resolve(index));
  }

  private simulatePoint(point: ResolvedPoint): SimulationResult {
    const schedule = this.schedule(point);
    const { bits } = point.hardware.accumulator;
    let values = this.cache.find(point.family, bits);
    if (values === undefined) {
      values = computeValues(point.graph, point.hardware, schedule);
      this.valueRuns += 1;
      this.cache.add(point.family, bits, values);
    }
    return combineResult(point.hardware, schedule, values);
  }

  evaluate(index: number): SweepRow {
    if (this.spec.timingOnly) return this.timingRow(index);
    const point = this.resolve(index);
    const total = totals(this.simulatePoint(point));
    const { overflow } = total;
    return {
      index,
      macs: total.macs,
      cycles: total.cycles,
      latencyMs: total.latencyMs,
      energyPj: total.energyPj,
      overflow: { ...overflowCounts(overflow), safeAccumulatorBits: overflow.smallestSafeAccumulatorBits },
    };
  }

  /**
   * Cycles and energy from the schedule alone. MACs are priced ungated: with zeroGating on, the
   * gated ones need the values, so a timing-only energy is an upper bound there.
   */
  private timingRow(index: number): SweepRow {
    const point = this.resolve(index);
    const schedule = this.schedule(point);
    let macs = 0;
    let cycles = 0;
    let energyPj = 0;
    for (const layer of schedule.layers) {
      if (layer.unit === 'array') macs += layer.macs;
      cycles += layer.cycles.total;
      energyPj += priceActions(layer.actions, point.hardware.energy).totalPj;
    }
    return { index, macs, cycles, latencyMs: cycles / (point.hardware.clockMHz * 1000), energyPj, overflow: undefined };
  }
}
