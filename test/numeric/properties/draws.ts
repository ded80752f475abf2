/** Stochastic-rounding contexts drawn for both the core and the reference from one seed, site and counter. */
import fc from 'fast-check';
import { stochasticSite, type StochasticDraw } from '../../../src/numeric/stochastic.js';
import { refStreamId } from '../../oracles/numeric/stochastic.js';
import type { RefStochastic } from '../../oracles/numeric/types.js';
import { edgyInteger } from '../../support/property.js';

export interface PairedDraw {
  readonly core: StochasticDraw;
  readonly reference: RefStochastic;
  readonly description: string;
}

export const pairedDraw: fc.Arbitrary<PairedDraw> = fc
  .tuple(
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    fc.constantFrom('conv1/requant', 'fc/requant', 'pool/avg', '', 'dw 3x3 / acc→out', 'ü'),
    edgyInteger(0, Number.MAX_SAFE_INTEGER),
  )
  .map(([seed, site, counter]) => ({
    core: { site: stochasticSite(seed, site), counter },
    reference: { seed, stream: refStreamId(site), counter: BigInt(counter) },
    description: `seed ${seed} site ${JSON.stringify(site)} counter ${counter}`,
  }));
