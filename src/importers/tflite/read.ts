/** Reading a .tflite file: bounded, and every problem an InputError naming the file. */
import { InputError } from '../../errors.js';
import { readBoundedFile } from '../../formats/readFile.js';
import { FlatbufferError, readTfliteModel, type TfliteModel } from './schema.js';

/** The largest model npusim reads: flatbuffers address 2 GiB; larger models keep their data outside. */
export const MAX_TFLITE_BYTES = 2 ** 31 - 1;

export function parseTfliteModel(bytes: Uint8Array, file: string): TfliteModel {
  try {
    return readTfliteModel(bytes);
  } catch (error) {
    if (error instanceof FlatbufferError || error instanceof RangeError)
      throw new InputError(`not a readable TFLite model: ${error.message}`, file);
    throw error;
  }
}

export function readTfliteFile(file: string): TfliteModel {
  return parseTfliteModel(new Uint8Array(readBoundedFile(file, MAX_TFLITE_BYTES, 'a TFLite model (.tflite)')), file);
}
