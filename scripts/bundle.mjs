/**
 * Bundles the compiled CLI (dist/cli/main.js) and the two worker threads it starts (sweep points,
 * lab evaluation) into dist/bundle/, with zod and the other small dependencies inside. Node spends
 * about a millisecond resolving, reading and linking each ES module, and a run loads ~280 of them
 * (95 of zod's alone): a third of a second before any work, on every `npusim` process and on every
 * worker thread. The bundle loads ~45 chunks, split where the CLI imports lazily (one chunk per
 * command, so `npusim validate` does not load the quantization lab).
 *
 * rolldown (vite's bundler, already in the lockfile under vitest) because it is well kept, fast
 * (well under a second here) and needs no configuration beyond this file. yargs and onnx-proto stay
 * outside: the CLI loads them through createRequire, as CommonJS, which costs little; vega is large
 * and only the HTML pages load it. dist/ keeps the unbundled modules: they are the library's
 * `exports` and the fallback bin/npusim.js takes when the bundle is missing.
 *
 * Everything that locates a file beside its module (the .wasm kernels, the kernel threads' script,
 * a worker thread's entry) finds it in dist/bundle/ too: the kernels and their script are copied
 * there, and the worker entries are named as src/sweep/workers.ts and src/lab/parallel.ts look for them.
 */
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const bundle = join(dist, 'bundle');
rmSync(bundle, { recursive: true, force: true });
let build;
try {
  ({ build } = await import('rolldown'));
} catch (error) {
  // rolldown's prebuilt binding is an optional dependency: where none fits the platform, npusim
  // runs from its modules (bin/npusim.js falls back to them), only slower to start.
  process.stderr.write(`note: not bundling the CLI (${error.message.split('\n')[0]}); it runs from dist/ unbundled\n`);
  process.exit(0);
}
await build({
  cwd: root,
  input: {
    cli: join(dist, 'cli/main.js'),
    'sweep-worker': join(dist, 'sweep/worker.js'),
    'lab-worker': join(dist, 'lab/worker.js'),
  },
  platform: 'node',
  // Loaded with createRequire or by the HTML pages only (see above).
  external: [/^yargs(\/|$)/, /^onnx-proto(\/|$)/, /^vega(-lite|-embed)?(\/|$)/],
  // jsonc-parser's "main" is a UMD build whose requires a bundler cannot follow; its "module" is ESM.
  resolve: { mainFields: ['module', 'main'] },
  logLevel: 'warn',
  output: {
    dir: bundle,
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: '[name]-[hash].js',
    sourcemap: false,
  },
});
for (const name of ['kernels.wasm', 'thread.js']) copyFileSync(join(dist, 'kernels/simd', name), join(bundle, name));

// The zoo cache keys its entries by a hash of the source that built them (src/zoo/cache.ts). The
// hash of src/ is taken here, once, by the cache's own function (from dist/, compiled just before),
// instead of by reading ~320 files on every run (20-40 ms of each `npusim run zoo:...`), and it is
// the hash the tests get running src/ itself, so that networks the tests build serve the CLI they
// start and the other way round. This script writes the bundle and its hash together, so one cannot
// be newer than the other.
const { hashOfSourceTree } = await import(pathToFileURL(join(dist, 'zoo/cache.js')).href);
const codeHash = hashOfSourceTree(join(root, 'src'));
writeFileSync(join(bundle, 'code-hash.txt'), `${codeHash}\n`);
