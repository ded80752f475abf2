/** npusim's public API. */
export * as numeric from './numeric/index.js';
export { InputError } from './errors.js';
export { runVectorCases } from './conformance/runVectors.js';
export { parseVectorText } from './conformance/vectorFile.js';
