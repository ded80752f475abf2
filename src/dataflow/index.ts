/** Every dataflow's spec, by name: what lowering, the engine, SCALE-Sim's mapping and the docs table read. */
import { IS } from './is.js';
import { OS } from './os.js';
import type { Dataflow, DataflowSpec } from './spec.js';
import { WS } from './ws.js';

export type * from './spec.js';

export const DATAFLOW_SPECS: Readonly<Record<Dataflow, DataflowSpec>> = { ws: WS, os: OS, is: IS };

/** The dataflows in the order configs, schemas and docs list them. */
export const DATAFLOWS = ['ws', 'os', 'is'] as const satisfies readonly Dataflow[];

// Every spec is listed in DATAFLOWS: the compiler rejects a Dataflow missing from the tuple.
type Unlisted = Exclude<Dataflow, (typeof DATAFLOWS)[number]>;
const everyDataflowListed: [Unlisted] extends [never] ? true : never = true;
void everyDataflowListed;

export function dataflowSpec(name: Dataflow): DataflowSpec {
  return DATAFLOW_SPECS[name];
}
