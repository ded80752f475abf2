/**
 * Loading a hardware config: JSON, the schema, then the rules a schema cannot state (a rounding that
 * contradicts a library mode, duplicate operand modes) and the energy table it names.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { ENERGY_ACTIONS, type EnergyAction, MAC_ACTIONS } from '../hardware/energyActions.js';
import { LIBRARY_ROUNDING, takesRounding } from '../numeric/requant.js';
import { closestName, didYouMean } from './didYouMean.js';
import { type EnergyTableFile, energyTableSchema, type HardwareConfig, hardwareSchema } from './hardwareSchema.js';
import { requireKind } from './fileKind.js';
import { ENERGY_TABLES_DIR } from './paths.js';
import { readJsonFile } from './readJson.js';
import { validateWith } from './validate.js';
import { checkScaleSimTimingRules } from './scaleSimTimingRules.js';

export interface EnergyPrice {
  readonly pJ: number;
  readonly source: string;
  readonly scaling?: string;
}

export interface EnergyTable {
  readonly name: string;
  readonly node?: string;
  /** The file the table came from, or the hardware config for an inline table. */
  readonly file: string;
  readonly prices: ReadonlyMap<EnergyAction, EnergyPrice>;
}

export interface LoadedHardware {
  readonly file: string;
  readonly config: HardwareConfig;
  readonly energy: EnergyTable;
}

/** Checks the rules between fields; `file` names the config in messages. */
export function checkHardwareRules(config: HardwareConfig, file: string): void {
  const { requant } = config;
  if (takesRounding(requant.mode)) {
    if (requant.rounding === undefined) {
      throw new InputError(
        `missing: the ${requant.mode} mode takes a rounding; expected one of floor, trunc, half-up, half-away, half-even, stochastic`,
        file,
        '$.requant.rounding',
      );
    }
  } else if (requant.rounding !== undefined) {
    throw new InputError(
      `the ${requant.mode} mode fixes its own rounding (${LIBRARY_ROUNDING[requant.mode] ?? ''}); remove "rounding", or choose the hvx or shift-only mode to set one`,
      file,
      '$.requant.rounding',
    );
  }
  if (requant.shiftBias !== undefined && requant.mode !== 'shift-only') {
    throw new InputError(`shiftBias (S-DFP) applies to the shift-only mode only, not ${requant.mode}`, file, '$.requant.shiftBias');
  }
  const seen = new Map<string, number>();
  config.array.operandModes.forEach((mode, index) => {
    const key = `${mode.weights}x${mode.activations}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new InputError(`operand mode ${key} is listed twice (also at operandModes[${earlier}])`, file, `$.array.operandModes[${index}]`);
    }
    seen.set(key, index);
    const bits = (type: string) => Number(type.slice(1));
    if (!(MAC_ACTIONS as readonly string[]).includes(`mac.w${bits(mode.weights)}a${bits(mode.activations)}`)) {
      throw new InputError(
        `operand mode ${key} has no MAC energy action; energy tables price ${MAC_ACTIONS.map((action) => action.slice('mac.'.length)).join(', ')} (w = weight bits, a = activation bits)`,
        file,
        `$.array.operandModes[${index}]`,
      );
    }
  });
  if (requant.stochasticSeed !== undefined && requant.rounding !== 'stochastic') {
    throw new InputError('stochasticSeed is only used with "rounding": "stochastic"; remove it or choose stochastic rounding', file, '$.requant.stochasticSeed');
  }
  if (requant.rounding === 'stochastic' && requant.stochasticSeed === undefined) {
    throw new InputError('missing: stochastic rounding needs a stochasticSeed (a whole number), so that runs repeat', file, '$.requant.stochasticSeed');
  }
  if (requant.outputsPerCycle !== undefined && requant.unit === 'vector') {
    throw new InputError('outputsPerCycle sets the dedicated unit\'s rate; with "unit": "vector" the vector unit\'s opCycles.requant does', file, '$.requant.outputsPerCycle');
  }
  checkScaleSimTimingRules(config, file);
}

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
  const prices = new Map<EnergyAction, EnergyPrice>();
  table.entries.forEach((entry, index) => {
    const where = `${pathPrefix}.entries[${index}].action`;
    if (!(ENERGY_ACTIONS as readonly string[]).includes(entry.action)) {
      const hint = closestName(entry.action, ENERGY_ACTIONS);
      throw new InputError(
        `unknown action "${entry.action}"${hint === undefined ? '' : ` (did you mean "${hint}"?)`}; expected one of ${ENERGY_ACTIONS.join(', ')}`,
        file,
        where,
      );
    }
    const action = entry.action as EnergyAction;
    if (prices.has(action)) throw new InputError(`action "${action}" is priced twice`, file, where);
    prices.set(action, { pJ: entry.pJ, source: entry.source, ...(entry.scaling === undefined ? {} : { scaling: entry.scaling }) });
  });
  const missing = ENERGY_ACTIONS.filter((action) => !prices.has(action));
  if (missing.length > 0) {
    throw new InputError(`the table does not price ${missing.join(', ')}; every action needs a price and a source`, file, `${pathPrefix}.entries`);
  }
  return { name: table.name, ...(table.node === undefined ? {} : { node: table.node }), file, prices };
}

export function loadEnergyTableFile(file: string): EnergyTable {
  const data = readJsonFile(file, 'an energy table (JSON)');
  requireKind(data, 'energy', file);
  const table = validateWith(energyTableSchema, data, file);
  return energyTableFrom(table, file, '$');
}

export function loadHardwareConfig(config: HardwareConfig, file: string): LoadedHardware {
  checkHardwareRules(config, file);
  const energy =
    'table' in config.energy
      ? loadEnergyTableFile(resolveTableFile(config.energy.table, file))
      : energyTableFrom(config.energy, file, '$.energy');
  return { file, config, energy };
}

/**
 * Validates and checks a config held in memory (a sweep point made from a file): `label` names it
 * in messages, and a relative energy-table path resolves against `relativeTo`, the file it came
 * from. Tables read are kept in `tables` (by path) when given, so many points read each once.
 */
export function loadHardwareData(data: unknown, label: string, relativeTo: string, tables?: Map<string, EnergyTable>): LoadedHardware {
  const config = validateWith(hardwareSchema, data, label);
  checkHardwareRules(config, label);
  if (!('table' in config.energy)) return { file: label, config, energy: energyTableFrom(config.energy, label, '$.energy') };
  const tableFile = resolveTableFile(config.energy.table, label, relativeTo);
  let energy = tables?.get(tableFile);
  if (energy === undefined) {
    energy = loadEnergyTableFile(tableFile);
    tables?.set(tableFile, energy);
  }
  return { file: label, config, energy };
}

/** Reads, validates and checks a hardware config file. */
export function loadHardwareFile(file: string): LoadedHardware {
  const data = readJsonFile(file, 'a hardware config (JSON)');
  requireKind(data, 'hardware', file);
  const config = validateWith(hardwareSchema, data, file);
  return loadHardwareConfig(config, file);
}
