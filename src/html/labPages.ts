/**
 * The lab's pages: a study (accuracy against bits per scheme, per-layer SQNR with every layer
 * quantized and with each layer alone) and one evaluation (per-layer SQNR, the value ranges of
 * every layer against its number format's range).
 */
import { type EvaluationFile, SCHEME_FIELDS, type SchemeField, type StudyFile, type StudyFileRow } from '../lab/files.js';
import { categoryColour, chart, type Datum, layerAxis, layersWidth, linesWithPoints } from './charts.js';
import type { Page, Section } from './page.js';
import type { TableCell } from './table.js';

/** The scheme options that differ between a study's rows: what tells its schemes apart. */
export function varyingFields(rows: readonly StudyFileRow[]): SchemeField[] {
  return SCHEME_FIELDS.filter((field) => new Set(rows.map((row) => String(row[field]))).size > 1);
}

function label(row: StudyFileRow, fields: readonly SchemeField[]): string {
  const options = fields.map((field) => `${field}=${String(row[field])}`).join(' ');
  return options === '' ? `scheme ${row.index}` : `${row.index}: ${options}`;
}

const sqnrText = (value: number | null | undefined): TableCell => (value === null ? 'exact' : (value ?? null));

function sqnrSection(
  id: string,
  title: string,
  note: string,
  values: Datum[],
  seriesTitle: string,
  series: readonly string[],
  layers: readonly TableCell[][],
  columns: readonly string[],
): Section {
  return {
    id,
    title,
    note,
    chart: chart({
      width: layersWidth(layers.length),
      height: 260,
      data: { values },
      layer: linesWithPoints(id.replaceAll('-', '_'), {
        x: layerAxis(),
        y: { field: 'sqnrDb', type: 'quantitative', title: 'SQNR (dB)' },
        color: categoryColour('series', series, seriesTitle),
      }),
    }),
    tables: [{ columns, rows: layers }],
  };
}

