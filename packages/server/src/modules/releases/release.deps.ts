import type { Kysely } from 'kysely';
import type { Clock } from '@releasegate/domain';
import type { Db } from '../../db/database';
import type { Database } from '../../db/schema';
import type { AuditWriter, AuditSigner, CheckpointStore, TimeStamper } from '../audit';
import type { ImpactGraphCache } from '../cmdb';
import type { BlobStore } from '../../storage/blob-store';
import type { EventBus } from '../../events/event-bus';

/** How a change stands with change management (IN-1, IN-2), as the change register answers. */
export interface ChangeApproval {
  id: string;
  number: string;
  title: string;
  state: string;
  approved: boolean;
  /** IN-1, TY-4: approved by the emergency CAB, so it serves an emergency release only. */
  expedited: boolean;
  label: string;
}

/**
 * Everything the release workflow's services may be given; the routes hand over all of it. Each
 * service file declares the part it uses (`Pick<ReleaseDeps, …>`, e.g. `GateDeps`), so a new
 * dependency shows where it is needed.
 */
export interface ReleaseDeps {
  db: Db;
  clock: Clock;
  audit: AuditWriter;
  graph: ImpactGraphCache;
  /** Evidence files (pre-release checks) go to the same content-addressed store as the DSL. */
  blobs: BlobStore;
  maxUploadBytes: number;
  changeApprovals: (q: Kysely<Database>, ids: string[]) => Promise<ChangeApproval[]>;
  /** IM-3: live events for the pages watching a release. */
  events: EventBus;
  /** IM-4: the Prometheus query API indicators are read from (none: readings by hand only). */
  prometheusUrl: string | null;
  /** PL-4, CL-2: the CJK font documents are rendered with (none: the search of system fonts). */
  pdfFontPath: string | undefined;
  /** PO-3, PR-3: evidence manifests are signed, citing a signed checkpoint of the audit chain. */
  signer: AuditSigner;
  checkpoints: CheckpointStore;
  timeStamper: TimeStamper | null;
}
