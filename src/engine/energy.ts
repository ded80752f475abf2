/** Pricing counted actions with an energy table (counting and pricing stay apart, as in Accelergy). */
import type { EnergyTable } from '../hardware/energy.js';
import type { EnergyAction } from '../hardware/energyActions.js';
import { ENERGY_COMPONENTS, type EnergyComponent, type LayerEnergy } from './result.js';

function componentOf(action: EnergyAction): EnergyComponent {
  if (action.startsWith('mac.')) return 'mac';
  if (action.startsWith('accumulator.')) return 'accumulator';
  if (action.startsWith('sram.')) return 'sram';
  if (action.startsWith('dram.')) return 'dram';
  if (action.startsWith('vector.')) return 'vector';
  return 'requant';
}

export function priceActions(actions: Readonly<Partial<Record<EnergyAction, number>>>, table: EnergyTable): LayerEnergy {
  const components = Object.fromEntries(ENERGY_COMPONENTS.map((component) => [component, 0])) as Record<EnergyComponent, number>;
  for (const [action, count] of Object.entries(actions) as Array<[EnergyAction, number]>) {
    const price = table.prices.get(action);
    if (price === undefined) throw new Error(`energy table ${table.name} has no price for ${action}`);
    components[componentOf(action)] += count * price.pJ;
  }
  return { components, totalPj: ENERGY_COMPONENTS.reduce((total, component) => total + components[component], 0) };
}
