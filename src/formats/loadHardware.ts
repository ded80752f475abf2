/**
 * Loading a hardware config: JSON, the schema, the energy table it names, then the resolved machine
 * (src/hardware/resolve.ts checks the rules a schema cannot state and fills in every default).
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { type EnergyPrice, type EnergyTable, resolveEnergyTable } from '../hardware/energy.js';
import type { Hardware } from '../hardware/model.js';
import { checkHardwareRules, resolveHardware } from '../hardware/resolve.js';
import { didYouMean } from '../messages/didYouMean.js';
import { type EnergyTableFile, energyTableSchema, type HardwareConfig, hardwareSchema } from './hardwareSchema.js';
import { requireKind } from './fileKind.js';
import { ENERGY_TABLES_DIR } from './paths.js';
import { readJsonFile } from './readJson.js';
import { validateWith } from './validate.js';

export type { EnergyPrice, EnergyTable };
export { checkHardwareRules };

/** The machine, as read from a file or from data in memory. */
export type LoadedHardware = Hardware;

function availableTables(): string[] {
  if (!existsSync(ENERGY_TABLES_DIR)) return [];
  return readdirSync(ENERGY_TABLES_DIR)
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
}

/**
 * A named table in configs/energy/, or a path (relative to the config file `relativeTo`) to a table
 * file; `configFile` names the config in messages.
 */
function resolveTableFile(reference: string, configFile: string, relativeTo = configFile): string {
  if (reference.endsWith('.json') || reference.includes('/')) {
    return isAbsolute(reference) ? reference : resolve(dirname(relativeTo), reference);
  }
  const file = join(ENERGY_TABLES_DIR, `${reference}.json`);
  if (!existsSync(file)) {
    const names = availableTables();
    throw new InputError(
      `no energy table named "${reference}"${didYouMean(reference, names)}; the tables in configs/energy/ are: ${names.join(', ')}`,
      configFile,
      '$.energy.table',
    );
  }
  return file;
}

/** Checks that a table prices every action exactly once and nothing else. */
export function energyTableFrom(table: Omit<EnergyTableFile, '$schema'>, file: string, pathPrefix: string): EnergyTable {
  return resolveEnergyTable(table, file, pathPrefix);
}

export function loadEnergyTableFile(file: string): EnergyTable {
  const data = readJsonFile(file, 'an energy table (JSON)');
  requireKind(data, 'energy', file);
  const table = validateWith(energyTableSchema, data, file);
  return energyTableFrom(table, file, '$');
}

export function loadHardwareConfig(config: HardwareConfig, file: string): Hardware {
  checkHardwareRules(config, file);
  const energy =
    'table' in config.energy
      ? loadEnergyTableFile(resolveTableFile(config.energy.table, file))
      : energyTableFrom(config.energy, file, '$.energy');
  return resolveHardware(config, file, energy);
}

/**
 * Validates and checks a config held in memory (a sweep point made from a file): `label` names it
 * in messages, and a relative energy-table path resolves against `relativeTo`, the file it came
 * from. Tables read are kept in `tables` (by path) when given, so many points read each once.
 */
export function loadHardwareData(data: unknown, label: string, relativeTo: string, tables?: Map<string, EnergyTable>): Hardware {
  const config = validateWith(hardwareSchema, data, label);
  checkHardwareRules(config, label);
  return resolveHardware(config, label, energyOf(config, label, relativeTo, tables));
}

/** The energy table a config names (read once per path when `tables` is given) or holds inline. */
export function energyOf(config: HardwareConfig, label: string, relativeTo: string, tables?: Map<string, EnergyTable>): EnergyTable {
  if (!('table' in config.energy)) return energyTableFrom(config.energy, label, '$.energy');
  const tableFile = resolveTableFile(config.energy.table, label, relativeTo);
  let energy = tables?.get(tableFile);
  if (energy === undefined) {
    energy = loadEnergyTableFile(tableFile);
    tables?.set(tableFile, energy);
  }
  return energy;
}

/** Reads, validates and checks a hardware config file. */
export function loadHardwareFile(file: string): Hardware {
  const data = readJsonFile(file, 'a hardware config (JSON)');
  requireKind(data, 'hardware', file);
  const config = validateWith(hardwareSchema, data, file);
  return loadHardwareConfig(config, file);
}
