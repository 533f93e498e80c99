import { migrateForServer } from '../db/roles';
import os from 'node:os';
import { PERMISSIONS, systemClock, type Clock } from '@releasegate/domain';
import { loadConfig, type Config } from '../config';
import type { RequestContext } from '../context';
import { openDatabase, type Db } from '../db/database';
import { createAuditWriter, type AuditWriter } from '../modules/audit/audit.service';
import { AuditSigner } from '../modules/audit/audit.signing';
import { FileCheckpointStore, type CheckpointStore } from '../modules/audit/audit.checkpoint';
import type { IdentityDeps } from '../modules/identity/identity.deps';

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
}

/** Opens the configured database (migrated) for one command and closes it afterwards. */
export async function withDatabase<T>(fn: (env: CliEnv) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = openDatabase(config);
  try {
    await migrateForServer(config, db);
    const clock = systemClock;
    const audit = createAuditWriter({ dialect: db.dialect, clock, algorithm: config.audit.hash });
    return await fn({
      config,
      db,
      clock,
      audit,
      identity: { db, clock, audit, settings: config },
      ctx: cliContext(),
      signer: AuditSigner.loadOrCreate(config.audit.signingKeyFile, config.audit.signature).signer,
      checkpoints: new FileCheckpointStore(config.audit.checkpointDir),
    });
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
