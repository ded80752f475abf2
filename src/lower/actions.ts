/**
 * The actions stage: the counts of the energy actions that do not depend on values (MACs, adds
 * at the accumulator's width, SRAM and DRAM bytes, requantized outputs, vector bytes). The engine
 * splits MACs into gated and not once it has the values; the energy table prices the rest.
 */
import { InputError } from '../errors.js';
import { type EnergyAction, macAction } from '../hardware/energyActions.js';
import type { Hardware } from '../hardware/model.js';
import type { MappedArrayLayer } from './mapping.js';
import type { LayerSite } from './site.js';
import type { Traffic } from './timing.js';

export type ActionCounts = Partial<Record<EnergyAction, number>>;

type ActionCount = readonly [EnergyAction, number];

function countActions(entries: readonly ActionCount[]): ActionCounts {
  const actions: ActionCounts = {};
  for (const [action, count] of entries) if (count > 0) actions[action] = (actions[action] ?? 0) + count;
  return actions;
}

/** In the order reports list them: SRAM reads, SRAM writes, DRAM reads, DRAM writes. */
function trafficActions(traffic: Traffic): readonly [ActionCount, ActionCount, ActionCount, ActionCount] {
  return [
    ['sram.read.byte', traffic.sramReadBytes],
    ['sram.write.byte', traffic.sramWriteBytes],
    ['dram.read.byte', traffic.dramReadBytes],
    ['dram.write.byte', traffic.dramWriteBytes],
  ];
}

export interface ArrayActions {
  /** The energy action of one ungated MAC in the layer's operand mode. */
  readonly macAction: EnergyAction;
  readonly actions: ActionCounts;
}

/**
 * An array layer's actions: its MACs; every product, K-fold merge and bias add at the
 * accumulator's width; its traffic; and its requantization (the dedicated unit's outputs, or the
 * vector unit's bytes). Throws InputError when the energy tables have no MAC of its operand widths.
 */
export function arrayActions(
  layer: MappedArrayLayer,
  macs: number,
  outputs: number,
  traffic: Traffic,
  vectorInstructions: number,
  hardware: Hardware,
  site: LayerSite,
): ArrayActions {
  const { op, weights, input, mapping } = layer;
  let action: EnergyAction;
  try {
    action = macAction(weights.type.bits, input.type.bits);
  } catch {
    throw new InputError(
      `${op.op} "${op.name}": the energy tables price MACs of 4, 8 and 16-bit operands; ${weights.type.name} x ${input.type.name} has no entry`,
      site.graphFile,
      site.path,
    );
  }
  const merges = mapping.kFold !== undefined ? outputs * mapping.rowFolds : 0;
  const actions = countActions([
    [action, macs],
    ['accumulator.add.bit', (macs + merges + outputs) * hardware.accumulator.bits],
    ...trafficActions(traffic),
    hardware.requant.unit === 'vector' ? ['vector.op.byte', vectorInstructions * hardware.vector.vectorBytes] : ['requant.output', outputs],
  ]);
  return { macAction: action, actions };
}

/** A vector layer's actions: its vector bytes and its traffic. */
export function vectorActions(traffic: Traffic, vectorInstructions: number, hardware: Hardware): ActionCounts {
  return countActions([['vector.op.byte', vectorInstructions * hardware.vector.vectorBytes], ...trafficActions(traffic)]);
}
