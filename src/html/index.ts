/** The HTML report: one self-contained page per result kind (run, sweep, study, evaluation). */
export { evaluationPage, studyPage } from './labPages.js';
export { pageForFile } from './load.js';
export { compileChart, type Page, type PageKind, renderPage, type Section } from './page.js';
export { CYCLE_PARTS, cycleParts, dramBytes, rooflineLayers, runPage } from './runPage.js';
export { DEFAULT_SWEEP_AXES, paretoFront2d, type SweepPageOptions, sweepPage } from './sweepPage.js';
