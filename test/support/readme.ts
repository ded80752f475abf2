/**
 * README.md's npusim commands, block by block, and the user's folder they run in (test/readme/):
 * each line of a ```sh block that runs `npusim` or `npx npusim` (continued lines joined, comments
 * dropped), and each `$ ` line of a transcript block, whose output must be the lines shown below it.
 * The CLI synopsis block (placeholders such as GRAPH) is neither and is not run.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO, readJson, temporaryDirectory, writeJson } from './files.js';
import { sharedPath } from './sharedFolder.js';

export interface Example {
  readonly command: string;
  /** For a transcript line: the output shown under it. */
  readonly output: string | undefined;
}

/** The npusim commands of a README, block by block (a block's commands may use what earlier ones wrote). */
export function readmeExamples(text: string): Example[][] {
  const blocks: Example[][] = [];
  for (const block of text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
    const examples: Example[] = [];
    const [, language = '', body = ''] = block;
    const lines = body.split('\n').filter((line) => line !== '');
    if (language === 'sh') {
      const joined = lines.join('\n').replace(/\\\n\s*/g, '');
      for (const line of joined.split('\n')) {
        const command = line.replace(/\s+#.*$/, '').trim();
        if (/(^|&&\s*)(npx\s+)?npusim\s/.test(command)) examples.push({ command, output: undefined });
      }
    } else if (language === '') {
      lines.forEach((line, index) => {
        if (!/^\$ (npx )?npusim\s/.test(line)) return;
        const shown: string[] = [];
        for (const next of lines.slice(index + 1)) {
          if (next.startsWith('$ ')) break;
          shown.push(next);
        }
        examples.push({ command: line.slice(2), output: `${shown.join('\n')}\n` });
      });
    }
    if (examples.length > 0) blocks.push(examples);
  }
  return blocks;
}

interface Ran {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runShell(command: string, cwd: string, bin: string): Promise<Ran> {
  const child = spawn('sh', ['-c', command], {
    cwd,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr })));
}

/** A user's folder: the configs, ../shared beside it, npusim and npx npusim on PATH. */
function workspace(): { cwd: string; bin: string } {
  const root = temporaryDirectory('npusim-readme-');
  const cwd = join(root, 'npusim');
  const bin = join(root, 'bin');
  mkdirSync(cwd);
  mkdirSync(bin);
  symlinkSync(join(REPO, 'configs'), join(cwd, 'configs'));
  symlinkSync(join(REPO, 'models'), join(cwd, 'models'));
  symlinkSync(sharedPath(), join(root, 'shared'));
  const npusim = join(REPO, 'bin/npusim.js');
  writeFileSync(join(bin, 'npusim'), `#!/bin/sh\nexec "${process.execPath}" "${npusim}" "$@"\n`);
  writeFileSync(
    join(bin, 'npx'),
    `#!/bin/sh\nif [ "$1" = npusim ]; then shift; exec "${process.execPath}" "${npusim}" "$@"; fi\necho "this test's npx runs npusim only, not $1" >&2\nexit 127\n`,
  );
  chmodSync(join(bin, 'npusim'), 0o755);
  chmodSync(join(bin, 'npx'), 0o755);
  // The README's broken.json: the preset with the misspelled key its transcript shows.
  const broken = readJson(join(REPO, 'configs/edge-npu.json'));
  const { dataflow, ...array } = broken.array as Record<string, unknown>;
  writeJson(join(cwd, 'broken.json'), { ...broken, array: { ...array, dataflw: dataflow } });
  return { cwd, bin };
}

export const README_BLOCKS = readmeExamples(readFileSync(join(REPO, 'README.md'), 'utf8'));

/** The quantization lab's block (quantize, evaluate, study, search over MNIST): the slow one, run in a file of its own. */
export function isLabBlock(block: readonly Example[]): boolean {
  return block.some((example) => /npusim (quantize|evaluate|study|search)\s/.test(example.command));
}

/** Runs one block's commands in order in a fresh user's folder, as a user runs them. */
export async function runReadmeBlock(block: readonly Example[]): Promise<void> {
  const { cwd, bin } = workspace();
  for (const { command, output } of block) {
    const ran = await runShell(command, cwd, bin);
    if (output !== undefined) {
      // A transcript shows what the command prints, on stdout or as its error.
      expect(ran.stdout + ran.stderr, command).toBe(output);
      expect(ran.exitCode, command).toBe(output.startsWith('error: ') ? 2 : 0);
      continue;
    }
    expect(ran.stderr, command).not.toContain('    at ');
    expect(ran.exitCode, `${command}\n${ran.stderr}`).toBe(0);
  }
}
