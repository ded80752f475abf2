/** A zoo network as a graph in memory (`zoo:NAME`), built with chosen quantization. */
import { InputError } from '../errors.js';
import type { Graph } from '../graph/model.js';
import { buildNetwork, checkZooGraphForMode, type ZooNetwork, type ZooOptions } from './build.js';
import { cachedZooNetwork } from './cache.js';
import { ZOO_NAMES, type ZooName, zooTopology } from './networks.js';
import { FLOAT_ZOO_NAMES, isFloatZooName, REAL_ZOO_NAMES } from './realModels.js';

/** The quantization choices of a zoo network built for `run zoo:NAME` (`npusim zoo`'s defaults). */
export const DEFAULT_ZOO_QUANT: Omit<ZooOptions, 'sidecarFile'> = {
  seed: 1,
  weightBits: 8,
  activationBits: 8,
  perChannel: true,
  signedActivations: true,
  requant: 'tflite-double',
  rounding: 'half-away',
};

export function isZooName(name: string): name is ZooName {
  return (ZOO_NAMES as readonly string[]).includes(name);
}

/** A zoo network in memory, built or read from the zoo cache (zoo/cache.ts), its weights decoded from its sidecar. */
export function zooGraph(name: string, quant: Omit<ZooOptions, 'sidecarFile'> = DEFAULT_ZOO_QUANT): Graph {
  if (isFloatZooName(name))
    throw new InputError(
      `is a float model (trained in float, no integer weights): quantize it first, e.g. \`npusim quantize zoo:${name} --calib ${name.startsWith('fashion') ? 'fashion-mnist' : 'mnist'} --out G.json\``,
      `zoo:${name}`,
    );
  if (!isZooName(name))
    throw new InputError(
      `no zoo network "${name}"; the zoo has ${[...ZOO_NAMES, ...REAL_ZOO_NAMES, ...FLOAT_ZOO_NAMES].join(', ')}`,
      `zoo:${name}`,
    );
  return zooNetwork(name, { ...quant, sidecarFile: 'memory' }).model;
}

/** A zoo network as `npusim zoo` writes it, from the zoo cache or built, checked against its mode's rules (buildZooNetwork's, for a hit too). */
export function zooNetwork(name: ZooName, options: ZooOptions): ZooNetwork {
  const network = cachedZooNetwork(name, options, () => buildNetwork(zooTopology(name), options));
  checkZooGraphForMode(network.model, options);
  return network;
}
