/** The shapes the server answers with (see /api/openapi.json). */

export interface User {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  roles: string[];
  disabled: boolean;
  lockedUntil: string | null;
  passwordChangedAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface SessionUser extends User {
  permissions: string[];
}

export interface SessionView {
  user: SessionUser;
  csrfToken: string;
  passwordExpired: boolean;
}

export interface SetupStatus {
  firstRun: boolean;
  tokenValid: boolean;
  role: string | null;
}

export interface RoleInfo {
  role: string;
  administrator: boolean;
  permissions: string[];
}

export interface RolesView {
  roles: RoleInfo[];
  permissions: string[];
}

export type TokenState = 'active' | 'expired' | 'revoked';

export interface ApiToken {
  id: string;
  userId: string;
  username: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  state: TokenState;
}

export interface CreatedToken extends ApiToken {
  token: string;
}

export type AuditOutcome = 'success' | 'denied' | 'failed';

export interface AuditEvent {
  seq: number;
  id: string;
  occurredAt: string;
  actorId: string | null;
  actorName: string | null;
  actorRoles: string[];
  sourceIp: string | null;
  requestId: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  outcome: string;
  before: unknown;
  after: unknown;
  details: unknown;
  hashAlg: string;
  prevHash: string;
  hash: string;
}

export interface AuditPage {
  events: AuditEvent[];
  nextBeforeSeq: number | null;
}

export interface AuditVerifyResult {
  ok: boolean;
  eventsChecked: number;
  lastSeq: number | null;
  lastHash: string | null;
  firstBad?: { seq: number; id: string; problem: string; message: string };
}

// Configuration management (CMDB)

export type AttributeKind = 'string' | 'number' | 'boolean' | 'date' | 'enum';

export interface LocalizedText {
  zh: string;
  en: string;
}

export interface AttributeField {
  key: string;
  label: LocalizedText;
  kind: AttributeKind;
  required?: boolean;
  options?: string[];
}

export interface CiType {
  key: string;
  name: LocalizedText;
  fields: AttributeField[];
  builtin: boolean;
}

export const ENVIRONMENTS = ['production', 'staging', 'test', 'development', 'disaster_recovery'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const RELATION_TYPES = ['depends_on', 'runs_on', 'connects_to', 'part_of'] as const;
export type RelationType = (typeof RELATION_TYPES)[number];

export type CiStatus = 'active' | 'retired';

export interface Ci {
  id: string;
  type: string;
  name: string;
  environment: string;
  owner: string | null;
  critical: boolean;
  version: string | null;
  attributes: Record<string, unknown>;
  description: string | null;
  status: CiStatus;
  revision: number;
  createdAt: string;
  updatedAt: string;
  retiredAt: string | null;
}

export interface CiPage {
  items: Ci[];
  nextCursor: string | null;
}

export interface CiRelation {
  id: string;
  sourceId: string;
  targetId: string;
  type: string;
  createdAt: string;
  createdBy: string | null;
  direction: 'outgoing' | 'incoming';
  other: { id: string; name: string; type: string; environment: string; status: string };
}

export interface CiDetail extends Ci {
  relations: CiRelation[];
}

export type CiChangeKind = 'created' | 'updated' | 'retired' | 'relation_added' | 'relation_removed';
export type ReasonKind = 'manual' | 'release' | 'import';

export interface CiHistoryEntry {
  id: string;
  ciId: string;
  at: string;
  actorId: string | null;
  actorName: string | null;
  /** A CiChangeKind; kept open for kinds added later. */
  change: string;
  reasonKind: ReasonKind;
  releaseId: string | null;
  reason: string | null;
  before: unknown;
  after: unknown;
}

export interface CiSummary {
  id: string;
  name: string;
  type: string;
  environment: string;
  critical: boolean;
}

export interface AffectedCi extends CiSummary {
  depth: number;
  via: { fromId: string; relation: RelationType; reverse: boolean };
}

export interface ImpactReport {
  seeds: CiSummary[];
  affected: AffectedCi[];
  services: string[];
  criticalCount: number;
  truncated: boolean;
  maxDepth: number;
}

export interface Baseline {
  id: string;
  name: string;
  description: string | null;
  takenAt: string;
  takenBy: string | null;
  ciCount: number;
}

export interface SnapshotRelation {
  type: string;
  targetId: string;
  targetName: string;
}

export interface CiSnapshot {
  ciId: string;
  type: string;
  name: string;
  environment: string;
  owner: string | null;
  critical: boolean;
  version: string | null;
  attributes: Record<string, unknown>;
  relations: SnapshotRelation[];
}

export interface BaselineDetail extends Baseline {
  items: CiSnapshot[];
}

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface CiChange {
  ciId: string;
  name: string;
  type: string;
  fields: FieldChange[];
  relationsAdded: SnapshotRelation[];
  relationsRemoved: SnapshotRelation[];
}

export interface BaselineDiff {
  from: Baseline;
  to: Baseline | 'now';
  added: CiSnapshot[];
  removed: CiSnapshot[];
  changed: CiChange[];
  unchanged: number;
}

export interface ImportProblem {
  sheet: string;
  row: number;
  column: string;
  reason: string;
}

export interface ImportReport {
  dryRun: boolean;
  applied: boolean;
  ok: boolean;
  errorCount: number;
  errors: ImportProblem[];
  summary: {
    ciRows: number;
    relationRows: number;
    create: number;
    update: number;
    unchanged: number;
    relationsCreate: number;
    relationsExisting: number;
  };
}

// Definitive software library (DSL)

export const DSL_STATES = ['draft', 'pending', 'approved', 'rejected', 'retired'] as const;
export type DslState = (typeof DSL_STATES)[number];

export interface DslVersion {
  id: string;
  name: string;
  version: string;
  description: string | null;
  source: string | null;
  kind: 'upload' | 'external';
  externalUrl: string | null;
  digest: string | null;
  size: number | null;
  filename: string | null;
  mediaType: string | null;
  state: DslState;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
  retiredBy: string | null;
  retiredAt: string | null;
  retireReason: string | null;
}
