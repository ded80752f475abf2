/**
 * `npusim zoo NAME --out FILE`: writes a real network (real layer shapes, seeded weights, calibrated
 * quantization) as a graph JSON and its little-endian sidecar FILE with .bin in place of .json.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { InputError } from '../../errors.js';
import { buildZooNetwork, type ZooName, type ZooOptions } from '../../zoo/index.js';
import { type CliIO, EXIT_OK, paint } from '../io.js';

export interface ZooCommandOptions extends Omit<ZooOptions, 'sidecarFile'> {
  readonly name: ZooName;
  readonly out: string;
  readonly force: boolean;
}

function sidecarPath(out: string): string {
  return out.endsWith('.json') ? `${out.slice(0, -'.json'.length)}.bin` : `${out}.bin`;
}

export function runZooCommand(options: ZooCommandOptions, io: CliIO): number {
  const colour = paint(io);
  if (!options.out.endsWith('.json')) throw new InputError('--out must name a .json file (the weights go beside it, in a .bin file)', options.out);
  if (!existsSync(dirname(options.out) || '.')) throw new InputError(`folder ${dirname(options.out)} does not exist`, options.out);
  const sidecar = sidecarPath(options.out);
  for (const file of [options.out, sidecar]) {
    if (existsSync(file) && !options.force) throw new InputError('already exists; npusim never overwrites a file unless you pass --force', file);
  }
  const network = buildZooNetwork(options.name, {
    seed: options.seed,
    weightBits: options.weightBits,
    activationBits: options.activationBits,
    perChannel: options.perChannel,
    signedActivations: options.signedActivations,
    requant: options.requant,
    rounding: options.rounding,
    sidecarFile: basename(sidecar),
  });
  writeFileSync(sidecar, network.sidecar);
  writeFileSync(options.out, `${JSON.stringify(network.graph, null, 1)}\n`);
  const width = Math.max(...network.layers.map((layer) => layer.name.length), 5);
  io.stdout(`${colour.bold(network.graph.name)}: ${network.layers.length} layers, calibrated on a seeded input (seed ${options.seed})\n`);
  io.stdout(`${'layer'.padEnd(width)}  ${'op'.padEnd(16)} ${'MACs'.padStart(12)} ${'params'.padStart(9)}  clipped\n`);
  for (const layer of network.layers) {
    const clipped = `${(layer.clippedFraction * 100).toFixed(3)}%`;
    io.stdout(
      `${layer.name.padEnd(width)}  ${layer.op.padEnd(16)} ${String(layer.macs).padStart(12)} ${String(layer.params).padStart(9)}  ${layer.clippedFraction > 0 ? colour.yellow(clipped) : clipped}\n`,
    );
  }
  io.stdout(`total: ${network.totals.macs} MACs (${(network.totals.macs / 1e6).toFixed(1)}M), ${network.totals.params} parameters (${(network.totals.params / 1e6).toFixed(2)}M)\n`);
  io.stdout(`wrote ${options.out} and ${sidecar}\n`);
  return EXIT_OK;
}
