import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compiledWorker } from '../../src/formats/paths.js';
import { REPO } from '../support/files.js';

describe('compiledWorker', () => {
  const url = (path: string) => pathToFileURL(join(REPO, path)).href;

  it("finds a chunk's bundled entry, an unbundled module's worker.js, and nothing beside the TypeScript sources", () => {
    expect(compiledWorker(url('dist/bundle/cli.js'), 'sweep-worker.js')).toBe(join(REPO, 'dist/bundle/sweep-worker.js'));
    expect(compiledWorker(url('dist/bundle/cli.js'), 'lab-worker.js')).toBe(join(REPO, 'dist/bundle/lab-worker.js'));
    expect(compiledWorker(url('dist/sweep/workers.js'), 'sweep-worker.js')).toBe(join(REPO, 'dist/sweep/worker.js'));
    expect(compiledWorker(url('src/sweep/workers.ts'), 'sweep-worker.js')).toBeUndefined();
  });
});
