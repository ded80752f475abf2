/**
 * SCALE-Sim .cfg files, read as SCALE-Sim's Python configparser reads them: INI sections, `key = value`
 * or `key: value`, keys case-insensitive, section names case-sensitive, `#`/`;` comment lines,
 * indented continuation lines. Problems are InputErrors naming file, line and column.
 */
import type { Dataflow } from '../dataflow/index.js';
import { InputError } from '../errors.js';
import { closestName } from '../messages/didYouMean.js';
import { MAX_ARRAY_SIDE, MAX_CONFIG_INTEGER, shownText } from './limits.js';

/** SCALE-Sim's three dataflows: npusim's of the same names (src/dataflow/). */
export type ScaleSimDataflow = Extract<Dataflow, 'os' | 'ws' | 'is'>;
export type BandwidthMode = 'CALC' | 'USER';

export interface ScaleSimConfig {
  runName: string;
  /** Systolic array rows (ArrayHeight) and columns (ArrayWidth). */
  arrayRows: number;
  arrayCols: number;
  ifmapSramKiB: number;
  filterSramKiB: number;
  ofmapSramKiB: number;
  /** Address bases; they only shape SCALE-Sim's traces, never a report value. */
  ifmapOffset: number;
  filterOffset: number;
  ofmapOffset: number;
  dataflow: ScaleSimDataflow;
  bandwidthMode: BandwidthMode;
  /**
   * The `Bandwidth` list. USER mode requires it (SCALE-Sim uses the first value for all three
   * operands); CALC mode never uses it and keeps it only when it is a valid list (else []), for
   * `npusim import scalesim`, which writes it as the DRAM bandwidth.
   */
  bandwidthsWordsPerCycle: number[];
  /** DRAM words per cycle used in USER mode: the first Bandwidth value (0 in CALC mode). */
  userBandwidthWordsPerCycle: number;
  memoryBanks: number;
  /** `[section] key` of every setting read but not used (SCALE-Sim v3 keys and the like). */
  ignoredKeys: string[];
  /** Where each setting read from the file is: `line:column` of its value (for messages about it). */
  locations?: Readonly<Partial<Record<ScaleSimSetting, string>>>;
}

/** The settings SCALE-Sim v2 reads, spelt as its example configs spell them, per section. */
const KNOWN_SETTINGS = {
  general: ['run_name'],
  architecture_presets: [
    'ArrayHeight',
    'ArrayWidth',
    'IfmapSramSzkB',
    'FilterSramSzkB',
    'OfmapSramSzkB',
    'IfmapOffset',
    'FilterOffset',
    'OfmapOffset',
    'Dataflow',
    'Bandwidth',
    'MemoryBanks',
  ],
  run_presets: ['InterfaceBandwidth'],
} as const;

type KnownSection = keyof typeof KNOWN_SETTINGS;
export type ScaleSimSetting = (typeof KNOWN_SETTINGS)[KnownSection][number];

interface IniValue {
  value: string;
  line: number;
  /** 1-based column where the value starts. */
  column: number;
  /** The key as written (configparser compares keys in lower case), and its 1-based column. */
  key: string;
  keyColumn: number;
}

type IniSections = Map<string, { line: number; column: number; options: Map<string, IniValue> }>;

function parseIni(text: string, file: string): IniSections {
  const sections: IniSections = new Map();
  let current: Map<string, IniValue> | undefined;
  let lastValue: IniValue | undefined;
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, '');
    const lineNumber = index + 1;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) {
      if (trimmed === '') lastValue = undefined;
      return;
    }
    const indent = line.length - line.trimStart().length;
    if (indent > 0 && lastValue !== undefined) {
      lastValue.value += `\n${trimmed}`; // configparser's continuation line
      return;
    }
    const header = /^\[(.+)\]$/.exec(trimmed);
    if (header !== null) {
      const name = header[1] ?? '';
      if (sections.has(name))
        throw new InputError(
          `section [${shownText(name)}] appears twice (first on line ${sections.get(name)?.line})`,
          file,
          `${lineNumber}:${indent + 1}`,
        );
      current = new Map();
      sections.set(name, { line: lineNumber, column: indent + 1, options: current });
      lastValue = undefined;
      return;
    }
    if (current === undefined)
      throw new InputError('expected a section header such as [general] before the first setting', file, `${lineNumber}:${indent + 1}`);
    const delimiter = line.search(/[=:]/);
    if (delimiter < 0)
      throw new InputError(`expected "key = value" or "key: value", got "${shownText(trimmed)}"`, file, `${lineNumber}:${indent + 1}`);
    const written = line.slice(0, delimiter).trim();
    const key = written.toLowerCase();
    if (key === '') throw new InputError('a setting has no name before its "=" or ":"', file, `${lineNumber}:${delimiter + 1}`);
    const rest = line.slice(delimiter + 1);
    const value = rest.trim();
    if (current.has(key))
      throw new InputError(
        `setting "${shownText(key)}" appears twice in this section (first on line ${current.get(key)?.line})`,
        file,
        `${lineNumber}:${indent + 1}`,
      );
    lastValue = {
      value,
      line: lineNumber,
      column: delimiter + 2 + (rest.length - rest.trimStart().length),
      key: written,
      keyColumn: indent + 1,
    };
    current.set(key, lastValue);
  });
  return sections;
}

