/** The documents module's public entry: rendering, the documents' words, sending a file. */
export { labelsFor } from './document.labels';
export { formatTime } from './document.model';
export { contentDisposition, sendDocument } from './documents.routes';
export { renderPlan, renderReport, type DocumentFile, type DocumentFormat } from './documents.service';
export { evidenceOf } from './evidence.data';
export type { PlannedStepActual, ReleaseReportData } from './report.data';
