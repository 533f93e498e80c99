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
