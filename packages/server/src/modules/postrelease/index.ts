/** The post-release module's public entry. */
export {
  MANIFEST,
  MANIFEST_SIGNATURE,
  PUBLIC_KEY,
  recordClosure,
  sealArchiveJob,
  verifyEvidencePackage,
  type ClosingDeps,
} from './closing.service';
export { openCmdbUpdate, SEAL_ARCHIVE_JOB } from './postrelease.service';
export { writeReleaseRecord } from './release-record';
export { verificationState } from './verification.state';
export {
  findArchive,
  findCmdbTask,
  findReview,
  releaseEventsNamedNow,
  verificationsOf,
  type CmdbTask,
} from './postrelease.repository';