export function studyPage(study: StudyFile): Page {
  const ran = study.rows.filter((row) => row.error === null && row.accuracy !== undefined);
  const fields = varyingFields(study.rows);
  const bits: SchemeField | undefined = fields.includes('weightBits')
    ? 'weightBits'
    : fields.includes('activationBits')
      ? 'activationBits'
      : undefined;
  const seriesFields = fields.filter((field) => field !== bits);
  const seriesOf = (row: StudyFileRow) =>
    seriesFields.length === 0 ? 'all schemes' : seriesFields.map((field) => `${field}=${String(row[field])}`).join(' ');
  const series = [...new Set(ran.map(seriesOf))];
  const accuracy: Datum[] = ran.map((row) => ({
    scheme: row.index,
    x: bits === undefined ? `scheme ${row.index}` : row[bits],
    accuracy: row.accuracy ?? null,
    series: seriesOf(row),
    weightBytes: row.weightBytes ?? null,
  }));
  const labels = ran.map((row) => label(row, fields));
  const layerNames = ran[0]?.layers?.map((layer) => layer.name) ?? [];
  const sqnrValues = (alone: boolean): Datum[] =>
    ran.flatMap((row, index) =>
      (row.layers ?? []).flatMap((layer) => {
        const value = alone ? layer.sqnrDbAlone : layer.sqnrDb;
        return value === null ? [] : [{ layer: layer.name, series: labels[index] as string, sqnrDb: value }];
      }),
    );
  const sqnrTable = (alone: boolean): TableCell[][] =>
    layerNames.map((name) => [
      name,
      ...ran.map((row) => sqnrText((row.layers ?? []).find((layer) => layer.name === name)?.[alone ? 'sqnrDbAlone' : 'sqnrDb'])),
    ]);
  const schemeColumns = [
    'scheme',
    ...fields,
    'top-1',
    'float top-1',
    'drop (points)',
    'agreement',
    'mean SQNR (dB)',
    'worst SQNR (dB)',
    'weight bytes',
    'cycles',
    'energy (pJ)',
    'acc. overflows',
    'clipped',
    'error',
  ];
  const schemeRows: TableCell[][] = study.rows.map((row) => [
    row.index,
    ...fields.map((field) => row[field]),
    row.accuracy ?? null,
    row.floatAccuracy ?? null,
    row.accuracyDropPoints ?? null,
    row.agreement ?? null,
    sqnrText(row.meanSqnrDb),
    sqnrText(row.worstSqnrDb),
    row.weightBytes ?? null,
    row.cycles ?? null,
    row.energyPj ?? null,
    row.accumulatorOverflows ?? null,
    row.outputClipped ?? null,
    row.error,
  ]);
  const layerColumns = ['layer', ...ran.map((row) => `scheme ${row.index}`)];
  return {
    kind: 'study',
    title: `npusim study: ${study.floatModel} on ${study.data}`,
    context: [
      ['float model', study.floatModel],
      ['data', `${study.data}, ${study.images} images`],
      ['hardware config', study.hardware],
      ['energy table', study.energyTable],
      ['schemes', `${study.rows.length} of ${study.schemes} in the grid (${study.rows.length - ran.length} could not run)`],
    ],
    sections: [
      {
        id: 'accuracy',
        title: bits === undefined ? 'Accuracy per scheme' : `Accuracy against ${bits}`,
        note: `Top-1 accuracy of each scheme run exactly on the NPU${seriesFields.length === 0 ? '' : `; one line per ${seriesFields.join(', ')}`}. The table holds every scheme's figures, and why a scheme could not run.`,
        chart: chart({
          width: bits === undefined ? layersWidth(ran.length, 28) : 420,
          height: 280,
          data: { values: accuracy },
          layer: linesWithPoints('study_accuracy', {
            x:
              bits === undefined
                ? { field: 'x', type: 'ordinal', sort: null, title: 'scheme' }
                : { field: 'x', type: 'ordinal', title: bits },
            y: { field: 'accuracy', type: 'quantitative', title: 'top-1 accuracy', axis: { format: '.2%' }, scale: { zero: false } },
            color: categoryColour('series', series, seriesFields.join(', ') || 'schemes'),
          }),
        }),
        tables: [{ columns: schemeColumns, rows: schemeRows }],
      },
      {
        id: 'memory',
        title: 'Accuracy against weight memory',
        note: 'Bytes of every constant at its width (float32 would take 4 bytes a value).',
        chart: chart({
          name: 'study_memory',
          width: 420,
          height: 280,
          data: { values: accuracy },
          mark: { type: 'point', filled: true, size: 70, tooltip: true },
          encoding: {
            x: { field: 'weightBytes', type: 'quantitative', title: 'weight bytes', scale: { zero: false } },
            y: { field: 'accuracy', type: 'quantitative', title: 'top-1 accuracy', axis: { format: '.2%' }, scale: { zero: false } },
            color: categoryColour('series', series, seriesFields.join(', ') || 'schemes'),
          },
        }),
        tables: [
          {
            columns: ['scheme', 'weight bytes', 'top-1'],
            rows: ran.map((row) => [row.index, row.weightBytes ?? null, row.accuracy ?? null]),
          },
        ],
      },
      sqnrSection(
        'sqnr-cumulative',
        'Per-layer SQNR, every layer quantized',
        'SQNR of each layer output against the float model with the whole network quantized (errors accumulate down the network); "exact" where the output equals the float one and nothing is drawn.',
        sqnrValues(false),
        'scheme',
        labels,
        sqnrTable(false),
        layerColumns,
      ),
      sqnrSection(
        'sqnr-alone',
        'Per-layer SQNR, each layer alone',
        'The same with only that layer quantized and float inputs: where a scheme loses precision, layer by layer.',
        sqnrValues(true),
        'scheme',
        labels,
        sqnrTable(true),
        layerColumns,
      ),
    ],
  };
}

