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
