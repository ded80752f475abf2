/**
 * `npusim run GRAPH --hw CONFIG`: one simulation, reported as a table or JSON. GRAPH is a graph
 * file, or `zoo:NAME` for a zoo network built in memory with the default options.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { simulate } from '../../engine/simulate.js';
import { InputError } from '../../errors.js';
import { checkGraphOnHardware } from '../../formats/compatibility.js';
import { graphSchema } from '../../formats/graphSchema.js';
import { loadGraphFile, resolveGraph } from '../../formats/loadGraph.js';
import { loadHardwareFile } from '../../formats/loadHardware.js';
import type { Graph } from '../../graph/model.js';
import { csvReport, markdownReport } from '../../report/csv.js';
import { jsonReport } from '../../report/json.js';
import { tableReport } from '../../report/table.js';
import { buildZooNetwork, ZOO_NAMES, type ZooName } from '../../zoo/index.js';
import { decodeElements } from '../../formats/sidecar.js';
import { type CliIO, EXIT_OK, paint } from '../io.js';

export const REPORT_FORMATS = ['table', 'json', 'csv', 'md'] as const;

export interface RunOptions {
  readonly graph: string;
  readonly hardware: string;
  readonly format: (typeof REPORT_FORMATS)[number];
  readonly out: string | undefined;
  readonly seed: number;
  readonly force: boolean;
}

/** A zoo network built in memory: its sidecar bytes are decoded straight into the tensors. */
function zooGraph(name: string): Graph {
  if (!(ZOO_NAMES as readonly string[]).includes(name)) {
    throw new InputError(`no zoo network "${name}"; the zoo has ${ZOO_NAMES.join(', ')}`, `zoo:${name}`);
  }
  const network = buildZooNetwork(name as ZooName, {
    seed: 1, weightBits: 8, activationBits: 8, perChannel: true, signedActivations: true, requant: 'tflite-double', rounding: 'half-away', sidecarFile: 'memory',
  });
  const file = graphSchema.parse(network.graph);
  // Inline the sidecar so the graph needs no file on disk.
  for (const tensor of Object.values(file.tensors)) {
    if (tensor.data !== undefined && !Array.isArray(tensor.data)) {
      const type = { name: tensor.type, bits: Number(tensor.type.slice(1)), signed: tensor.type.startsWith('s') };
      const count = tensor.shape.reduce((a, b) => a * b, 1);
      const start = tensor.data.offset;
      tensor.data = Array.from(decodeElements(network.sidecar.subarray(start), type, count));
    }
  }
  return resolveGraph(file, `zoo:${name}`);
}

export function runRunCommand(options: RunOptions, io: CliIO): number {
  const hardware = loadHardwareFile(options.hardware);
  const graph = options.graph.startsWith('zoo:') ? zooGraph(options.graph.slice('zoo:'.length)) : loadGraphFile(options.graph);
  checkGraphOnHardware(graph, hardware.config, hardware.file);
  if (options.out !== undefined && existsSync(options.out) && !options.force) {
    throw new InputError('already exists; npusim never overwrites a file unless you pass --force', options.out);
  }
  const result = simulate(graph, hardware, { seed: options.seed });
  const overflow = hardware.config.accumulator.overflow;
  const text =
    options.format === 'json'
      ? jsonReport(result, overflow)
      : options.format === 'csv'
        ? csvReport(result, overflow)
        : options.format === 'md'
          ? markdownReport(result, overflow)
          : tableReport(result, overflow, paint(options.out === undefined ? io : { ...io, colour: false }));
  if (options.out === undefined) io.stdout(text);
  else {
    writeFileSync(options.out, text);
    io.stdout(`wrote ${options.out}\n`);
  }
  return EXIT_OK;
}
