import { migrateForServer } from '../db/roles';
import fs from 'node:fs';
import os from 'node:os';
import { DomainError, PERMISSIONS, systemClock, type Clock } from '@releasegate/domain';
import { loadConfig, type Config } from '../config';
import type { RequestContext } from '../context';
import { openDatabase, type Db } from '../db/database';
import { createAuditWriter, recordStandalone, type AuditWriter } from '../modules/audit/audit.service';
import { AuditSigner } from '../modules/audit/audit.signing';
import { timeStamperFrom, type TimeStamper } from '../modules/audit/audit.timestamp';
import { FileCheckpointStore, type CheckpointStore } from '../modules/audit/audit.checkpoint';
import type { IdentityDeps } from '../modules/identity/identity.deps';
import { SecretBox } from '../storage/secret-box';

/**
 * Whoever runs the CLI on the server holds the database itself, so the CLI acts with every
 * permission — and every action is still audited, as "cli:<operating-system user>".
 */
export function cliContext(): RequestContext {
  const osUser = (() => {
    try {
      return os.userInfo().username;
    } catch {
      return 'unknown';
    }
  })();
  return {
    principal: {
      userId: 'cli',
      username: `cli:${osUser}`,
      displayName: `Command line (${osUser})`,
      roles: [],
      permissions: new Set(PERMISSIONS),
      via: 'session',
      passwordExpired: false,
      mustEnrolSecondFactor: false,
    },
    sourceIp: 'local',
    requestId: null,
  };
}

export interface CliEnv {
  config: Config;
  db: Db;
  clock: Clock;
  audit: AuditWriter;
  identity: IdentityDeps;
  ctx: RequestContext;
  /** PR-3: the audit signing key and the checkpoint store, as the server has them. */
  signer: AuditSigner;
  checkpoints: CheckpointStore;
  timeStamper: TimeStamper | null;
}

/**
 * The command being run, e.g. "token create": main.ts names it before each action, so that a
 * refusal is audited under the command's name whichever command it is — new ones included.
 */
let runningCommand = 'releasegate';
export function nameRunningCommand(name: string): void {
  runningCommand = name;
}

/** The audit action of a refused command: `cli.token.create`. */
export const refusalAction = (): `cli.${string}` => `cli.${runningCommand.split(/\s+/).join('.')}`;

/**
 * A refused CLI action is on the audit trail like a refused request (`outcome: denied`, with the
 * reason), in its own transaction: the refused action's own transaction has rolled back. If the
 * trail cannot take it (no database yet), the refusal is still reported, with a warning.
 */
async function recordRefusal(db: Db, audit: AuditWriter, error: DomainError): Promise<void> {
  try {
    await recordStandalone(db, audit, cliContext(), {
      action: refusalAction(),
      outcome: 'denied',
      details: { code: error.code, message: error.message, details: error.details },
    });
  } catch (auditError) {
    process.stderr.write(
      `warning: the refusal could not be recorded on the audit trail: ${auditError instanceof Error ? auditError.message : String(auditError)}\n`,
    );
  }
}

/**
 * For commands that must not open the database before they act (restore): records a refusal in
 * the configured database when there is one, and never creates one to do so.
 */
export async function recordRefusalIn(config: Config, error: DomainError): Promise<void> {
  if (config.database.kind === 'sqlite' && !fs.existsSync(config.database.file)) return;
  const db = openDatabase(config);
  try {
    await recordRefusal(
      db,
      createAuditWriter({ dialect: db.dialect, clock: systemClock, algorithm: config.audit.hash }),
      error,
    );
  } finally {
    await db.destroy();
  }
}

/**
 * Opens the configured database for one command and closes it afterwards: migrated first, unless
 * the command must see the database as it is (a backup before an upgrade). A DomainError the
 * command throws is audited as a refusal before it is reported.
 */
export async function withDatabase<T>(
  fn: (env: CliEnv) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  const db = openDatabase(config);
  try {
    if (options.migrate !== false) await migrateForServer(config, db);
    const clock = systemClock;
    const audit = createAuditWriter({ dialect: db.dialect, clock, algorithm: config.audit.hash });
    try {
      return await fn({
        config,
        db,
        clock,
        audit,
        identity: {
          db,
          clock,
          audit,
          secrets: SecretBox.loadOrCreate(config.secretsKeyFile),
          settings: config,
        },
        ctx: cliContext(),
        signer: AuditSigner.loadOrCreate(config.audit.signingKeyFile, config.audit.signature).signer,
        checkpoints: new FileCheckpointStore(config.audit.checkpointDir),
        timeStamper: timeStamperFrom(config.audit.tsa),
      });
    } catch (error) {
      if (error instanceof DomainError) await recordRefusal(db, audit, error);
      throw error;
    }
  } finally {
    await db.destroy();
  }
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
