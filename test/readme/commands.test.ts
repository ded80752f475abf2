/**
 * Every npusim command in README.md runs as written (test/support/readme.ts takes them from the
 * README itself). They run in full, as a user runs them: through sh, in a fresh folder holding the
 * repository's configs and with the team's shared folder beside it as ../shared, with `npusim` and
 * `npx npusim` on PATH running bin/npusim.js (built by npm test). Nothing is shortened: a shortened
 * command would prove nothing about the one in the README. The quantization lab's block, the
 * slowest, runs in lab.test.ts beside this file, so that the two share the machine's cores.
 */
import { describe, expect, it } from 'vitest';
import { isLabBlock, README_BLOCKS, runReadmeBlock } from '../support/readme.js';

describe('README examples', () => {
  it("finds the README's commands, the lab's block among them", () => {
    const commands = README_BLOCKS.flat().map((example) => example.command);
    expect(commands.length).toBeGreaterThanOrEqual(12);
    expect(commands).toContain(
      'npusim sweep zoo:mobilenet_v1 --hw configs/edge-npu.json --set array.rows=8,16,32 --set memory.dram.bytesPerCycle=4..16:4 --out rows-x-dram.csv',
    );
    expect(commands).toContain('npx npusim validate broken.json');
    expect(README_BLOCKS.filter(isLabBlock)).toHaveLength(1);
  });

  for (const block of README_BLOCKS.filter((candidate) => !isLabBlock(candidate))) {
    it(`run as written: ${block.map((example) => example.command).join('; ')}`, { timeout: 900_000 }, () => runReadmeBlock(block));
  }
});
