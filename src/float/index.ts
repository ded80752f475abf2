export { dequantizeGraph, dequantizeInput } from './dequantize.js';
export { type FloatValues, runFloat } from './execute.js';
