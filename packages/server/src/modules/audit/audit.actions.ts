import type { ReleaseAction } from '@releasegate/domain';

/**
 * PR-3 (decision 0022): the one vocabulary of audit actions, `entity.verb` in the present tense —
 * the action that was done, or tried: its outcome (success, denied, failed) says which. A route
 * names the same action in its config, so a refusal and a success of one action read alike.
 */
export const AUDIT_ACTIONS = [
  // audit
  'audit.checkpoint',
  'audit.export',
  'audit.read',
  'audit.verify',
  // calendar
  'calendar.freeze_create',
  'calendar.freeze_delete',
  // chat
  'chat.card_action',
  // change
  'change.approve',
  'change.change_vote',
  'change.create',
  'change.external_upsert',
  'change.implement',
  'change.reject',
  'change.submit',
  'change.update',
  'change.vote',
  'change.webhook_receive',
  'change.withdraw',
  // cmdb
  'cmdb.baseline_take',
  'cmdb.builtin_types_add',
  'cmdb.ci_create',
  'cmdb.ci_retire',
  'cmdb.ci_update',
  'cmdb.export',
  'cmdb.import',
  'cmdb.relation_add',
  'cmdb.relation_remove',
  'cmdb.type_create',
  'cmdb.type_update',
  // document
  'document.export',
  // dsl
  'dsl.content_download',
  'dsl.content_upload',
  'dsl.store_migrate',
  'dsl.verify',
  'dsl.version_approve',
  'dsl.version_delete',
  'dsl.version_register',
  'dsl.version_reject',
  'dsl.version_retire',
  'dsl.version_update',
  // gate
  'gate.check',
  'gate.preview',
  // identity
  'identity.break_glass_set',
  'identity.break_glass_sign_in',
  'identity.directory_recheck',
  'identity.directory_roles_apply',
  'identity.group_mapping_add',
  'identity.group_mapping_remove',
  'identity.lock_account',
  'identity.login',
  'identity.logout',
  'identity.password_change',
  'identity.recovery_code_use',
  'identity.recovery_codes_regenerate',
  'identity.second_factor_confirm',
  'identity.second_factor_disable',
  'identity.second_factor_enrol',
  'identity.second_factor_request',
  'identity.second_factor_verify',
  'identity.setup',
  'identity.setup_link_issue',
  // job
  'job.test_record',
  // knowledge
  'knowledge.article_archive',
  'knowledge.article_create',
  'knowledge.article_publish',
  'knowledge.article_update',
  // measures
  'measures.export',
  // notification
  'notification.delivery_retry',
  'notification.preferences_update',
  'notification.read',
  'notification.read_all',
  'notification.webhook_create',
  'notification.webhook_delete',
  'notification.webhook_test',
  'notification.webhook_update',
  // plan
  'plan.approve',
  'plan.approve_completion',
  'plan.complete',
  'plan.override_conflict',
  'plan.reject',
  'plan.revise',
  'plan.save',
  'plan.submit',
  // policy
  'policy.approve',
  'policy.draft',
  'policy.seed',
  // release
  'release.assess_relationship',
  'release.assess_resource',
  'release.assess_risk',
  'release.close',
  'release.escalate_rollback_decision',
  'release.evidence_download',
  'release.evidence_package',
  'release.evidence_upload',
  'release.finish_step',
  'release.mark_cmdb_update_overdue',
  'release.mark_rollback_decision_late',
  'release.mark_rollback_decision_overdue',
  'release.push_logs',
  'release.record_feedback',
  'release.record_reading',
  'release.remind_cmdb_update',
  'release.request',
  'release.seal_archive',
  'release.start_step',
  // system
  'system.backup',
  'system.restore',
  // token
  'token.create',
  'token.revoke',
  // user
  'user.contact_import',
  'user.contact_update',
  'user.create',
  'user.disable',
  'user.enable',
  'user.password_reset',
  'user.second_factor_reset',
  'user.unlock',
  'user.update',
] as const;

/** Every audit action: the list above and the release's lifecycle actions (`release.accept`, …). */
export type AuditAction = (typeof AUDIT_ACTIONS)[number] | `release.${ReleaseAction}`;

/**
 * A refusal with no action of its own is recorded under what was asked: a route without an action
 * in its config as "METHOD /api/route", a refused command line as `cli.<command words>`.
 */
export type RefusalName =
  `${'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS'} /${string}` | `cli.${string}`;

/**
 * The names events were recorded under before the vocabulary was one (past tense in most
 * services, `release.review_recorded` before that). The audit chain is tamper-evident, so those
 * rows keep their names; reads for people (the log, a release's timeline and report) show the
 * current name, and a filter by a current name finds the old rows too. Exports and evidence
 * packages carry what is stored, so their hashes still verify.
 */
