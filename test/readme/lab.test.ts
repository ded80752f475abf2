/**
 * The README's quantization lab block runs as written (the commands, the folder and the checks are
 * those of commands.test.ts, test/support/readme.ts): quantize, evaluate on the 10,000 MNIST test
 * images, study and search. It is the slowest block, so it has a file of its own.
 */
import { describe, it } from 'vitest';
import { isLabBlock, README_BLOCKS, runReadmeBlock } from '../support/readme.js';

describe('README examples: the quantization lab', () => {
  for (const block of README_BLOCKS.filter(isLabBlock)) {
    it(`run as written: ${block.map((example) => example.command).join('; ')}`, { timeout: 900_000 }, () => runReadmeBlock(block));
  }
});
