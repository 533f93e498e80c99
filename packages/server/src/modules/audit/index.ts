/**
 * The audit module's public entry: what other modules may use. Everything else in modules/audit
 * is internal (eslint: no deep imports into another module).
 */
export { recordStandalone, type AuditWriter } from './audit.service';
export { currentActionName, storedNamesOf, type AuditAction } from './audit.actions';
export { publicKeyInfo, verifySignature, type AuditSigner } from './audit.signing';
export {
  checkTimeStamp,
  checkpointText,
  writeCheckpoint,
  type Checkpoint,
  type CheckpointStore,
} from './audit.checkpoint';
export type { TimeStamper } from './audit.timestamp';
export { verifyChain } from './audit.verify';