function isKnownSection(section: string): section is KnownSection {
  return Object.hasOwn(KNOWN_SETTINGS, section);
}

function knownKeys(section: string): readonly string[] {
  return isKnownSection(section) ? KNOWN_SETTINGS[section] : [];
}

/**
 * SCALE-Sim ignores keys and sections it does not read, and then stops (or runs without a value) on
 * the setting that is missing. A name within a typo of a setting or section the file lacks is that
 * typo: it is an error suggesting the right name. Every other unknown name stays a note.
 */
function checkMisspellings(sections: IniSections, file: string): void {
  const missingSections = Object.keys(KNOWN_SETTINGS).filter((section) => !sections.has(section));
  for (const [section, { line, column, options }] of sections) {
    if (!isKnownSection(section)) {
      const meant = closestName(section, missingSections);
      if (meant !== undefined)
        throw new InputError(`unknown section [${shownText(section)}] (did you mean [${meant}]?)`, file, `${line}:${column}`);
      continue;
    }
    const missing = KNOWN_SETTINGS[section].filter((key) => !options.has(key.toLowerCase()));
    for (const value of options.values()) {
      if (knownKeys(section).some((key) => key.toLowerCase() === value.key.toLowerCase())) continue;
      const meant = closestName(value.key, missing);
      if (meant !== undefined) {
        throw new InputError(
          `unknown key "${shownText(value.key)}" in [${section}] (did you mean "${meant}"?)`,
          file,
          `${value.line}:${value.keyColumn}`,
        );
      }
    }
  }
}

class ConfigReader {
  readonly locations: Partial<Record<ScaleSimSetting, string>> = {};

  constructor(
    private readonly sections: IniSections,
    private readonly file: string,
  ) {}

  private where(value: IniValue): string {
    return `${value.line}:${value.column}`;
  }

  find(section: string, key: ScaleSimSetting): IniValue | undefined {
    const found = this.sections.get(section)?.options.get(key.toLowerCase());
    if (found !== undefined) this.locations[key] = this.where(found);
    return found;
  }

  required(section: string, key: ScaleSimSetting, expected: string): IniValue {
    const found = this.find(section, key);
    if (found !== undefined) return found;
    const where = this.sections.get(section);
    if (where === undefined) throw new InputError(`missing section [${section}] (it holds ${key}: ${expected})`, this.file);
    throw new InputError(`missing setting ${key} in section [${section}] (expected ${expected})`, this.file, `${where.line}:1`);
  }

  /** An integer from `minimum` to `maximum`; past the maximum, `why` says what the bound keeps. */
  integer(value: IniValue, key: string, minimum: number, maximum = MAX_CONFIG_INTEGER, why = 'the largest 32-bit integer'): number {
    const text = value.value;
    const shown = text === '' ? 'nothing' : `"${shownText(text)}"`;
    const expected = minimum > 0 ? 'a positive integer' : 'a non-negative integer';
    if (!/^[+-]?\d+$/.test(text)) throw new InputError(`${key} must be ${expected}, got ${shown}`, this.file, this.where(value));
    const number = Number(text);
    if (number < minimum) throw new InputError(`${key} must be ${expected}, got ${shownText(text)}`, this.file, this.where(value));
    if (number > maximum)
      throw new InputError(`${key} must be at most ${maximum} (${why}), got ${shownText(text)}`, this.file, this.where(value));
    return number;
  }

  requiredInteger(section: string, key: ScaleSimSetting, minimum: number, maximum?: number, why?: string): number {
    return this.integer(this.required(section, key, minimum > 0 ? 'a positive integer' : 'an integer'), key, minimum, maximum, why);
  }

  optionalInteger(section: string, key: ScaleSimSetting, minimum: number, fallback: number): number {
    const found = this.find(section, key);
    return found === undefined ? fallback : this.integer(found, key, minimum);
  }