export function evaluationPage(evaluation: EvaluationFile): Page {
  const { layers } = evaluation;
  const sqnr: Datum[] = layers.flatMap((layer) => [
    ...(layer.sqnrDb === null ? [] : [{ layer: layer.name, series: 'every layer quantized', sqnrDb: layer.sqnrDb }]),
    ...(layer.sqnrDbAlone === null ? [] : [{ layer: layer.name, series: 'layer alone', sqnrDb: layer.sqnrDbAlone }]),
  ]);
  const ranges: Datum[] = layers.flatMap((layer) => {
    const span = Math.max(Math.abs(layer.formatRange[0]), Math.abs(layer.formatRange[1])) || 1;
    return [
      { layer: layer.name, kind: 'format range', low: layer.formatRange[0] / span, high: layer.formatRange[1] / span },
      { layer: layer.name, kind: 'float values seen', low: layer.floatRange[0] / span, high: layer.floatRange[1] / span },
    ];
  });
  return {
    kind: 'evaluation',
    title: `npusim evaluate: ${evaluation.graph} on ${evaluation.data}`,
    context: [
      ['graph', evaluation.graph],
      ['float model', evaluation.floatModel],
      ['hardware config', evaluation.hardware],
      ['energy table', evaluation.energyTable],
      ['data', `${evaluation.data}, ${evaluation.images} images (layers alone on ${evaluation.aloneImages})`],
    ],
    sections: [
      {
        id: 'summary',
        title: 'Accuracy and cost',
        tables: [
          {
            columns: ['figure', 'value'],
            rows: [
              ['top-1 accuracy', evaluation.accuracy],
              ['float top-1 accuracy', evaluation.floatAccuracy],
              ['drop (points)', evaluation.accuracyDropPoints],
              ['agreement with float', evaluation.agreement],
              ...(evaluation.top5 === undefined
                ? []
                : ([
                    ['top-5 accuracy', evaluation.top5.accuracy],
                    ['float top-5 accuracy', evaluation.top5.floatAccuracy],
                  ] as [string, number][])),
              ['mean SQNR (dB)', sqnrText(evaluation.meanSqnrDb)],
              ['worst SQNR (dB)', sqnrText(evaluation.worstSqnrDb)],
              [`first layer below ${evaluation.sqnrThresholdDb} dB`, evaluation.firstLayerBelowThreshold ?? 'none'],
              ['weight bytes', evaluation.weightBytes],
              ['float32 weight bytes', evaluation.floatWeightBytes],
              ['cycles per image', evaluation.cycles],
              ['energy per image (pJ)', evaluation.energyPj],
              ['latency per image (ms)', evaluation.latencyMs],
              [
                'accumulator overflows (transient/final)',
                `${evaluation.overflow.accumulatorTransient}/${evaluation.overflow.accumulatorFinal}`,
              ],
              ['outputs clipped', evaluation.overflow.outputClipped],
              ['smallest safe accumulator (bits)', evaluation.smallestSafeAccumulatorBits],
            ],
          },
        ],
      },
      {
        id: 'sqnr',
        title: 'Per-layer SQNR',
        note: `Every layer quantized (errors accumulate) and each layer alone; the rule is the ${evaluation.sqnrThresholdDb} dB threshold. "exact" layers are not drawn.`,
        chart: chart({
          width: layersWidth(layers.length),
          height: 260,
          layer: [
            ...linesWithPoints(
              'evaluation_sqnr',
              {
                x: layerAxis(),
                y: { field: 'sqnrDb', type: 'quantitative', title: 'SQNR (dB)' },
                color: categoryColour('series', ['every layer quantized', 'layer alone'], 'SQNR'),
              },
              { values: sqnr },
            ),
            {
              name: 'evaluation_threshold',
              data: { values: [{ threshold: evaluation.sqnrThresholdDb }] },
              mark: { type: 'rule', color: '#e45756', strokeDash: [6, 3] },
              encoding: { y: { field: 'threshold', type: 'quantitative' } },
            },
          ],
        }),
        tables: [
          {
            columns: ['layer', 'op', 'type', 'SQNR (dB)', 'alone (dB)'],
            rows: layers.map((layer) => [layer.name, layer.op, layer.type, sqnrText(layer.sqnrDb), sqnrText(layer.sqnrDbAlone)]),
          },
        ],
      },
      {
        id: 'ranges',
        title: 'Value ranges against the number format',
        note: "Per layer output, the reals its format holds (wide bar) and the float model's values over the images (narrow bar), both divided by the format's largest magnitude so every layer fits one axis. A narrow bar past the wide one clips; one far inside it leaves bits unused. The table has the exact reals.",
        chart: chart({
          width: 460,
          height: { step: 18 },
          data: { values: ranges },
          layer: [
            {
              name: 'evaluation_format_ranges',
              transform: [{ filter: "datum.kind === 'format range'" }],
              mark: { type: 'bar', height: 14, color: '#c6dbef', tooltip: true },
              encoding: {
                y: { field: 'layer', type: 'ordinal', sort: null, title: 'layer' },
                x: { field: 'low', type: 'quantitative', title: "fraction of the format's largest magnitude" },
                x2: { field: 'high' },
              },
            },
            {
              name: 'evaluation_float_ranges',
              transform: [{ filter: "datum.kind === 'float values seen'" }],
              mark: { type: 'bar', height: 6, color: '#08519c', tooltip: true },
              encoding: {
                y: { field: 'layer', type: 'ordinal', sort: null },
                x: { field: 'low', type: 'quantitative' },
                x2: { field: 'high' },
              },
            },
          ],
        }),
        tables: [
          {
            columns: ['layer', 'type', 'format low', 'format high', 'float low', 'float high', 'clipped', 'used bits', 'unused bits'],
            rows: layers.map((layer) => [
              layer.name,
              layer.type,
              layer.formatRange[0],
              layer.formatRange[1],
              layer.floatRange[0],
              layer.floatRange[1],
              layer.clippedFraction,
              layer.usedBits,
              layer.unusedBits,
            ]),
          },
        ],
      },
    ],
  };
}
