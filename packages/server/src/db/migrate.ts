import { Migrator, sql, type Migration, type MigrationResult } from 'kysely';
import type { Db } from './database';
import * as m20261126000100 from './migrations/20261126000100_create_identity';
import * as m20261126000200 from './migrations/20261126000200_create_audit_events';
import * as m20261126000300 from './migrations/20261126000300_create_cmdb';
import * as m20261126000400 from './migrations/20261126000400_create_dsl_versions';
import * as m20261126000500 from './migrations/20261126000500_create_changes';
import * as m20261126000600 from './migrations/20261126000600_create_policy_versions';
import * as m20261126000700 from './migrations/20261126000700_create_releases';
import * as m20261126000800 from './migrations/20261126000800_create_release_checks';
import * as m20261126000900 from './migrations/20261126000900_add_ci_version';
import * as m20261126001000 from './migrations/20261126001000_create_execution';
import * as m20261126001300 from './migrations/20261126001300_create_release_records';
import * as m20261126001400 from './migrations/20261126001400_create_knowledge';
import * as m20261126001500 from './migrations/20261126001500_create_jobs';
import * as m20261126001600 from './migrations/20261126001600_create_notifications';
import * as m20261126001700 from './migrations/20261126001700_create_post_release';
import * as m20261126001800 from './migrations/20261126001800_create_cmdb_change_log';
import * as m20261206000100 from './migrations/20261206000100_add_user_credential_flags';
import * as m20261206000200 from './migrations/20261206000200_add_change_external_updated_at';
import * as m20261206002000 from './migrations/20261206002000_create_idempotency_keys';
import * as m20261206002100 from './migrations/20261206002100_create_number_sequences';
import * as m20261206002200 from './migrations/20261206002200_add_release_last_transition';
import * as m20261206003000 from './migrations/20261206003000_create_release_reviews';
import * as m20261215000100 from './migrations/20261215000100_add_notification_todo';
import * as m20261215000200 from './migrations/20261215000200_keep_change_vote_history';
import * as m20261216000100 from './migrations/20261216000100_add_emergency_change';
import * as m20261217000100 from './migrations/20261217000100_add_trigger_evidence_reason';
import * as m20261217004000 from './migrations/20261217004000_add_second_factor';
import * as m20261218000100 from './migrations/20261218000100_add_directory_identity';
import * as m20261219000100 from './migrations/20261219000100_add_ci_history_system_reason';
import * as m20261219000200 from './migrations/20261219000200_add_delivery_error_reason';
import * as m20261219000300 from './migrations/20261219000300_add_oidc_sign_in';
import * as m20261219000400 from './migrations/20261219000400_add_refresh_token_and_break_glass_index';
import * as m20261220000100 from './migrations/20261220000100_add_chat_contacts_and_robot_sends';
import * as m20261220000200 from './migrations/20261220000200_add_trigger_indicator';
import * as m20261221000500 from './migrations/20261221000500_add_chat_callbacks';
import * as m20261221000600 from './migrations/20261221000600_add_webhook_app_settings';
import * as m20261221000700 from './migrations/20261221000700_add_chat_binding_confirmation';
import * as m20261221000800 from './migrations/20261221000800_add_webhook_keyword';
import * as m20261221000900 from './migrations/20261221000900_add_audit_actor_name_index';
import * as m20261221001000 from './migrations/20261221001000_add_release_state_type_index';
import * as m20261222000100 from './migrations/20261222000100_add_identity_change_signals';

/** Every migration, in order. Add new ones at the end; never edit one that has shipped. */
export const migrations: Record<string, Migration> = {
  '20261126000100_create_identity': m20261126000100,
  '20261126000200_create_audit_events': m20261126000200,
  '20261126000300_create_cmdb': m20261126000300,
  '20261126000400_create_dsl_versions': m20261126000400,
  '20261126000500_create_changes': m20261126000500,
  '20261126000600_create_policy_versions': m20261126000600,
  '20261126000700_create_releases': m20261126000700,
  '20261126000800_create_release_checks': m20261126000800,
  '20261126000900_add_ci_version': m20261126000900,
  '20261126001000_create_execution': m20261126001000,
  '20261126001300_create_release_records': m20261126001300,
  '20261126001400_create_knowledge': m20261126001400,
  '20261126001500_create_jobs': m20261126001500,
  '20261126001600_create_notifications': m20261126001600,
  '20261126001700_create_post_release': m20261126001700,
  '20261126001800_create_cmdb_change_log': m20261126001800,
  '20261206000100_add_user_credential_flags': m20261206000100,
  '20261206000200_add_change_external_updated_at': m20261206000200,
  '20261206002000_create_idempotency_keys': m20261206002000,
  '20261206002100_create_number_sequences': m20261206002100,
  '20261206002200_add_release_last_transition': m20261206002200,
  '20261206003000_create_release_reviews': m20261206003000,
  '20261215000100_add_notification_todo': m20261215000100,
  '20261215000200_keep_change_vote_history': m20261215000200,
  '20261216000100_add_emergency_change': m20261216000100,
  '20261217000100_add_trigger_evidence_reason': m20261217000100,
  '20261217004000_add_second_factor': m20261217004000,
  '20261218000100_add_directory_identity': m20261218000100,
  '20261219000100_add_ci_history_system_reason': m20261219000100,
  '20261219000200_add_delivery_error_reason': m20261219000200,
  '20261219000300_add_oidc_sign_in': m20261219000300,
  '20261219000400_add_refresh_token_and_break_glass_index': m20261219000400,
  '20261220000100_add_chat_contacts_and_robot_sends': m20261220000100,
  '20261220000200_add_trigger_indicator': m20261220000200,
  '20261221000500_add_chat_callbacks': m20261221000500,
  '20261221000600_add_webhook_app_settings': m20261221000600,
  '20261221000700_add_chat_binding_confirmation': m20261221000700,
  '20261221000800_add_webhook_keyword': m20261221000800,
  '20261221000900_add_audit_actor_name_index': m20261221000900,
  '20261221001000_add_release_state_type_index': m20261221001000,
  '20261222000100_add_identity_change_signals': m20261222000100,
};

function migrator(db: Db): Migrator {
  return new Migrator({
    db: db.kysely,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    // Kysely looks for its own tables in "public" unless told: with a schema of our own, say which.
    ...(db.schema && { migrationTableSchema: db.schema }),
  });
}

export class MigrationError extends Error {
  constructor(
    readonly results: MigrationResult[] | undefined,
    cause: unknown,
  ) {
    super(`Migration failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MigrationError';
  }
}

export async function migrateToLatest(db: Db): Promise<MigrationResult[]> {
  if (db.schema) await sql`create schema if not exists ${sql.id(db.schema)}`.execute(db.kysely);
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) throw new MigrationError(results, error);
  return results ?? [];
}

export async function migrateDown(db: Db): Promise<MigrationResult[]> {
  const { error, results } = await migrator(db).migrateDown();
  if (error) throw new MigrationError(results, error);
  return results ?? [];
}

export async function pendingMigrations(db: Db): Promise<string[]> {
  const all = await migrator(db).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
