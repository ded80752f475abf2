/** `npusim validate` accepts hardware configs, graphs and energy tables: tell them apart by their keys. */
import { InputError } from '../errors.js';
import type { Graph } from '../graph/model.js';
import { fileKindOf } from './fileKind.js';
import { graphSchema } from './graphSchema.js';
import { energyTableSchema, hardwareSchema } from './hardwareSchema.js';
import { type GraphLoadOptions, resolveGraph } from './loadGraph.js';
import { type EnergyTable, energyTableFrom, type LoadedHardware, loadHardwareConfig } from './loadHardware.js';
import { readJsonFile } from './readJson.js';
import { validateWith } from './validate.js';

export type LoadedFile =
  | { readonly kind: 'hardware'; readonly hardware: LoadedHardware }
  | { readonly kind: 'graph'; readonly graph: Graph }
  | { readonly kind: 'energy'; readonly table: EnergyTable };

export function loadAnyFile(file: string, options: GraphLoadOptions = {}): LoadedFile {
  const data = readJsonFile(file, 'a hardware config, graph or energy table (JSON)');
  switch (fileKindOf(data)) {
    case 'graph':
      return { kind: 'graph', graph: resolveGraph(validateWith(graphSchema, data, file), file, options) };
    case 'hardware':
      return { kind: 'hardware', hardware: loadHardwareConfig(validateWith(hardwareSchema, data, file), file) };
    case 'energy':
      return { kind: 'energy', table: energyTableFrom(validateWith(energyTableSchema, data, file), file, '$') };
    case undefined:
      break;
  }
  throw new InputError(
    'cannot tell what this file is: expected a graph (with "ops" and "tensors"), a hardware config (with "array") or an energy table (with "entries")',
    file,
    '$',
  );
}
