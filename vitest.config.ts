import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/support/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
    // Property suites run tens of thousands of cases and the goldens rerun nine networks: room on a 2-core CI machine.
    testTimeout: 300_000,
    // Vitest leaves one core free by default; CI has two and nothing else to run, so use both.
    maxWorkers: 2,
    // Each worker keeps its modules from one test file to the next instead of importing npusim's
    // ~300 modules afresh for each of 115 files (26 s of a 4.5-minute run). Tests that set an
    // environment variable put it back in afterEach; what modules keep between calls is caches of
    // npusim's own code (the SIMD instance and its threads, the CLI parser), which no test changes.
    isolate: false,
    hookTimeout: 120_000,
    sequence: { sequencer: SlowFirstSequencer },
    reporters: ['default'],
  },
});
