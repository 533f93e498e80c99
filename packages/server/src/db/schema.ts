import type { Generated } from 'kysely';
import type { ChangesTables } from '../modules/changes/changes.tables';
import type { ReleaseRecordsTable } from '../modules/measures/measures.tables';
import type { JobsTable } from '../jobs/jobs.tables';
import type { ChatCallbacksTable } from '../modules/chat/chat.tables';
import type {
  NotificationDeliveriesTable,
  NotificationPreferencesTable,
  NotificationsTable,
  WebhookEndpointsTable,
  WebhookSendsTable,
} from '../modules/notifications/notifications.tables';

/**
 * Table row types as the database holds them. Both dialects store times as ISO-8601 UTC text,
 * booleans as 0/1 integers and JSON as text, so one set of row types and mappers serves both.
 * Repositories map rows to domain types; nothing outside a repository sees these.
 */
export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  email: string | null;
  password_hash: string;
  disabled: number;
  failed_attempts: number;
  locked_until: string | null;
  password_changed_at: string;
  created_at: string;
  updated_at: string;
  /** 1: a password an administrator set; its owner must change it at the next sign-in. */
  must_change_password: Generated<number>;
  /** 1: a non-person account for pipelines; never signs in, carries pipeline tokens only. */
  service_account: Generated<number>;
  /** the TOTP secret, sealed (storage/secret-box.ts); null: no second factor. */
  totp_secret: string | null;
  /** When its owner proved a code; null with a secret: enrolment started, not confirmed. */
  totp_confirmed_at: string | null;
  /** The 30-second step of the newest accepted code: no code is accepted twice. */
  totp_last_step: number | null;
  /** where the user signs in: local (a password here), ldap or oidc. */
  source: Generated<string>;
  /** A directory user's identifier in the directory (DN, or issuer + subject); null: local. */
  external_id: string | null;
  /** The directory groups as last read (JSON array of names); null: local. */
  directory_groups: string | null;
  /** When the directory last confirmed the user (sign-in or the scheduled re-check). */
  directory_checked_at: string | null;
  /** 1: the local administrator who may sign in with a password while a directory is in use. */
  break_glass: Generated<number>;
  /** OIDC: the provider's refresh token of the last sign-in, sealed; the re-check spends it. */
  directory_refresh_token: string | null;
  /** the mobile phone number robot messages @-mention (Chinese mobile or E.164); null: none. */
  mobile_phone: string | null;
  /** chat identities robot messages @-mention: DingTalk userId, WeCom userid, Feishu open_id/user_id. */
  dingtalk_user_id: string | null;
  wecom_user_id: string | null;
  feishu_user_id: string | null;
  /** who confirmed the chat identities (the security administrator), and when; null: not confirmed. */
  chat_ids_confirmed_by: Generated<string | null>;
  chat_ids_confirmed_at: Generated<string | null>;
}

/** RO-1…RO-3: a directory group (of a source) that gives its members a role. */
export interface GroupRoleMappingsTable {
  id: string;
  source: string;
  group_name: string;
  role: string;
  created_at: string;
  created_by: string;
}

/** one-time recovery codes of a second factor, as SHA-256 hashes. */
export interface RecoveryCodesTable {
  user_id: string;
  code_hash: string;
  created_at: string;
  used_at: string | null;
}

/** a sign-in whose password was right and that waits for its second factor. */
export interface SignInChallengesTable {
  id_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
  /** the ID token (sealed) of an OIDC sign-in waiting for its second step. */
  oidc_id_token: string | null;
}