const LEGACY: ReadonlyMap<string, AuditAction> = new Map<string, AuditAction>(
  Object.entries({
    'audit.checkpoint_written': 'audit.checkpoint',
    'audit.exported': 'audit.export',
    'audit.verified': 'audit.verify',
    'calendar.freeze_created': 'calendar.freeze_create',
    'calendar.freeze_deleted': 'calendar.freeze_delete',
    'change.approved': 'change.approve',
    'change.created': 'change.create',
    'change.external_upserted': 'change.external_upsert',
    'change.implemented': 'change.implement',
    'change.rejected': 'change.reject',
    'change.submitted': 'change.submit',
    'change.updated': 'change.update',
    'change.vote_changed': 'change.change_vote',
    'change.voted': 'change.vote',
    'change.webhook_received': 'change.webhook_receive',
    'change.withdrawn': 'change.withdraw',
    'cmdb.baseline_taken': 'cmdb.baseline_take',
    'cmdb.builtin_types_added': 'cmdb.builtin_types_add',
    'cmdb.ci_created': 'cmdb.ci_create',
    'cmdb.ci_retired': 'cmdb.ci_retire',
    'cmdb.ci_updated': 'cmdb.ci_update',
    'cmdb.exported': 'cmdb.export',
    'cmdb.imported': 'cmdb.import',
    'cmdb.relation_added': 'cmdb.relation_add',
    'cmdb.relation_removed': 'cmdb.relation_remove',
    'cmdb.type_created': 'cmdb.type_create',
    'cmdb.type_updated': 'cmdb.type_update',
    'document.exported': 'document.export',
    'dsl.content_uploaded': 'dsl.content_upload',
    'dsl.verified': 'dsl.verify',
    'dsl.version_approved': 'dsl.version_approve',
    'dsl.version_deleted': 'dsl.version_delete',
    'dsl.version_registered': 'dsl.version_register',
    'dsl.version_rejected': 'dsl.version_reject',
    'dsl.version_retired': 'dsl.version_retire',
    'dsl.version_updated': 'dsl.version_update',
    'gate.checked': 'gate.check',
    'gate.previewed': 'gate.preview',
    'identity.account_locked': 'identity.lock_account',
    'identity.login_failed': 'identity.login',
    'identity.login_succeeded': 'identity.login',
    'identity.password_changed': 'identity.password_change',
    'identity.setup_completed': 'identity.setup',
    'identity.setup_link_issued': 'identity.setup_link_issue',
    'job.test_recorded': 'job.test_record',
    'knowledge.article_archived': 'knowledge.article_archive',
    'knowledge.article_created': 'knowledge.article_create',
    'knowledge.article_published': 'knowledge.article_publish',
    'knowledge.article_updated': 'knowledge.article_update',
    'measures.exported': 'measures.export',
    'notification.delivery_retried': 'notification.delivery_retry',
    'notification.preferences_updated': 'notification.preferences_update',
    'notification.webhook_created': 'notification.webhook_create',
    'notification.webhook_deleted': 'notification.webhook_delete',
    'notification.webhook_tested': 'notification.webhook_test',
    'notification.webhook_updated': 'notification.webhook_update',
    'plan.conflict_overridden': 'plan.override_conflict',
    'policy.approved': 'policy.approve',
    'policy.drafted': 'policy.draft',
    'policy.seeded': 'policy.seed',
    'release.cmdb_update_overdue': 'release.mark_cmdb_update_overdue',
    'release.cmdb_update_reminded': 'release.remind_cmdb_update',
    'release.evidence_package_exported': 'release.evidence_package',
    'release.evidence_uploaded': 'release.evidence_upload',
    'release.feedback_recorded': 'release.record_feedback',
    'release.logs_pushed': 'release.push_logs',
    'release.reading_recorded': 'release.record_reading',
    'release.relationship_assessed': 'release.assess_relationship',
    'release.requested': 'release.request',
    'release.resource_assessed': 'release.assess_resource',
    'release.restoration_verified': 'release.verify_restoration',
    'release.review_recorded': 'release.review_emergency',
    'release.risk_assessed': 'release.assess_risk',
    'release.rollback_decided': 'release.decide_rollback',
    'release.rollback_decision_escalated': 'release.escalate_rollback_decision',
    'release.rollback_decision_late': 'release.mark_rollback_decision_late',
    'release.rollback_decision_overdue': 'release.mark_rollback_decision_overdue',
    'release.step_finished': 'release.finish_step',
    'release.step_started': 'release.start_step',
    'release.trigger_raised': 'release.raise_trigger',
    'system.restored': 'system.restore',
    'token.created': 'token.create',
    'token.revoked': 'token.revoke',
    'user.created': 'user.create',
    'user.disabled': 'user.disable',
    'user.enabled': 'user.enable',
    'user.unlocked': 'user.unlock',
    'user.updated': 'user.update',
  }),
);

/** The current name of an action as stored (an old name, or already current). */
export function currentActionName(stored: string): string {
  // A Map: a name such as `valueOf` or `__proto__` is no old name.
  return LEGACY.get(stored) ?? stored;
}

/** The old names of the actions whose current name starts with the prefix (an audit filter). */
export function legacyNamesStartingWith(prefix: string): string[] {
  return [...LEGACY].filter(([, current]) => current.startsWith(prefix)).map(([old]) => old);
}

/** The names an action may be stored under: its own and its old ones. */
export function storedNamesOf(actions: readonly AuditAction[]): string[] {
  return [...actions, ...[...LEGACY].filter(([, current]) => actions.includes(current)).map(([old]) => old)];
}
