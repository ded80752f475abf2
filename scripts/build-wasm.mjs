/**
 * Assembles the SIMD kernels (src/kernels/simd/*.wat) with wabt into .wasm files beside their
 * source, where the TypeScript sources load them under vitest, and into dist/, where the built
 * package loads them, and copies the kernel threads' script beside them. Part of `npm run build`;
 * the .wasm files are build output, never committed.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleWat } from './wat.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceFolder = join(root, 'src/kernels/simd');
const distFolder = join(root, 'dist/kernels/simd');
mkdirSync(distFolder, { recursive: true });
for (const name of readdirSync(sourceFolder).filter((file) => file.endsWith('.wat'))) {
  let buffer;
  try {
    buffer = await assembleWat(name, readFileSync(join(sourceFolder, name), 'utf8'));
  } catch (error) {
    // wabt's message names the line and column; its stack is the whole minified assembler.
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const wasmName = name.replace(/\.wat$/, '.wasm');
  writeFileSync(join(sourceFolder, wasmName), buffer);
  writeFileSync(join(distFolder, wasmName), buffer);
}
// The kernel threads' script is plain JavaScript (it must run from src/ under the tests too).
copyFileSync(join(sourceFolder, 'thread.js'), join(distFolder, 'thread.js'));