/** an OIDC sign-in sent to the provider, taken once when it comes back. */
export interface OidcAuthorizationsTable {
  state_hash: string;
  nonce: string;
  /** The PKCE code verifier, sealed. */
  code_verifier: string;
  return_to: string;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

export interface UserRolesTable {
  user_id: string;
  role: string;
}

export interface PasswordHistoryTable {
  user_id: string;
  password_hash: string;
  created_at: string;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
  source_ip: string | null;
  user_agent: string | null;
  /** 1: the identity provider vouched for a second factor at this sign-in (OIDC amr/acr). */
  provider_mfa: Generated<number>;
  /** the ID token (sealed) of an OIDC sign-in, for RP-initiated logout. */
  oidc_id_token: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  scopes: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

/** SQLite only (decision 0028): moved by triggers whenever who may act changes. */
export interface IdentityEpochTable {
  id: number;
  epoch: number;
}

export interface SetupTokensTable {
  token_hash: string;
  role: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  used_by: string | null;
}

export interface AuditEventsTable {
  seq: number;
  id: string;
  occurred_at: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_roles: string;
  source_ip: string | null;
  request_id: string | null;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  outcome: string;
  before_json: string | null;
  after_json: string | null;
  details_json: string | null;
  hash_alg: string;
  prev_hash: string;
  hash: string;
}

export interface CiTypesTable {
  key: string;
  name_zh: string;
  name_en: string;
  fields: string;
  builtin: number;
  created_at: string;
  updated_at: string;
}

export interface CisTable {
  id: string;
  type_key: string;
  name: string;
  environment: string;
  owner: string | null;
  critical: number;
  version: string | null;
  attributes: string;
  description: string | null;
  status: string;
  revision: number;
  created_at: string;
  updated_at: string;
  retired_at: string | null;
}

export interface CiRelationsTable {
  id: string;
  source_id: string;
  target_id: string;
  type: string;
  created_at: string;
  created_by: string | null;
}

export interface CiHistoryTable {
  seq: Generated<number>;
  ci_id: string;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  change: string;
  reason_kind: string;
  release_id: string | null;
  reason: string | null;
  /** The reason as a catalog reason (JSON) when the system gave it: an import, a CMDB update (CM-4). */
  system_reason: string | null;
  before_json: string | null;
  after_json: string | null;
}

export interface CmdbStateTable {
  id: number;
  /** No longer moved (the change log replaced it); kept for older migrations. */
  graph_version: number;
  /** No longer moved (the change log replaced it); kept for older migrations. */
  ci_version: number;
  /** The number of the latest entry of cmdb_change_log. */
  change_seq: number;
}

export interface CmdbChangeLogTable {
  seq: number;
  kind: string;
  ci_id: string | null;
  source_id: string | null;
  target_id: string | null;
  relation_type: string | null;
}

export interface BaselinesTable {
  id: string;
  name: string;
  description: string | null;
  taken_at: string;
  taken_by: string | null;
  ci_count: number;
}

export interface BaselineItemsTable {
  baseline_id: string;
  ci_id: string;
  snapshot: string;
}

export interface DslVersionsTable {
  id: string;
  name: string;
  version: string;
  description: string | null;
  source: string | null;
  kind: string;
  external_url: string | null;
  digest: string | null;
  size: number | null;
  filename: string | null;
  media_type: string | null;
  state: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_comment: string | null;
  retired_by: string | null;
  retired_at: string | null;
  retire_reason: string | null;
}

export interface PolicyVersionsTable {
  id: string;
  number: string;
  version: string;
  status: string;
  effective_date: string;
  document: string;
  created_by: string | null;
  created_at: string;
  approved_by: string | null;
  approved_at: string | null;
}

export interface ReleasesTable {
  id: string;
  number: string;
  title: string;
  description: string | null;
  state: string;
  outcome: string | null;
  type: string | null;
  proposed_type: string;
  proposal: string;
  type_reason: string | null;
  urgency: string;
  rollback_difficulty: string;
  new_technology: number;
  target_ci_ids: string;
  policy_version_id: string;
  requested_by: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  created_at: string;
  updated_at: string;
  /** The lifecycle transition that brought the release into its state (null before 2026-12). */
  transition_action: string | null;
  transition_from: string | null;
  transitioned_by: string | null;
  transitioned_at: string | null;
}

export interface ReleaseChangesTable {
  release_id: string;
  change_id: string;
}

export interface ReleaseItemsTable {
  id: string;
  release_id: string;
  position: number;
  kind: string;
  title: string;
  dsl_version_id: string | null;
  description: string | null;
  ci_ids: string;
}

export interface ReleaseAssessmentsTable {
  seq: Generated<number>;
  release_id: string;
  kind: string;
  content: string;
  recorded_by: string;
  recorded_at: string;
}

export interface PlanVersionsTable {
  id: string;
  release_id: string;
  version: number;
  status: string;
  content: string;
  drafter_id: string;
  drafter_name: string;
  window_start: string | null;
  window_end: string | null;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  decided_by: string | null;
  decided_at: string | null;
  decision_comment: string | null;
}

export interface PlanCommentsTable {
  seq: Generated<number>;
  plan_id: string;
  kind: string;
  text: string | null;
  author_id: string;
  author_name: string;
  at: string;
}

export interface PlanConflictOverridesTable {
  plan_id: string;
  conflict_key: string;
  reason: string;
  by_name: string;
  at: string;
}

export interface FreezeWindowsTable {
  id: string;
  name: string;
  starts_at: string;
  ends_at: string;
  reason: string | null;
  created_by: string;
  created_at: string;
}

export interface StepRunsTable {
  release_id: string;
  phase: string;
  step_index: number;
  plan_version: number;
  title: string;
  status: string;
  attempt: number;
  executor: string;
  started_at: string;
  finished_at: string | null;
  result: string | null;
  output: string | null;
}

export interface ExecutionReportsTable {
  release_id: string;
  report_id: string;
  received_at: string;
}

export interface ReleaseLogsTable {
  seq: Generated<number>;
  release_id: string;
  at: string;
  source: string;
  level: string;
  message: string;
  step_index: number | null;
  flagged_pattern: string | null;
  recorded_by: string;
}

export interface IndicatorReadingsTable {
  seq: Generated<number>;
  release_id: string;
  indicator_key: string;
  value: number;
  at: string;
  source: string;
  breached: number;
  recorded_by: string;
}

export interface FeedbackItemsTable {
  seq: Generated<number>;
  release_id: string;
  channel: string;
  reporter: string;
  content: string;
  severity: string;
  complaint: number;
  at: string;
  recorded_by: string;
}

export interface RollbackTriggersTable {
  id: string;
  release_id: string;
  kind: string;
  source: string;
  summary: string;
  evidence: string | null;
  /** The evidence as a catalog reason (JSON), for triggers raised by a reading (IM-4). */
  evidence_reason: string | null;
  /** RB-2, IM-4: the plan indicator whose reading raised the trigger (source metric). */
  indicator_key: string | null;
  discovered_at: string;
  raised_at: string;
  raised_by: string;
  decision_due_at: string;
  decision: string | null;
  decision_reason: string | null;
  decided_by: string | null;
  decided_at: string | null;
  decision_minutes: number | null;
  late: Generated<number>;
  escalations: Generated<number>;
  overdue: Generated<number>;
}

export interface RestorationChecksTable {
  seq: Generated<number>;
  release_id: string;
  ok: number;
  items: string;
  actor: string;
  at: string;
}

export interface ProblemRecordsTable {
  id: string;
  number: string;
  release_id: string;
  title: string;
  reason: string;
  course: string;
  created_at: string;
  created_by: string;
}

export interface ReleaseVerificationsTable {
  seq: Generated<number>;
  release_id: string;
  item_key: string;
  result: string;
  note: string | null;
  link: string | null;
  evidence_digest: string | null;
  evidence_filename: string | null;
  department: string | null;
  actor_id: string;
  actor_name: string;
  at: string;
}

export interface CmdbUpdateTasksTable {
  release_id: string;
  opened_at: string;
  due_at: string;
  done_at: string | null;
  done_by: string | null;
  overdue: Generated<number>;
  applied: string | null;
}

export interface ArchiveItemsTable {
  seq: Generated<number>;
  release_id: string;
  kind: string;
  name: string;
  digest: string;
  size: number;
  media_type: string;
  added_at: string;
}

export interface ReleaseArchivesTable {
  release_id: string;
  archived_at: string;
  archived_by: string;
  sealed_at: string | null;
}

export interface ReleaseClosuresTable {
  release_id: string;
  outcome: string;
  analysis: string | null;
  lessons: string | null;
  closed_by: string;
  closed_at: string;
}

/** TY-4: the review of an emergency release after the fact. */
export interface ReleaseReviewsTable {
  release_id: string;
  /** 1: the emergency path was justified; 0: it was not (a finding for the department). */
  justified: number;
  findings: string;
  reviewer_id: string;
  reviewer_name: string;
  reviewed_at: string;
}

export interface ReleaseChecksTable {
  seq: Generated<number>;
  release_id: string;
  plan_version: number;
  item_key: string;
  result: string;
  note: string | null;
  link: string | null;
  evidence_digest: string | null;
  evidence_filename: string | null;
  actor_id: string;
  actor_name: string;
  at: string;
}

export interface KnowledgeArticlesTable {
  seq: Generated<number>;
  id: string;
  number: string;
  title: string;
  body: string;
  kind: string;
  state: string;
  version: number;
  author_id: string;
  author_name: string;
  updated_by: string;
  created_at: string;
  updated_at: string;
  published_at: string | null;
  archived_at: string | null;
}

export interface KnowledgeTagsTable {
  article_id: string;
  tag: string;
}

export interface KnowledgeReleasesTable {
  article_id: string;
  release_id: string;
}

export interface KnowledgeCisTable {
  article_id: string;
  ci_id: string;
}

export interface KnowledgeHistoryTable {
  seq: Generated<number>;
  article_id: string;
  version: number;
  action: string;
  actor_id: string;
  actor_name: string;
  at: string;
  before_json: string | null;
  after_json: string | null;
}

/**
 * The search index (docs/decisions/0008): an FTS5 table keyed by rowid on SQLite, a table with a
 * generated tsvector keyed by article_seq on PostgreSQL. Only knowledge.repository.ts touches it.
 */
export interface KnowledgeSearchTable {
  article_seq: number;
  title_terms: string;
  body_terms: string;
}

export interface IdempotencyKeysTable {
  principal: string;
  key: string;
  route: string;
  request_hash: string;
  status: number | null;
  response: string | null;
  content_type: string | null;
  created_at: string;
}

/** The last number handed out, per numbered thing and year (db/sequences.ts). */
export interface NumberSequencesTable {
  name: string;
  year: number;
  last: number;
}

export interface Database extends ChangesTables {
  users: UsersTable;
  group_role_mappings: GroupRoleMappingsTable;
  idempotency_keys: IdempotencyKeysTable;
  user_roles: UserRolesTable;
  password_history: PasswordHistoryTable;
  sessions: SessionsTable;
  recovery_codes: RecoveryCodesTable;
  sign_in_challenges: SignInChallengesTable;
  oidc_authorizations: OidcAuthorizationsTable;
  api_tokens: ApiTokensTable;
  identity_epoch: IdentityEpochTable;
  setup_tokens: SetupTokensTable;
  audit_events: AuditEventsTable;
  ci_types: CiTypesTable;
  cis: CisTable;
  ci_relations: CiRelationsTable;
  ci_history: CiHistoryTable;
  cmdb_state: CmdbStateTable;
  cmdb_change_log: CmdbChangeLogTable;
  baselines: BaselinesTable;
  baseline_items: BaselineItemsTable;
  dsl_versions: DslVersionsTable;
  policy_versions: PolicyVersionsTable;
  releases: ReleasesTable;
  release_changes: ReleaseChangesTable;
  release_items: ReleaseItemsTable;
  release_assessments: ReleaseAssessmentsTable;
  plan_versions: PlanVersionsTable;
  plan_comments: PlanCommentsTable;
  plan_conflict_overrides: PlanConflictOverridesTable;
  freeze_windows: FreezeWindowsTable;
  release_checks: ReleaseChecksTable;
  release_records: ReleaseRecordsTable;
  knowledge_articles: KnowledgeArticlesTable;
  knowledge_tags: KnowledgeTagsTable;
  knowledge_releases: KnowledgeReleasesTable;
  knowledge_cis: KnowledgeCisTable;
  knowledge_history: KnowledgeHistoryTable;
  knowledge_search: KnowledgeSearchTable;
  jobs: JobsTable;
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
  webhook_endpoints: WebhookEndpointsTable;
  notification_deliveries: NotificationDeliveriesTable;
  webhook_sends: WebhookSendsTable;
  chat_callbacks: ChatCallbacksTable;
  step_runs: StepRunsTable;
  execution_reports: ExecutionReportsTable;
  release_logs: ReleaseLogsTable;
  indicator_readings: IndicatorReadingsTable;
  feedback_items: FeedbackItemsTable;
  rollback_triggers: RollbackTriggersTable;
  restoration_checks: RestorationChecksTable;
  problem_records: ProblemRecordsTable;
  release_verifications: ReleaseVerificationsTable;
  cmdb_update_tasks: CmdbUpdateTasksTable;
  archive_items: ArchiveItemsTable;
  release_archives: ReleaseArchivesTable;
  release_closures: ReleaseClosuresTable;
  release_reviews: ReleaseReviewsTable;
  number_sequences: NumberSequencesTable;
}
