/**
 * The actions the engine counts and an energy table prices (counting is kept apart from pricing, as
 * in Accelergy). A table must price every action; energy = sum of count x pJ.
 */

/** MAC multiplies by operand widths (signedness does not change the price). */
export const MAC_ACTIONS = ['mac.w4a4', 'mac.w4a8', 'mac.w8a8', 'mac.w8a16', 'mac.w16a8', 'mac.w16a16'] as const;

export const ENERGY_ACTIONS = [
  ...MAC_ACTIONS,
  /** A MAC with a zero operand on hardware that gates it. */
  'mac.gated',
  /** One accumulator add, priced per bit of accumulator width (adders scale linearly). */
  'accumulator.add.bit',
  'sram.read.byte',
  'sram.write.byte',
  'dram.read.byte',
  'dram.write.byte',
  /** One vector instruction, priced per byte of vector width. */
  'vector.op.byte',
  /** One output element through the requantization unit. */
  'requant.output',
] as const;
export type EnergyAction = (typeof ENERGY_ACTIONS)[number];

export function macAction(weightBits: number, activationBits: number): EnergyAction {
  const action = `mac.w${weightBits}a${activationBits}`;
  if (!(ENERGY_ACTIONS as readonly string[]).includes(action)) {
    throw new RangeError(`no MAC energy action for ${weightBits}-bit weights and ${activationBits}-bit activations`);
  }
  return action as EnergyAction;
}
