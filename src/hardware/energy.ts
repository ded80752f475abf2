/**
 * Energy tables as a run reads them: one price per action, each with its source. Counting actions
 * (lowering, engine) is kept apart from pricing them (this table), as in Accelergy.
 */
import { InputError } from '../errors.js';
import { closestName } from '../messages/didYouMean.js';
import { ENERGY_ACTIONS, type EnergyAction } from './energyActions.js';

export interface EnergyPrice {
  readonly pJ: number;
  readonly source: string;
  readonly scaling?: string;
}

export interface EnergyTable {
  readonly name: string;
  readonly node?: string;
  /** The file the table came from, or the hardware config for an inline table. */
  readonly file: string;
  readonly prices: ReadonlyMap<EnergyAction, EnergyPrice>;
}

export interface EnergyTableInput {
  readonly name: string;
  readonly node?: string | undefined;
  readonly entries: ReadonlyArray<{
    readonly action: string;
    readonly pJ: number;
    readonly source: string;
    readonly scaling?: string | undefined;
  }>;
}

/** Checks that a table prices every action exactly once and nothing else; `pathPrefix` locates it in `file`. */
export function resolveEnergyTable(table: EnergyTableInput, file: string, pathPrefix: string): EnergyTable {
  const prices = new Map<EnergyAction, EnergyPrice>();
  table.entries.forEach((entry, index) => {
    const where = `${pathPrefix}.entries[${index}].action`;
    if (!(ENERGY_ACTIONS as readonly string[]).includes(entry.action)) {
      const hint = closestName(entry.action, ENERGY_ACTIONS);
      throw new InputError(
        `unknown action "${entry.action}"${hint === undefined ? '' : ` (did you mean "${hint}"?)`}; expected one of ${ENERGY_ACTIONS.join(', ')}`,
        file,
        where,
      );
    }
    const action = entry.action as EnergyAction;
    if (prices.has(action)) throw new InputError(`action "${action}" is priced twice`, file, where);
    prices.set(action, { pJ: entry.pJ, source: entry.source, ...(entry.scaling === undefined ? {} : { scaling: entry.scaling }) });
  });
  const missing = ENERGY_ACTIONS.filter((action) => !prices.has(action));
  if (missing.length > 0)
    throw new InputError(
      `the table does not price ${missing.join(', ')}; every action needs a price and a source`,
      file,
      `${pathPrefix}.entries`,
    );
  return { name: table.name, ...(table.node === undefined ? {} : { node: table.node }), file, prices };
}
