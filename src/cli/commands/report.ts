/**
 * `npusim report FILE --out report.html`: a JSON report, a sweep file, or a study or evaluation
 * file drawn as one self-contained HTML page (charts with the exact numbers beside them).
 */
import { loadHardwareFile } from '../../formats/loadHardware.js';
import { pageForFile, renderPage } from '../../html/index.js';
import { defineCommand } from '../command.js';
import { type CliIO, EXIT_OK } from '../io.js';
import { forceOption, required, requiredStringOption, stringOption } from '../options.js';
import { OutputPlan, writeAll } from '../outputs.js';

export interface ReportCommandOptions {
  readonly file: string;
  readonly out: string;
  readonly force: boolean;
  readonly x: string | undefined;
  readonly y: string | undefined;
  readonly colour: string | undefined;
  readonly graph: string | undefined;
  readonly hardware: string | undefined;
}

export async function runReportCommand(options: ReportCommandOptions, io: CliIO): Promise<number> {
  const plan = new OutputPlan(options.force).addInputs([options.file, options.hardware], 'an input of this report');
  const out = plan.file(options.out, '--out');
  const page = pageForFile(options.file, {
    ...(options.x === undefined ? {} : { x: options.x }),
    ...(options.y === undefined ? {} : { y: options.y }),
    ...(options.colour === undefined ? {} : { colour: options.colour }),
    ...(options.graph === undefined ? {} : { graph: options.graph }),
    ...(options.hardware === undefined ? {} : { hardware: options.hardware, energyTable: loadHardwareFile(options.hardware).energy.name }),
  });
  writeAll(plan, [[out, await renderPage(page)]]);
  io.stdout(`wrote ${out} (the ${page.kind} page of ${options.file})\n`);
  return EXIT_OK;
}

export const reportCommand = defineCommand({
  command: 'report <file>',
  describe: 'draw a JSON report, sweep file, or study or evaluation file as one self-contained HTML page',
  builder: (parser) =>
    parser
      .positional('file', {
        type: 'string',
        demandOption: true,
        describe: 'RESULT.json (run --format json), SWEEP.csv|.jsonl, or STUDY.json / EVALUATION.json (--format json)',
      })
      .option('out', requiredStringOption('out', 'the HTML file to write'))
      .option('x', stringOption('x', 'sweep: the column on the x axis (default cycles)'))
      .option('y', stringOption('y', 'sweep: the column on the y axis (default energyPj)'))
      .option('color', stringOption('color', 'sweep: the parameter the points are coloured by (default the first that varies)'))
      .option('graph', stringOption('graph', 'sweep: the graph it ran, to name on the page (a sweep file does not record it)'))
      .option('hw', stringOption('hw', 'sweep: its base hardware config, to name on the page'))
      .option('force', forceOption),
  run: (args, io) =>
    runReportCommand(
      {
        file: required(args.file, 'FILE'),
        out: args.out,
        force: args.force,
        x: args.x,
        y: args.y,
        colour: args.color,
        graph: args.graph,
        hardware: args.hw,
      },
      io,
    ),
});
