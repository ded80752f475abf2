// Shared types of the independent reference model of npusim's numeric core.
// Rounding-mode names follow the table in numerics.md section 0 (floor, trunc, half-up, half-away, half-even, stochastic).

/** Rounding modes of the reference model. */
export type RefRoundingMode = 'floor' | 'trunc' | 'half-up' | 'half-away' | 'half-even' | 'stochastic';

/** Counter-based stochastic rounding context: all three are unsigned 64-bit integers. */
export interface RefStochastic {
  seed: bigint;
  stream: bigint;
  counter: bigint;
}
