/** The numeric core: pure integer arithmetic of the datapath. Imports nothing else of npusim. */
export * from './integers.js';
export * from './int64.js';
export * from './stochastic.js';
export * from './rounding.js';
export * from './scale.js';
export * from './gemmlowp.js';
export * from './tflite.js';
export * from './cmsisnn.js';
export * from './hvx.js';
export * from './ort.js';
export * from './requant.js';
export * from './requantDomain.js';
export * from './accumulator.js';
export * from './fixedPointMath.js';
