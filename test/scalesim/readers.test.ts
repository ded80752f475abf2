/**
 * The .cfg and topology readers accept what SCALE-Sim's own files contain and reject anything else
 * with one InputError naming file, line and column and what was expected.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseScaleSimConfig } from '../../src/scalesim/config.js';
import { runScaleSimFiles } from '../../src/scalesim/index.js';
import { parseTopology } from '../../src/scalesim/topology.js';
import { sharedFiles, sharedPath } from '../support/sharedFolder.js';

function inputError(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof InputError) return error.describe();
    throw error;
  }
  throw new Error('expected an InputError');
}

const GOOD_CFG = `[general]
run_name = test_run

[architecture_presets]
ArrayHeight:    32
ArrayWidth:     16
IfmapSramSzkB:    64
FilterSramSzkB:   32
OfmapSramSzkB:    8
IfmapOffset:    0
FilterOffset:   10000000
OfmapOffset:    20000000
Bandwidth : 10,20
Dataflow : ws
MemoryBanks:   1

[run_presets]
InterfaceBandwidth: USER
`;

describe('SCALE-Sim .cfg reader', () => {
  it('reads every shipped anchor cfg', () => {
    for (const file of sharedFiles('anchors/scalesim/cfgs', '.cfg')) {
      const config = parseScaleSimConfig(readFileSync(file, 'utf8'), file);
      expect(['os', 'ws', 'is']).toContain(config.dataflow);
      expect(config.ignoredKeys).toEqual([]);
    }
  });

  it('reads keys case-insensitively, both delimiters, comments, CRLF, the first Bandwidth value', () => {
    const text =
      `# a comment\r\n${GOOD_CFG.replace('ArrayHeight:', 'arrayheight =').replace('[run_presets]', '; another\n[run_presets]')}`.replace(
        /\n/g,
        '\r\n',
      );
    const config = parseScaleSimConfig(text, 'a.cfg');
    expect(config).toMatchObject({
      runName: 'test_run',
      arrayRows: 32,
      arrayCols: 16,
      ifmapSramKiB: 64,
      filterSramKiB: 32,
      ofmapSramKiB: 8,
      dataflow: 'ws',
      bandwidthMode: 'USER',
      bandwidthsWordsPerCycle: [10, 20],
      userBandwidthWordsPerCycle: 10,
    });
  });

  it('CALC mode ignores Bandwidth; offsets and MemoryBanks are optional; unknown keys are listed', () => {
    const text = GOOD_CFG.replace('USER', 'CALC')
      .replace('Bandwidth : 10,20', 'Bandwidth : whatever')
      .replace(/.*Offset.*\n/g, '')
      .replace('MemoryBanks:   1', 'ReadRequestBuffer: 32');
    const config = parseScaleSimConfig(text, 'a.cfg');
    expect(config.bandwidthMode).toBe('CALC');
    expect(config.filterOffset).toBe(10_000_000);
    expect(config.ignoredKeys).toEqual(['[architecture_presets] readrequestbuffer']);
  });

  const cases: Array<[string, string, string]> = [
    [
      'a non-integer array size',
      GOOD_CFG.replace('ArrayHeight:    32', 'ArrayHeight:    3x2'),
      'a.cfg:5:17: ArrayHeight must be a positive integer, got "3x2"',
    ],
    [
      'a zero SRAM size',
      GOOD_CFG.replace('OfmapSramSzkB:    8', 'OfmapSramSzkB:    0'),
      'a.cfg:9:19: OfmapSramSzkB must be a positive integer, got 0',
    ],
    ['an unknown dataflow', GOOD_CFG.replace('Dataflow : ws', 'Dataflow : rs'), 'a.cfg:14:12: Dataflow must be os or ws or is, got "rs"'],
    [
      'an unknown bandwidth mode',
      GOOD_CFG.replace('InterfaceBandwidth: USER', 'InterfaceBandwidth: user'),
      'a.cfg:18:21: InterfaceBandwidth must be CALC or USER, got "user"',
    ],
    [
      'a bad bandwidth list entry',
      GOOD_CFG.replace('Bandwidth : 10,20', 'Bandwidth : 10, x'),
      'a.cfg:13:17: Bandwidth value 2 must be a positive integer, got "x"',
    ],
    [
      'a missing key',
      GOOD_CFG.replace('ArrayWidth:     16\n', ''),
      'a.cfg:4:1: missing setting ArrayWidth in section [architecture_presets] (expected a positive integer)',
    ],
    [
      'a missing section',
      GOOD_CFG.replace(/\[run_presets\][\s\S]*$/, ''),
      'a.cfg: missing section [run_presets] (it holds InterfaceBandwidth: CALC or USER)',
    ],
    [
      'a setting before any section',
      `run_name = x\n${GOOD_CFG}`,
      'a.cfg:1:1: expected a section header such as [general] before the first setting',
    ],
    [
      'a line without a delimiter',
      GOOD_CFG.replace('MemoryBanks:   1', 'MemoryBanks 1'),
      'a.cfg:15:1: expected "key = value" or "key: value", got "MemoryBanks 1"',
    ],
    [
      'a duplicate key',
      GOOD_CFG.replace('MemoryBanks:   1', 'Dataflow: os'),
      'a.cfg:15:1: setting "dataflow" appears twice in this section (first on line 14)',
    ],
    ['a duplicate section', `${GOOD_CFG}[general]\nrun_name = y\n`, 'a.cfg:19:1: section [general] appears twice (first on line 1)'],
    [
      'a misspelt key',
      GOOD_CFG.replace('ArrayHeight:', 'ArrayHieght:'),
      'a.cfg:5:1: unknown key "ArrayHieght" in [architecture_presets] (did you mean "ArrayHeight"?)',
    ],
    [
      'a misspelt key in lower case',
      GOOD_CFG.replace('InterfaceBandwidth:', 'interfacebandwith:'),
      'a.cfg:18:1: unknown key "interfacebandwith" in [run_presets] (did you mean "InterfaceBandwidth"?)',
    ],
    [
      'a misspelt optional key',
      GOOD_CFG.replace('MemoryBanks:', 'MemoryBank:'),
      'a.cfg:15:1: unknown key "MemoryBank" in [architecture_presets] (did you mean "MemoryBanks"?)',
    ],
    [
      'a misspelt section',
      GOOD_CFG.replace('[architecture_presets]', '[architecture_preset]'),
      'a.cfg:4:1: unknown section [architecture_preset] (did you mean [architecture_presets]?)',
    ],
    [
      'an array side past 2^20',
      GOOD_CFG.replace('ArrayWidth:     16', 'ArrayWidth:     1048577'),
      'a.cfg:6:17: ArrayWidth must be at most 1048576 (so that the model stays exact and its demand rows small), got 1048577',
    ],
    [
      'a Bandwidth past 32 bits',
      GOOD_CFG.replace('Bandwidth : 10,20', 'Bandwidth : 10, 2147483648'),
      'a.cfg:13:17: Bandwidth value 2 must be at most 2147483647 (the largest 32-bit integer), got 2147483648',
    ],
    [
      'a huge number',
      GOOD_CFG.replace('OfmapSramSzkB:    8', `OfmapSramSzkB:    ${'9'.repeat(400)}`),
      `a.cfg:9:19: OfmapSramSzkB must be at most 2147483647 (the largest 32-bit integer), got ${'9'.repeat(60)}... (400 characters)`,
    ],
  ];
  for (const [what, text, message] of cases) {
    it(`rejects ${what}`, () => {
      expect(inputError(() => parseScaleSimConfig(text, 'a.cfg'))).toBe(message);
    });
  }
});

const HEADER = 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n';

describe('SCALE-Sim topology reader', () => {
  it('reads every shipped anchor topology', () => {
    expect(
      parseTopology(readFileSync(sharedPath('anchors/scalesim/topologies/mobilenet.csv'), 'utf8'), 'mobilenet.csv', 'conv'),
    ).toHaveLength(27);
    expect(
      parseTopology(readFileSync(sharedPath('anchors/scalesim/topologies/edge_small_mnk.csv'), 'utf8'), 'mnk.csv', 'gemm'),
    ).toHaveLength(4);
  });

  it('tolerates spaces, blank lines, CRLF, no final newline and a missing trailing comma', () => {
    const text = `${HEADER}Conv1,  224, 224,    11, 11,    3,      96,     4,\r\n\r\n  Conv2 ,8,9,3,2,5,7,1,2\nConv3,5,5,1,1,2,3,2`;
    const layers = parseTopology(text, 't.csv', 'conv');
    expect(layers.map(({ name, strideHeight, strideWidth, line }) => ({ name, strideHeight, strideWidth, line }))).toEqual([
      { name: 'Conv1', strideHeight: 4, strideWidth: 4, line: 2 },
      { name: 'Conv2', strideHeight: 1, strideWidth: 2, line: 4 },
      { name: 'Conv3', strideHeight: 2, strideWidth: 2, line: 5 },
    ]);
  });

  it('expands a "DP" layer into one single-channel layer per channel, as SCALE-Sim does', () => {
    const layers = parseTopology(`${HEADER}Conv2DP,10,10,3,3,3,1,1,\n`, 't.csv', 'conv');
    expect(layers.map((layer) => [layer.name, layer.channels])).toEqual([
      ['Conv2DPChannel_0', 1],
      ['Conv2DPChannel_1', 1],
      ['Conv2DPChannel_2', 1],
    ]);
  });

  it("turns M, N, K rows into SCALE-Sim's conv form", () => {
    const [layer] = parseTopology('Layer, M, N, K,\nG2,100,37,53,\n', 'g.csv', 'gemm');
    expect(layer).toMatchObject({
      ifmapHeight: 100,
      ifmapWidth: 53,
      filterHeight: 1,
      filterWidth: 53,
      channels: 1,
      numFilters: 37,
      strideHeight: 1,
      strideWidth: 1,
    });
  });

  it('a name close to a key the file has is no typo: it stays a note, as SCALE-Sim ignores it', () => {
    const config = parseScaleSimConfig(GOOD_CFG.replace('MemoryBanks:   1', 'MemoryBanks:   1\nArrayHieght: 7'), 'a.cfg');
    expect(config.arrayRows).toBe(32);
    expect(config.ignoredKeys).toEqual(['[architecture_presets] arrayhieght']);
  });

  it('SCALE-Sim v3 keys and sections stay notes', () => {
    const v3 = `${GOOD_CFG.replace('MemoryBanks:   1', 'MemoryBanks:   1\nReadRequestBuffer: 32\nWriteRequestBuffer: 32')}UseRamulatorTrace: False\n\n[layout]\nIfmapCustomLayout: False\nIfmapSRAMBankBandwidth: 10\n\n[sparsity]\nSparsitySupport : false\n`;
    expect(parseScaleSimConfig(v3, 'a.cfg').ignoredKeys).toEqual([
      '[architecture_presets] readrequestbuffer',
      '[architecture_presets] writerequestbuffer',
      '[run_presets] useramulatortrace',
      '[layout] ifmapcustomlayout',
      '[layout] ifmapsrambankbandwidth',
      '[sparsity] sparsitysupport',
    ]);
  });

  it('keeps where each setting is, for messages about it', () => {
    expect(parseScaleSimConfig(GOOD_CFG, 'a.cfg').locations).toMatchObject({
      run_name: '2:12',
      ArrayHeight: '5:17',
      Bandwidth: '13:13',
      InterfaceBandwidth: '18:21',
    });
  });
});

describe('SCALE-Sim topology reader, large inputs', () => {
  it('a "DP" row of 1,000,000 channels is 1,000,000 single-channel layers (it overflowed the stack)', () => {
    const layers = parseTopology(`${HEADER}BigDP,3,3,3,3,1000000,1,1,\n`, 't.csv', 'conv');
    expect(layers).toHaveLength(1_000_000);
    expect(layers[999_999]).toMatchObject({ name: 'BigDPChannel_999999', channels: 1, line: 2 });
  });

  it('rows past 2^20 layers are refused at the row that passes', () => {
    const rows = 'L,1,1,1,1,1,1,1,\n'.repeat(2 ** 20);
    expect(inputError(() => parseTopology(`${HEADER}${rows}Last,1,1,1,1,1,1,1,\n`, 't.csv', 'conv'))).toBe(
      `t.csv:${2 ** 20 + 2}:1: layer "Last": 1048577 layers in all, more than the 1048576 npusim runs at a time (one report row each); split the topology`,
    );
  });

  it('a GEMM dimension past 32 bits, and a long name cut in messages', () => {
    expect(inputError(() => parseTopology('Layer, M, N, K,\nG,4294967296,1,1,\n', 'g.csv', 'gemm'))).toBe(
      "g.csv:2:3: M must be at most 2147483647 (SCALE-Sim's addresses are 32-bit), got 4294967296",
    );
    const name = 'x'.repeat(100);
    expect(inputError(() => parseTopology(`Layer, M, N, K,\n${name},65536,65536,1,\n`, 'g.csv', 'gemm'))).toBe(
      `g.csv:2:1: the OFMAP of layer "${'x'.repeat(60)}... (100 characters)" has 4294967296 words, more than SCALE-Sim's 32-bit addresses hold (at most 2147483647)`,
    );
  });
});

describe('SCALE-Sim topology reader, errors', () => {
  const cases: Array<[string, string, 'conv' | 'gemm', string]> = [
    [
      'too few fields',
      `${HEADER}Conv1,224,224,11,11,3,96,\n`,
      'conv',
      't.csv:2:26: expected 8 or 9 fields (layer name, IFMAP height, IFMAP width, filter height, filter width, channels, number of filters, stride, stride width), got 7',
    ],
    [
      'too many fields',
      `${HEADER}Conv1,224,224,11,11,3,96,4,4,4,\n`,
      'conv',
      't.csv:2:30: expected 8 or 9 fields (layer name, IFMAP height, IFMAP width, filter height, filter width, channels, number of filters, stride, stride width), got 10',
    ],
    [
      'a non-integer',
      `${HEADER}Conv1, 224, 22.4, 11, 11, 3, 96, 4,\n`,
      'conv',
      't.csv:2:13: IFMAP width must be a positive integer, got "22.4"',
    ],
    [
      'an empty field',
      `${HEADER}Conv1,224,224,,11,3,96,4,\n`,
      'conv',
      't.csv:2:15: filter height must be a positive integer, got an empty field',
    ],
    ['a zero size', `${HEADER}Conv1,224,224,11,11,0,96,4,\n`, 'conv', 't.csv:2:21: channels must be a positive integer, got 0'],
    ['a negative stride', `${HEADER}Conv1,224,224,11,11,3,96,-4,\n`, 'conv', 't.csv:2:26: stride must be a positive integer, got "-4"'],
    [
      'a filter larger than the input',
      `${HEADER}Conv1,5,224,7,3,3,96,1,\n`,
      'conv',
      't.csv:2:13: filter height 7 is larger than the IFMAP height 5 (SCALE-Sim has no padding: give the padded size)',
    ],
    ['an empty layer name', `${HEADER} ,5,5,3,3,3,96,1,\n`, 'conv', 't.csv:2:2: the layer name is empty'],
    ['a GEMM row without K', 'Layer, M, N, K,\nG1,16,16,\n', 'gemm', 'g.csv:2:10: expected 4 fields (layer name, M, N, K), got 3'],
    ['no layers', HEADER, 'conv', 't.csv: no layers: expected a header line, then one conv layer row per line'],
  ];
  for (const [what, text, type, message] of cases) {
    it(`rejects ${what}`, () => {
      expect(inputError(() => parseTopology(text, type === 'gemm' ? 'g.csv' : 't.csv', type))).toBe(message);
    });
  }

  it('names a missing file instead of throwing a stack trace', () => {
    expect(inputError(() => runScaleSimFiles('/nonexistent/x.cfg', '/nonexistent/t.csv'))).toBe(
      '/nonexistent/x.cfg: no such file (expected a SCALE-Sim .cfg file)',
    );
  });
});