  oneOf<T extends string>(section: string, key: ScaleSimSetting, choices: readonly T[]): T {
    const value = this.required(section, key, choices.join(' or '));
    const match = choices.find((choice) => choice === value.value);
    if (match === undefined) {
      throw new InputError(
        `${key} must be ${choices.join(' or ')}, got ${value.value === '' ? 'nothing' : `"${shownText(value.value)}"`}`,
        this.file,
        this.where(value),
      );
    }
    return match;
  }

  integerList(section: string, key: ScaleSimSetting): number[] {
    const value = this.required(section, key, 'words per cycle, e.g. 10 (a comma-separated list; the first value is used)');
    let offset = 0;
    return value.value.split(',').map((part, index) => {
      const leading = part.length - part.trimStart().length;
      const entry = { ...value, value: part.trim(), column: value.column + offset + leading };
      offset += part.length + 1;
      return this.integer(entry, `${key} value ${index + 1}`, 1);
    });
  }

  /** The list when present and valid, else [] (for a setting SCALE-Sim does not read). */
  optionalIntegerList(section: string, key: ScaleSimSetting): number[] {
    if (this.find(section, key) === undefined) return [];
    try {
      return this.integerList(section, key);
    } catch (error) {
      if (error instanceof InputError) return [];
      throw error;
    }
  }

  ignoredKeys(): string[] {
    const ignored: string[] = [];
    for (const [section, { options }] of this.sections) {
      const known = knownKeys(section).map((key) => key.toLowerCase());
      for (const key of options.keys()) if (!known.includes(key)) ignored.push(`[${shownText(section)}] ${shownText(key)}`);
    }
    return ignored;
  }
}

/** SCALE-Sim's defaults for the address bases (scale_config.py); they do not affect any report. */
const DEFAULT_OFFSETS = { ifmap: 0, filter: 10_000_000, ofmap: 20_000_000 };

/** Parses a .cfg file's text; `file` names it in messages. */
export function parseScaleSimConfig(text: string, file: string): ScaleSimConfig {
  const sections = parseIni(text, file);
  checkMisspellings(sections, file);
  const reader = new ConfigReader(sections, file);
  const runName = reader.required('general', 'run_name', 'a name for the output folder').value;
  const bandwidthMode = reader.oneOf('run_presets', 'InterfaceBandwidth', ['CALC', 'USER'] as const);
  const arch = 'architecture_presets';
  const arraySide = 'so that the model stays exact and its demand rows small';
  const arrayRows = reader.requiredInteger(arch, 'ArrayHeight', 1, MAX_ARRAY_SIDE, arraySide);
  const arrayCols = reader.requiredInteger(arch, 'ArrayWidth', 1, MAX_ARRAY_SIDE, arraySide);
  const ifmapSramKiB = reader.requiredInteger(arch, 'IfmapSramSzkB', 1);
  const filterSramKiB = reader.requiredInteger(arch, 'FilterSramSzkB', 1);
  const ofmapSramKiB = reader.requiredInteger(arch, 'OfmapSramSzkB', 1);
  const ifmapOffset = reader.optionalInteger(arch, 'IfmapOffset', 0, DEFAULT_OFFSETS.ifmap);
  const filterOffset = reader.optionalInteger(arch, 'FilterOffset', 0, DEFAULT_OFFSETS.filter);
  const ofmapOffset = reader.optionalInteger(arch, 'OfmapOffset', 0, DEFAULT_OFFSETS.ofmap);
  const dataflow = reader.oneOf(arch, 'Dataflow', ['os', 'ws', 'is'] as const);
  const memoryBanks = reader.optionalInteger(arch, 'MemoryBanks', 1, 1);
  // SCALE-Sim reads Bandwidth only in USER mode; in CALC mode it may hold anything, or be missing.
  const bandwidthsWordsPerCycle =
    bandwidthMode === 'USER' ? reader.integerList(arch, 'Bandwidth') : reader.optionalIntegerList(arch, 'Bandwidth');
  return {
    runName,
    arrayRows,
    arrayCols,
    ifmapSramKiB,
    filterSramKiB,
    ofmapSramKiB,
    ifmapOffset,
    filterOffset,
    ofmapOffset,
    dataflow,
    bandwidthMode,
    bandwidthsWordsPerCycle,
    userBandwidthWordsPerCycle: bandwidthMode === 'USER' ? (bandwidthsWordsPerCycle[0] ?? 0) : 0,
    memoryBanks,
    ignoredKeys: reader.ignoredKeys(),
    locations: reader.locations,
  };
}
