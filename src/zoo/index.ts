/** The network zoo: real topologies, seeded weights, calibrated quantization. */
export { buildNetwork, buildZooNetwork, type ZooLayerSummary, type ZooNetwork, type ZooOptions } from './build.js';
export { ZOO_NAMES, type ZooName, zooTopology } from './networks.js';
export type { Layer, Topology } from './topology.js';
export { DEFAULT_ZOO_QUANT, isZooName, zooGraph, zooNetwork } from './graph.js';
export {
  FLOAT_ZOO_MODELS,
  FLOAT_ZOO_NAMES,
  type FloatZooName,
  floatZooModelFile,
  isFloatZooName,
  isRealZooName,
  isSeededZooArgument,
  REAL_ZOO_MODELS,
  REAL_ZOO_NAMES,
  type RealZooName,
  realZooModelFile,
} from './realModels.js';
