import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
    // Property suites run tens of thousands of cases and the goldens rerun nine networks: room on a 2-core CI machine.
    testTimeout: 300_000,
    // Vitest leaves one core free by default; CI has two and nothing else to run, so use both.
    maxWorkers: 2,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
