/**
 * The releases module's public entry: the release workflow's core (actions, facts, deps) and the
 * reads other modules may make of releases.
 */
export type { ReleaseDeps, ChangeApproval } from './release.deps';
export { factsOf, rulesOf } from './release.facts';
export {
  changeIdsOf,
  findRelease,
  itemsOf,
  lockRelease,
  openReleases,
  type Release,
} from './release.repository';
export { evidenceCitation, releaseDetailView } from './release.schemas';
export { getRelease, publishChange, runAction, type OneShot } from './release.service';
