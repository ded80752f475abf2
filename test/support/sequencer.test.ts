/** The slow-first list names files that exist, so a renamed slow file does not silently start last again. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './files.js';
import { SLOW_FIRST } from './sequencer.js';

describe('the test sequencer', () => {
  it('lists only test files that exist, each once', () => {
    for (const file of SLOW_FIRST) expect(existsSync(join(REPO, file)), file).toBe(true);
    expect(new Set(SLOW_FIRST).size).toBe(SLOW_FIRST.length);
  });
});
