/**
 * Which activations stay on chip between layers: a tensor stays when it fits the SRAM that reads
 * it next (half of a unified SRAM) and is not a graph output, and the layer reading it then moves
 * it without DRAM traffic. State of one lowering, layer after layer in graph order.
 */
import type { Tensor } from '../graph/model.js';
import { elementCount } from '../graph/shapes.js';
import type { SramBudget } from '../hardware/model.js';

export function tensorBytes(tensor: Tensor): number {
  return Math.ceil((elementCount(tensor.shape) * tensor.type.bits) / 8);
}

export class Residency {
  /** Activations held on chip after the op that produced them. */
  private readonly resident = new Set<string>();

  constructor(
    private readonly budget: SramBudget,
    private readonly graphOutputs: readonly string[],
  ) {}

  has(tensor: Tensor): boolean {
    return this.resident.has(tensor.name);
  }

  private fitsOnChip(tensor: Tensor): boolean {
    const { budget } = this;
    return tensorBytes(tensor) <= (budget.unified ? budget.inputs / 2 : budget.inputs);
  }

  /** DRAM bytes of reading `input`: none when on chip, once when it fits, else once per reread. */
  inputDramBytes(input: Tensor, rereads: number): number {
    if (this.has(input)) return 0;
    return tensorBytes(input) * (this.fitsOnChip(input) ? 1 : rereads);
  }

  /** Whether the output stays on chip for the next layer; records it when it does. */
  keepOutput(output: Tensor): boolean {
    const keep = this.fitsOnChip(output) && !this.graphOutputs.includes(output.name);
    if (keep) this.resident.add(output.name);
    return keep;
  }
}
