/**
 * Mixed-precision search in the manner of FxP-QNet: every array layer starts at a high width for
 * its weights and its output; each round tries lowering one layer's weights or output one step
 * down the ladder, evaluates every such candidate exactly, and keeps the one that loses least
 * accuracy (then saves most memory), while the drop from float stays within the budget and the
 * cycles and energy within theirs. It ends when no step fits.
 */
import { isArrayOp } from '../graph/ops.js';
import type { LabBits, LayerBits, QuantizationScheme } from './scheme.js';
import { type StudyRequest, type StudyRow, studyScheme } from './study.js';

export interface SearchBudget {
  readonly maxDropPoints: number;
  readonly maxCycles: number | undefined;
  readonly maxEnergyPj: number | undefined;
}

export interface SearchStep {
  readonly layer: string;
  readonly knob: 'weights' | 'activations';
  readonly bits: LabBits;
  readonly row: StudyRow;
}

export interface SearchResult {
  readonly start: StudyRow;
  readonly steps: readonly SearchStep[];
  readonly best: StudyRow;
  readonly bitsPerLayer: ReadonlyMap<string, LayerBits>;
  /** Candidates evaluated in all. */
  readonly evaluated: number;
}

function fits(row: StudyRow, budget: SearchBudget): boolean {
  const figures = row.figures;
  if (figures === undefined) return false;
  if (figures.accuracyDropPoints > budget.maxDropPoints) return false;
  if (budget.maxCycles !== undefined && figures.cycles > budget.maxCycles) return false;
  return budget.maxEnergyPj === undefined || figures.energyPj <= budget.maxEnergyPj;
}

export async function searchBits(
  request: StudyRequest,
  base: QuantizationScheme,
  ladder: readonly LabBits[],
  budget: SearchBudget,
  onStep?: (step: SearchStep) => void,
): Promise<SearchResult> {
  const layers = request.float.ops.filter(isArrayOp).map((op) => op.name);
  const top = ladder[0] as LabBits;
  const bits = new Map<string, { weights: LabBits; activations: LabBits }>(
    layers.map((name) => [name, { weights: top, activations: top }]),
  );
  const schemeOf = (assignment: ReadonlyMap<string, LayerBits>): QuantizationScheme => ({ ...base, bitsPerLayer: new Map(assignment) });
  let evaluated = 1;
  const start = await studyScheme(request, schemeOf(bits), 0);
  let best = start;
  const steps: SearchStep[] = [];
  for (;;) {
    let chosen: { step: SearchStep; assignment: Map<string, { weights: LabBits; activations: LabBits }> } | undefined;
    for (const layer of layers) {
      for (const knob of ['weights', 'activations'] as const) {
        const current = bits.get(layer)?.[knob] ?? top;
        const lower = ladder[ladder.indexOf(current) + 1];
        if (lower === undefined) continue;
        const assignment = new Map([...bits].map(([name, entry]) => [name, { ...entry }]));
        (assignment.get(layer) as { weights: LabBits; activations: LabBits })[knob] = lower;
        evaluated += 1;
        const row = await studyScheme(request, schemeOf(assignment), evaluated - 1);
        if (!fits(row, budget)) continue;
        const step = { layer, knob, bits: lower, row };
        const better =
          chosen === undefined ||
          (row.figures?.accuracyDropPoints ?? 0) < (chosen.step.row.figures?.accuracyDropPoints ?? 0) ||
          ((row.figures?.accuracyDropPoints ?? 0) === (chosen.step.row.figures?.accuracyDropPoints ?? 0) &&
            (row.figures?.weightBytes ?? 0) < (chosen.step.row.figures?.weightBytes ?? 0));
        if (better) chosen = { step, assignment };
      }
    }
    if (chosen === undefined) break;
    for (const [name, entry] of chosen.assignment) bits.set(name, entry);
    steps.push(chosen.step);
    best = chosen.step.row;
    onStep?.(chosen.step);
  }
  return { start, steps, best, bitsPerLayer: new Map(bits), evaluated };
}
