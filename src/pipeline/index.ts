/**
 * The one way a run is put together: the graph and the machine (loaded from files, built from the
 * zoo, or given), checked once against each other, lowered once with the timing model the machine
 * asks for, then executed. `run`, `schedule`, `validate`, `golden`, `sweep` and the API all go
 * through here, so no command assembles the chain by hand.
 */
import { runSchedule, type SimulateOptions } from '../engine/simulate.js';
import type { SimulationResult } from '../engine/result.js';
import { checkGraphOnHardware } from '../hardware/compatibility.js';
import type { Hardware } from '../hardware/model.js';
import type { Graph } from '../graph/model.js';
import { type GraphSchedule, lowerGraph } from '../lower/schedule.js';
import { timingModelFor } from '../scalesim/timing.js';

export { timingModelFor };
/** For a command about to compute values: the kernel threads boot while it reads its inputs. */
export { warmKernelThreads } from '../kernels/conv.js';

/** Checks the graph on the machine and lowers it: the schedule `run` executes and `schedule` prints. */
export function checkAndLower(graph: Graph, hardware: Hardware): GraphSchedule {
  checkGraphOnHardware(graph, hardware);
  return lowerGraph(graph, hardware, timingModelFor(hardware));
}

/** A graph and a machine, checked and lowered: ready to run (or to print). */
export interface PreparedRun {
  readonly graph: Graph;
  readonly hardware: Hardware;
  readonly schedule: GraphSchedule;
}

export function prepareRun(graph: Graph, hardware: Hardware): PreparedRun {
  return { graph, hardware, schedule: checkAndLower(graph, hardware) };
}

/** Executes a prepared run: exact values, cycles, energy and overflow of every layer. */
export function executeRun(prepared: PreparedRun, options: SimulateOptions = {}): SimulationResult {
  return runSchedule(prepared.graph, prepared.hardware, prepared.schedule, options);
}

/** Checks, lowers and runs: the whole chain for a graph and a machine in memory. */
export function simulate(graph: Graph, hardware: Hardware, options: SimulateOptions = {}): SimulationResult {
  return executeRun(prepareRun(graph, hardware), options);
}

export { loadGraphArgument, graphArgumentFiles } from './graphArgument.js';
