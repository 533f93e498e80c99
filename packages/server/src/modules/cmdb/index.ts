/** The CMDB module's public entry: services and the reads other modules may make of the CMDB. */
export { snapshotCis } from './baseline.service';
export { updateCiIn } from './ci.service';
export type { ImpactGraphCache } from './impact.graph';
export {
  baselineSnapshots,
  ciIdsChangedByRelease,
  findBaseline,
  findCisByIds,
  listTypes,
} from './cmdb.repository';
// CM-5's file reading and limits, reused by other imports (identity: the chat contacts mapping).
export { csvTables, xlsxTables } from './transfer/tables';
export {
  checkedWorkbook,
  meteredUpload,
  tooManyRows,
  utf8Checked,
  type ImportLimits,
} from './transfer/import-limits';
